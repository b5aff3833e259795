package testenv

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
)

// RepoE2E is the repository's copy of the end-to-end ARC cases (one folder
// per case), relative to the module root.
const RepoE2E = "testdata/e2e"

// e2eEnv names an external folder of end-to-end cases (or one case).
const e2eEnv = "ARCEVAL_E2E"

// e2eMarker is the file that makes a folder an end-to-end case: the
// official evaluator's submission.
const e2eMarker = "submission.json"

// isE2ECase reports whether dir holds an end-to-end case.
func isE2ECase(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, e2eMarker))
	return err == nil && st.Mode().IsRegular()
}

// e2eCasesIn lists the cases of root: root itself when it is a case, else
// its sub-folders that are, sorted.
func e2eCasesIn(root string) []string {
	if isE2ECase(root) {
		return []string{root}
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if dir := filepath.Join(root, e.Name()); e.IsDir() && isE2ECase(dir) {
			out = append(out, dir)
		}
	}
	return out
}

// caseDigest identifies a case by its model and the official submission,
// so that the repository's copy of a shared case runs once.
func caseDigest(dir string) [32]byte {
	h := sha256.New()
	for _, name := range []string{e2eMarker, "pass_at_k.json"} {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		h.Write(data)
		h.Write([]byte{0})
	}
	models, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
	for _, m := range models {
		data, _ := os.ReadFile(m)
		h.Write(data)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d
}

// E2ECases returns the end-to-end ARC case folders: those in the
// repository's testdata/e2e first, then those in $ARCEVAL_E2E (else
// ../shared/fixtures/e2e), which may be one case or a folder of cases. A case
// found in both (same model and official outputs) is returned once. An
// absent external folder is noted with Partial; no case at all is Missing
// (a failure under $ARCEVAL_REQUIRE=e2e).
func E2ECases(t testing.TB) []string {
	t.Helper()
	ext := external(e2eEnv, filepath.Join("..", "shared", "fixtures", "e2e"))
	var out []string
	seen := map[[32]byte]bool{}
	for _, root := range []string{filepath.Join(moduleRoot(), RepoE2E), ext} {
		for _, dir := range e2eCasesIn(root) {
			if d := caseDigest(dir); !seen[d] {
				seen[d] = true
				out = append(out, dir)
			}
		}
	}
	if !isDir(ext) {
		Partial(t, E2E, "no external end-to-end cases at %s: set $%s to a case folder (or a folder of cases) made with the official evaluator", ext, e2eEnv)
	}
	if len(out) == 0 {
		Missing(t, E2E, "no end-to-end ARC case in %s or %s (a case folder holds the official %s)", filepath.Join(moduleRoot(), RepoE2E), ext, e2eMarker)
	}
	return out
}
