package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyARCDir writes a folder of two tiny ARC tasks (solutions included).
func tinyARCDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "arc")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, task := range map[string]string{
		"aaaa1111": `{"train": [{"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]}], "test": [{"input": [[5, 6]], "output": [[6, 5]]}]}`,
		"bbbb2222": `{"train": [{"input": [[0, 7]], "output": [[7, 0]]}], "test": [{"input": [[1]], "output": [[1]]}, {"input": [[2, 2, 3]], "output": [[3, 2, 2]]}]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(task), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A negative --limit is refused (it meant no limit, and was recorded as
// given).
func TestNegativeLimitRefused(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "--model", "m", "--set", "s", "--limit", "-5"},
		{"reproduce", "arc1", "--limit", "-5"},
		{"train", "--preset", "sudoku-mlp", "--set", "s", "--out", "d", "--eval-limit", "-5"},
	} {
		_, _, err := runCLI(t, args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "limit -5: want a number of tasks ≥ 1, or 0 for all of them") {
			t.Errorf("%s: error %v (exit %d), want a usage error", strings.Join(args, " "), err, exitCode(err))
		}
	}
}

// editRun copies the golden ARC run file with each item line changed by
// edit (nil drops the line).
func editRun(t *testing.T, edit func(item map[string]any) map[string]any) string {
	t.Helper()
	in, err := os.Open(filepath.Join("testdata", "eval_arc.run.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	path := filepath.Join(t.TempDir(), "run.jsonl")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 1<<20)
	w := bufio.NewWriter(out)
	for first := true; sc.Scan(); first = false {
		line := sc.Bytes()
		if !first {
			var it map[string]any
			if err := json.Unmarshal(line, &it); err != nil {
				t.Fatal(err)
			}
			if it = edit(it); it == nil {
				continue
			}
			line, _ = json.Marshal(it)
		}
		w.Write(line)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Wall times: a negative one is refused by name and line; a huge one
// prints in a few characters (it printed as a 300-digit number).
func TestRunFileSeconds(t *testing.T) {
	neg := editRun(t, func(it map[string]any) map[string]any { it["seconds"] = -1e300; return it })
	if _, _, err := runCLI(t, "score", neg); err == nil || !strings.Contains(err.Error(), neg+": line 2: test input AboveBelowMinimal#0: seconds -1e+300 is negative") {
		t.Errorf("negative seconds: %v", err)
	}
	huge := editRun(t, func(it map[string]any) map[string]any { it["seconds"] = 1e300; return it })
	for _, args := range [][]string{{"score", huge}, {"report", huge}} {
		out, errOut, err := runCLI(t, args...)
		if err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, errOut)
		}
		if !strings.Contains(out, "e+30") {
			t.Errorf("%s: no time in scientific notation:\n%s", args[0], out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, strings.Repeat("0", 40)) {
				t.Errorf("%s: a time printed digit by digit:\n%.300s", args[0], line)
			}
		}
	}
}

// A run whose items record a million supervision steps makes a small HTML
// page (the curve is drawn as 64 averaged ranges; it was 121 MB) and a
// short summary line.
func TestManyStepsBounded(t *testing.T) {
	const steps = 1_000_000
	exact := make([]bool, steps)
	exact[steps-1] = true
	n := 0
	path := editRun(t, func(it map[string]any) map[string]any {
		if n++; n > 2 {
			return nil
		}
		it["step_exact"], it["steps"] = exact, steps
		delete(it, "step_q_halt_prob") // a per-step value for each of 3 steps no longer fits
		return it
	})
	page := filepath.Join(t.TempDir(), "report.html")
	if _, errOut, err := runCLI(t, "report", "--html", page, "--gallery", "0", path); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	st, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 1<<20 {
		t.Errorf("the HTML report is %d bytes", st.Size())
	}
	html, _ := os.ReadFile(page)
	if !strings.Contains(string(html), "1000000 steps are shown as 64 points") || !strings.Contains(string(html), "1–15625") {
		t.Error("the step curve does not say how it aggregates")
	}
	out, _, err := runCLI(t, "score", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "by step") && (len(line) > 400 || !strings.Contains(line, "… (999969 steps) 999998:0.0 999999:0.0 1000000:16.7")) {
			t.Errorf("by-step line of %d bytes: %.300s", len(line), line)
		}
	}
}

// The warning about a puzzle-embedding table without identifiers is for
// models that have one, not for those with num_puzzle_identifiers but no
// table (puzzle_emb_ndim 0).
func TestPuzzleTableWarning(t *testing.T) {
	set := tinyARCDir(t)
	withTable := tinyModelIDs(t, 900, 12, 50)
	cfg := tinyConfig(900, 12)
	cfg["puzzle_emb_ndim"], cfg["num_puzzle_identifiers"] = 0, 50
	raw, _ := json.Marshal(cfg)
	dir := t.TempDir()
	cfgPath, noTable := filepath.Join(dir, "cfg.json"), filepath.Join(dir, "notable.safetensors")
	if err := os.WriteFile(cfgPath, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := runCLI(t, "init", "--config", cfgPath, "--out", noTable); err != nil {
		t.Fatalf("init: %v\n%s", err, errOut)
	}
	const warning = "puzzle-embedding table but no identifiers were given"
	for _, tc := range []struct {
		model string
		warn  bool
	}{{withTable, true}, {noTable, false}} {
		_, errOut, err := runCLI(t, "eval", "--model", tc.model, "--set", set, "--steps", "1")
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		if strings.Contains(errOut, warning) != tc.warn {
			t.Errorf("%s: warning %v, want %v:\n%s", tc.model, !tc.warn, tc.warn, errOut)
		}
	}
}
