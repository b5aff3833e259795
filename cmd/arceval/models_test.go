package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"arceval/baselines/hrm"
	"arceval/internal/testenv"
	"arceval/models/catalog"
	"arceval/models/trm"
	"arceval/tasks/fetch"
)

// Every catalog entry loads with a preset of its family and names a
// benchmark `reproduce` knows; an ARC entry's identifier count is its TRM
// preset's puzzle table.
func TestCatalogEntriesResolve(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range catalog.Entries() {
		if seen[e.Name] {
			t.Errorf("%s listed twice", e.Name)
		}
		seen[e.Name] = true
		if _, ok := protocols[e.Benchmark]; !ok {
			t.Errorf("%s: benchmark %q unknown to reproduce", e.Name, e.Benchmark)
		}
		switch e.Family {
		case trm.Kind:
			c, err := trm.Preset(e.Preset)
			if err != nil {
				t.Errorf("%s: %v", e.Name, err)
			} else if e.Build.Identifiers != 0 && c.NumPuzzleIdentifiers != e.Build.Identifiers {
				t.Errorf("%s: build has %d identifiers, preset %s %d", e.Name, e.Build.Identifiers, e.Preset, c.NumPuzzleIdentifiers)
			}
		case hrm.Kind:
			if _, err := hrm.Preset(e.Preset); err != nil {
				t.Errorf("%s: %v", e.Name, err)
			}
		default:
			t.Errorf("%s: family %q", e.Name, e.Family)
		}
		w := e.Weights
		if w.Repo == "" || w.Path == "" || w.Origin == "" {
			t.Errorf("%s: weights %+v", e.Name, w)
		}
		if w.SHA256 != "" && len(w.SHA256) != 64 || w.Verified && w.SHA256 == "" {
			t.Errorf("%s: sha256 %q verified %v", e.Name, w.SHA256, w.Verified)
		}
		if (len(e.Build.Sets) == 0) != (e.Benchmark == "arc1" || e.Benchmark == "arc2") {
			t.Errorf("%s: sets %v for benchmark %s", e.Name, e.Build.Sets, e.Benchmark)
		}
	}
}

// fakeHub serves one file at a checkpoint's Hugging Face path and points
// $HF_ENDPOINT and $ARCEVAL_MODELS at itself and a fresh cache.
func fakeHub(t *testing.T, e catalog.Entry, body []byte) (cache string, hits *atomic.Int32) {
	hits = new(atomic.Int32)
	mux := http.NewServeMux()
	mux.HandleFunc("/"+e.Weights.Repo+"/resolve/main/"+e.Weights.Path, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	cache = t.TempDir()
	t.Setenv("HF_ENDPOINT", srv.URL)
	t.Setenv(catalog.EnvDir, cache)
	return cache, hits
}

// The tiny official HRM fixture stands in for the released HRM Sudoku
// checkpoint: served as its file, fetched by name, imported by name with
// the entry's family (import's own default is trm).
func TestModelNamesFetchAndImport(t *testing.T) {
	states := testenv.FixtureFiles(t, "*hrm*.state_dict")
	if len(states) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no HRM parity fixture (*hrm*.state_dict)")
	}
	stateFile := states[0]
	config := strings.TrimSuffix(stateFile, ".state_dict") + ".json"
	body, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := catalog.Lookup("hrm-sudoku-extreme")
	cache, hits := fakeHub(t, e, body)
	out := filepath.Join(t.TempDir(), "hrm.safetensors")

	// Not in the cache and no --fetch: say how to get it.
	_, _, err = runCLI(t, "import", e.Name, "--config", config, "--out", out)
	if err == nil || !strings.Contains(err.Error(), "arceval models fetch "+e.Name) || !strings.Contains(err.Error(), cache) || hits.Load() != 0 {
		t.Fatalf("uncached name: %v (%d requests)", err, hits.Load())
	}
	_, _, err = runCLI(t, "eval", "--model", e.Name, "--set", "sudoku-extreme/test")
	if err == nil || !strings.Contains(err.Error(), "arceval models fetch "+e.Name) {
		t.Fatalf("eval with an uncached name: %v", err)
	}

	stdout, stderr, err := runCLI(t, "models", "fetch", e.Name)
	if err != nil {
		t.Fatalf("models fetch: %v\n%s", err, stderr)
	}
	path := e.Path(cache)
	if !strings.Contains(stdout, path) || !strings.Contains(stderr, "recorded in "+fetch.LockFile) {
		t.Errorf("fetch output:\n%s\n%s", stdout, stderr)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, body) {
		t.Fatal("cached file differs from the served one")
	}
	lock, err := fetch.ReadLock(cache)
	if err != nil || lock.Files[e.Key()].Size != int64(len(body)) {
		t.Fatalf("lock %+v %v", lock, err)
	}

	stdout, stderr, err = runCLI(t, "import", e.Name, "--config", config, "--out", out)
	if err != nil {
		t.Fatalf("import by name: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "("+hrm.Kind+")") || !strings.Contains(stderr, "model "+e.Name+": "+path) {
		t.Errorf("import output:\n%s\n%s", stdout, stderr)
	}
	if hits.Load() != 1 {
		t.Errorf("%d downloads, want 1", hits.Load())
	}
	// A kind that contradicts the entry is refused.
	if _, _, err := runCLI(t, "import", e.Name, "--kind", "trm", "--config", config, "--out", out); err == nil || !strings.Contains(err.Error(), "is a hrm checkpoint") {
		t.Errorf("contradicting --kind: %v", err)
	}
	// A file that exists wins over a catalog name.
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile(e.Name, []byte("not a checkpoint"), 0o644)
	if _, stderr, err := runCLI(t, "import", e.Name, "--kind", "hrm", "--config", config, "--out", out); err == nil || strings.Contains(stderr, "model "+e.Name+":") {
		t.Errorf("a local file named like the entry: %v\n%s", err, stderr)
	}
}

func TestModelNamesFetchFromDataFetch(t *testing.T) {
	e, _ := catalog.Lookup("hrm-maze-30x30-hard")
	cache, hits := fakeHub(t, e, []byte("weights"))
	t.Setenv("ARCEVAL_DATA", t.TempDir())
	stdout, stderr, err := runCLI(t, "data", "fetch", e.Name)
	if err != nil || hits.Load() != 1 || !strings.Contains(stdout, e.Path(cache)) {
		t.Fatalf("data fetch of a model: %v (%d requests)\n%s\n%s", err, hits.Load(), stdout, stderr)
	}
	// Fetched again: re-hashed against the lock, no request.
	if _, stderr, err := runCLI(t, "models", "fetch", e.Name); err != nil || hits.Load() != 1 || !strings.Contains(stderr, "up to date") {
		t.Errorf("second fetch: %v (%d requests)\n%s", err, hits.Load(), stderr)
	}
	stdout, _, err = runCLI(t, "models", "list")
	if err != nil || !strings.Contains(stdout, cache) {
		t.Fatalf("list: %v\n%s", err, stdout)
	}
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, e.Name+" ") && !strings.HasSuffix(strings.TrimSpace(line), "yes") {
			t.Errorf("list does not show %s as cached: %q", e.Name, line)
		}
		if strings.HasPrefix(line, "trm-arc1-arcprize ") && !strings.Contains(line, "unverified") {
			t.Errorf("an unverified hash is not marked: %q", line)
		}
	}
}

