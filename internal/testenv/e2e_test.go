package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// The repository's end-to-end cases are the files their SHA256SUMS lists,
// byte for byte, and every case holds what the end-to-end test reads.
func TestRepoE2ECasesAreOfficial(t *testing.T) {
	root := filepath.Join(moduleRoot(), RepoE2E)
	sums := readSums(t, filepath.Join(root, "SHA256SUMS"))
	cases := e2eCasesIn(root)
	if len(cases) == 0 {
		t.Fatalf("no case in %s", root)
	}
	for _, dir := range cases {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := filepath.Join(filepath.Base(dir), e.Name())
			want, ok := sums[name]
			if !ok {
				t.Errorf("%s: not in SHA256SUMS", name)
			} else if got := fileSum(t, filepath.Join(root, name)); got != want {
				t.Errorf("%s: sha256 %s, SHA256SUMS says %s", name, got, want)
			}
		}
		for _, need := range []string{"README.md", "submission.json", "pass_at_k.json"} {
			if _, err := os.Stat(filepath.Join(dir, need)); err != nil {
				t.Errorf("case %s: %v", dir, err)
			}
		}
	}
}

// A case is found once however many roots hold it, and a root may be a case
// itself or a folder of cases.
func TestE2ECasesFoundOnce(t *testing.T) {
	repo := e2eCasesIn(filepath.Join(moduleRoot(), RepoE2E))
	if len(repo) == 0 {
		t.Fatal("no repository case")
	}
	t.Setenv(e2eEnv, repo[0])
	got := E2ECases(t)
	if len(got) != len(repo) {
		t.Errorf("with $%s = a repository case: %d cases %v, want %d", e2eEnv, len(got), got, len(repo))
	}
	parent := t.TempDir()
	copyDir(t, repo[0], filepath.Join(parent, "copy"))
	t.Setenv(e2eEnv, parent)
	if got := E2ECases(t); len(got) != len(repo) {
		t.Errorf("with a copy of a case under $%s: %d cases %v, want %d", e2eEnv, len(got), got, len(repo))
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
