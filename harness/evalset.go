package harness

import (
	"crypto/sha256"
	"encoding/hex"

	"arceval/results"
	"arceval/tasks"
)

// EvalSet is a set loaded for evaluation: its items (all of them, before
// Select), what the run header names it, its identity and, when it is an
// official built split, what the build offers.
type EvalSet struct {
	Items       []*Item
	Name        string // the set name, or the path of a file/folder/built split
	Fingerprint string // tasks.Fingerprint of a set; a built split's token digest
	Kind        tasks.Kind
	Identity    SetIdentity
	// Built is set for an official built split: its items are the build's
	// exact views with the build's puzzle identifiers.
	Built bool
	// BuildViews is the most views (augmented puzzles of a group) the build
	// offers one test input: num_aug + 1 for a complete ARC group.
	BuildViews int
	// BuildIdentifiers is the length of the build's identifiers.json and
	// BuildIDsHash its results.IdentifiersDigest.
	BuildIdentifiers int
	BuildIDsHash     string
}

// LoadEvalSet loads a named set, a path, or an official built split (its
// exact views and identifiers), makes its items with vo and identifies it.
func LoadEvalSet(root, name string, vo ViewOptions) (*EvalSet, error) {
	var es *EvalSet
	if IsBuilt(name) {
		_, kind, err := tasks.DetectFormat(name)
		if err != nil {
			return nil, err
		}
		split, err := tasks.OpenBuilt(name)
		if err != nil {
			return nil, err
		}
		items, err := FromBuilt(split, kind, vo)
		if err != nil {
			return nil, err
		}
		es = &EvalSet{Items: items, Name: name, Fingerprint: BuiltFingerprint(split), Kind: kind, Built: true,
			BuildIdentifiers: len(split.Identifiers), BuildIDsHash: results.IdentifiersDigest(split.Identifiers)}
		if kind == tasks.ARC {
			es.BuildViews = maxMembers(split.Groups(), func(g int) int { return int(split.GroupIndices[g+1] - split.GroupIndices[g]) })
		}
	} else {
		set, err := tasks.LoadSet(root, name)
		if err != nil {
			return nil, err
		}
		items, err := FromSet(set, vo)
		if err != nil {
			return nil, err
		}
		es = &EvalSet{Items: items, Name: set.Name, Fingerprint: tasks.Fingerprint(set), Kind: set.Kind}
	}
	id, err := Identify(es.Items)
	if err != nil {
		return nil, err
	}
	es.Identity = id
	return es, nil
}

// IsBuilt reports whether path is an official built split folder.
func IsBuilt(path string) bool {
	f, _, err := tasks.DetectFormat(path)
	return err == nil && f == tasks.FormatBuilt
}

// BuiltFingerprint identifies a built split by its loaded tokens (inputs
// then labels), without reading the files again.
func BuiltFingerprint(split *tasks.BuiltSplit) string {
	h := sha256.New()
	h.Write(split.Inputs)
	h.Write(split.Labels)
	return hex.EncodeToString(h.Sum(nil))[:16]
}