// reproduce and eval pick the build a catalog checkpoint needs.
func TestModelNamesBuild(t *testing.T) {
	t.Setenv(catalog.EnvDir, t.TempDir())
	arc1, _ := catalog.Lookup("trm-arc1-arcprize")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"wrong benchmark", []string{"reproduce", "sudoku", "--model", arc1.Name}, "is a arc1 checkpoint (reproduce arc1 --model " + arc1.Name + ")"},
		{"ARC without its build", []string{"reproduce", "arc1", "--model", arc1.Name}, arc1.Build.Command},
		{"eval of ARC without a set", []string{"eval", "--model", arc1.Name, "--fetch=false"}, "arceval models fetch " + arc1.Name},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := defaultEvalSet(&arc1, t.TempDir()); err == nil || !strings.Contains(err.Error(), arc1.Build.Command) {
		t.Errorf("ARC default set: %v", err)
	}
	sudoku, _ := catalog.Lookup("hrm-sudoku-extreme")
	if _, err := defaultEvalSet(&sudoku, t.TempDir()); err == nil || !strings.Contains(err.Error(), "sudoku-extreme/test or sudoku-extreme/test-sample-1200") {
		t.Errorf("Sudoku default set in an empty root: %v", err)
	}
	// A built split with another puzzle table is refused, naming the build.
	split := t.TempDir()
	os.WriteFile(filepath.Join(split, "dataset.json"), []byte(`{"pad_id":0,"ignore_label_id":0,"blank_identifier_id":0,"vocab_size":12,"seq_len":900,"num_puzzle_identifiers":1191730,"total_groups":1,"mean_puzzle_examples":1,"sets":["all"]}`), 0o644)
	err := checkBuild(&arc1, split)
	if err == nil || !strings.Contains(err.Error(), "1191730 puzzle identifiers") || !strings.Contains(err.Error(), "876406 rows") || !strings.Contains(err.Error(), arc1.Build.Command) {
		t.Errorf("mismatched build: %v", err)
	}
	arc2, _ := catalog.Lookup("trm-arc2-arcprize")
	if err := checkBuild(&arc2, split); err != nil {
		t.Errorf("matching build: %v", err)
	}
}
