package fetch

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// A Source is one downloadable benchmark source. It is either a GitHub
// repository at a pinned commit (Owner, Repo, Commit, Paths) or a list of
// direct file downloads (Files), e.g. from a Hugging Face dataset.
type Source struct {
	Name string // registry name, e.g. "arc-agi-1"
	Desc string // one-line description

	// GitHub archive sources.
	Owner, Repo, Commit string
	Paths               []PathMap // which archive paths go where

	// Direct downloads.
	Files []RemoteFile
}

// A PathMap maps a path inside a repository to a path under the data root,
// both slash-separated. A From ending in "/" maps a directory prefix (To must
// then end in "/" too); otherwise it maps a single file.
type PathMap struct {
	From, To string
}

// A RemoteFile is one file of a Hugging Face dataset.
type RemoteFile struct {
	Dataset  string // e.g. "sapientinc/sudoku-extreme"
	Revision string // branch, tag or commit, e.g. "main"
	File     string // path inside the dataset, e.g. "train.csv"
	Dest     string // slash-separated path under the data root
}

// IsGitHub reports whether s is fetched as a GitHub archive.
func (s Source) IsGitHub() bool { return s.Repo != "" }

// RepoID returns "github.com/owner/repo@commit", the form used in the
// source column of MANIFEST.txt.
func (s Source) RepoID() string {
	return "github.com/" + s.Owner + "/" + s.Repo + "@" + s.Commit
}

// Dest maps a repository path (slash-separated, relative to the repository
// root) to its destination under the data root; ok is false if s does not
// want the path.
func (s Source) Dest(repoPath string) (dest string, ok bool) {
	for _, m := range s.Paths {
		if strings.HasSuffix(m.From, "/") {
			if rest, found := strings.CutPrefix(repoPath, m.From); found && rest != "" {
				return m.To + rest, true
			}
		} else if repoPath == m.From {
			return m.To, true
		}
	}
	return "", false
}

// covers reports whether dest lies in one of s's mapped destinations.
func (s Source) covers(dest string) bool {
	for _, m := range s.Paths {
		if strings.HasSuffix(m.To, "/") {
			if strings.HasPrefix(dest, m.To) && len(dest) > len(m.To) {
				return true
			}
		} else if dest == m.To {
			return true
		}
	}
	for _, f := range s.Files {
		if f.Dest == dest {
			return true
		}
	}
	return false
}

// validate checks that s is well formed and every destination is a clean,
// local, slash-separated path.
func (s Source) validate() error {
	if s.Name == "" {
		return fmt.Errorf("fetch: source without a name")
	}
	if s.IsGitHub() && (s.Owner == "" || s.Commit == "" || len(s.Paths) == 0) {
		return fmt.Errorf("fetch: source %s: GitHub source needs owner, commit and paths", s.Name)
	}
	if !s.IsGitHub() && len(s.Files) == 0 {
		return fmt.Errorf("fetch: source %s: nothing to fetch", s.Name)
	}
	for _, m := range s.Paths {
		if strings.HasSuffix(m.From, "/") != strings.HasSuffix(m.To, "/") {
			return fmt.Errorf("fetch: source %s: path map %q -> %q mixes a file and a directory", s.Name, m.From, m.To)
		}
		if !localSlash(strings.TrimSuffix(m.From, "/")) || !localSlash(strings.TrimSuffix(m.To, "/")) {
			return fmt.Errorf("fetch: source %s: bad path map %q -> %q", s.Name, m.From, m.To)
		}
	}
	for _, f := range s.Files {
		if f.Dataset == "" || f.File == "" || !localSlash(f.Dest) {
			return fmt.Errorf("fetch: source %s: bad remote file %+v", s.Name, f)
		}
	}
	return nil
}

// localSlash reports whether p is a non-empty, clean, relative slash path
// that stays inside its root.
func localSlash(p string) bool {
	if p == "" || p != path.Clean(p) || path.IsAbs(p) || strings.Contains(p, `\`) {
		return false
	}
	return p != ".." && !strings.HasPrefix(p, "../")
}

// Pinned upstream commits.
const (
	arcAGI1Commit    = "399030444e0ab0cc8b4e199870fb20b863846f34"
	arcAGI2Commit    = "f3283f727488ad98fe575ea6a5ac981e4a188e49"
	conceptARCCommit = "b22ef526b4656679816b7811e78f55cc24d736d7"
	trmCommit        = "e7b68717f0a6c4cbb4ce6fbef787b14f42083bd9"
)

// Sources returns the registry of official benchmark sources, in fetch order.
// The result is a fresh copy that the caller may modify.
func Sources() []Source {
	return []Source{
		{
			Name: "arc-agi-1", Desc: "ARC-AGI-1 400 training + 400 evaluation tasks (Apache-2.0)",
			Owner: "fchollet", Repo: "ARC-AGI", Commit: arcAGI1Commit,
			Paths: []PathMap{
				{"data/training/", "arc-agi-1/training/"},
				{"data/evaluation/", "arc-agi-1/evaluation/"},
				{"LICENSE", "arc-agi-1/LICENSE"},
			},
		},
		{
			Name: "arc-agi-2", Desc: "ARC-AGI-2 1000 training + 120 evaluation tasks (Apache-2.0)",
			Owner: "arcprize", Repo: "ARC-AGI-2", Commit: arcAGI2Commit,
			Paths: []PathMap{
				{"data/training/", "arc-agi-2/training/"},
				{"data/evaluation/", "arc-agi-2/evaluation/"},
				{"data/training.txt", "arc-agi-2/training.txt"},
				{"data/evaluation.txt", "arc-agi-2/evaluation.txt"},
				{"LICENSE", "arc-agi-2/LICENSE"},
			},
		},
		{
			Name: "concept-arc", Desc: "ConceptARC 160 corpus tasks + 16 minimal tasks (MIT)",
			Owner: "victorvikram", Repo: "ConceptARC", Commit: conceptARCCommit,
			Paths: []PathMap{
				{"corpus/", "concept-arc/corpus/"},
				{"MinimalTasks/", "concept-arc/MinimalTasks/"},
				{"LICENSE", "concept-arc/LICENSE"},
			},
		},
		{
			Name: "trm-kaggle", Desc: "Kaggle-format ARC files consumed by TRM's build_arc_dataset.py (MIT repo)",
			Owner: "SamsungSAILMontreal", Repo: "TinyRecursiveModels", Commit: trmCommit,
			Paths: []PathMap{
				{"kaggle/combined/", "trm-kaggle-combined/"},
				{"LICENSE", "trm-kaggle-combined/LICENSE_TRM_repo"},
			},
		},
		{
			Name: "sudoku-extreme", Desc: "Sudoku-Extreme train/test CSV (HF sapientinc/sudoku-extreme; hash recorded on first use)",
			Files: []RemoteFile{
				{"sapientinc/sudoku-extreme", "main", "train.csv", "sudoku/sudoku-extreme/train.csv"},
				{"sapientinc/sudoku-extreme", "main", "test.csv", "sudoku/sudoku-extreme/test.csv"},
			},
		},
		{
			Name: "maze-hard", Desc: "Maze-Hard 30x30 train/test CSV (HF sapientinc/maze-30x30-hard-1k; hash recorded on first use)",
			Files: []RemoteFile{
				{"sapientinc/maze-30x30-hard-1k", "main", "train.csv", "maze-30x30-hard-1k/train.csv"},
				{"sapientinc/maze-30x30-hard-1k", "main", "test.csv", "maze-30x30-hard-1k/test.csv"},
			},
		},
	}
}

// Names returns the names of srcs.
func Names(srcs []Source) []string {
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	return names
}

// selectSources returns the sources named by names (all of srcs if names is
// empty), in registry order, or an error naming unknown names.
func selectSources(srcs []Source, names []string) ([]Source, error) {
	for _, s := range srcs {
		if err := s.validate(); err != nil {
			return nil, err
		}
	}
	if len(names) == 0 {
		return srcs, nil
	}
	var out []Source
	var unknown []string
	for _, n := range names {
		if !slices.ContainsFunc(srcs, func(s Source) bool { return s.Name == n }) {
			unknown = append(unknown, n)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("fetch: unknown source %s (known: %s)", strings.Join(unknown, ", "), strings.Join(Names(srcs), ", "))
	}
	for _, s := range srcs {
		if slices.Contains(names, s.Name) {
			out = append(out, s)
		}
	}
	return out, nil
}
