package paper

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// The numbers of trm-spec.md §9.4 (Table 4) and §9.5 (Table 5), typed in
// independently of paper.json.
var want = []struct {
	method, benchmark string
	score             float64
}{
	{"deepseek-r1", "sudoku-extreme", 0.0}, {"deepseek-r1", "maze-hard", 0.0},
	{"claude-3.7-8k", "sudoku-extreme", 0.0}, {"claude-3.7-8k", "maze-hard", 0.0},
	{"o3-mini-high", "sudoku-extreme", 0.0}, {"o3-mini-high", "maze-hard", 0.0},
	{"direct", "sudoku-extreme", 0.0}, {"direct", "maze-hard", 0.0},
	{"hrm", "sudoku-extreme", 55.0}, {"hrm", "maze-hard", 74.5},
	{"trm-att", "sudoku-extreme", 74.7}, {"trm-att", "maze-hard", 85.3},
	{"trm-mlp", "sudoku-extreme", 87.4}, {"trm-mlp", "maze-hard", 0.0},

	{"deepseek-r1", "arc-agi-1", 15.8}, {"deepseek-r1", "arc-agi-2", 1.3},
	{"claude-3.7-16k", "arc-agi-1", 28.6}, {"claude-3.7-16k", "arc-agi-2", 0.7},
	{"o3-mini-high", "arc-agi-1", 34.5}, {"o3-mini-high", "arc-agi-2", 3.0},
	{"gemini-2.5-pro-32k", "arc-agi-1", 37.0}, {"gemini-2.5-pro-32k", "arc-agi-2", 4.9},
	{"grok-4-thinking", "arc-agi-1", 66.7}, {"grok-4-thinking", "arc-agi-2", 16.0},
	{"bespoke-grok-4", "arc-agi-1", 79.6}, {"bespoke-grok-4", "arc-agi-2", 29.4},
	{"direct", "arc-agi-1", 21.0}, {"direct", "arc-agi-2", 0.0},
	{"hrm", "arc-agi-1", 40.3}, {"hrm", "arc-agi-2", 5.0},
	{"trm-att", "arc-agi-1", 44.6}, {"trm-att", "arc-agi-2", 7.8},
	{"trm-mlp", "arc-agi-1", 29.6}, {"trm-mlp", "arc-agi-2", 2.4},
}

func TestScores(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tb := range r.Tables {
		for _, row := range tb.Rows {
			n += len(row.Scores)
		}
	}
	if n != len(want) {
		t.Errorf("paper.json holds %d scores, the spec's tables %d", n, len(want))
	}
	for _, tc := range want {
		t.Run(tc.method+"/"+tc.benchmark, func(t *testing.T) {
			got, ok := r.Score(tc.method, tc.benchmark)
			if !ok || got != tc.score {
				t.Errorf("Score(%q, %q) = %v, %v; want %v", tc.method, tc.benchmark, got, ok, tc.score)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	row, tb, ok := r.Lookup("TRM-MLP", "sudoku-extreme")
	if !ok || row.Key != "trm-mlp" || row.Scores["sudoku-extreme"] != 87.4 || tb.ID != "table4" {
		t.Fatalf("Lookup(TRM-MLP, sudoku-extreme) = %+v, %v, %v", row, tb, ok)
	}
	if row.Params != "5M (Sudoku) / 19M (Maze)" || row.Source != "TRM paper" {
		t.Errorf("TRM-MLP Table 4 row: params %q, source %q", row.Params, row.Source)
	}
	row, tb, ok = r.Lookup("hrm", "arc-agi-2")
	if !ok || tb.ID != "table5" || !strings.Contains(row.Source, "HRM paper") || !strings.Contains(tb.Protocol, "pass@2") {
		t.Errorf("Lookup(hrm, arc-agi-2) = %+v, %+v, %v", row, tb, ok)
	}
	row, _, _ = r.Lookup("grok-4-thinking", "arc-agi-1")
	if !strings.Contains(row.Source, "ARC Prize leaderboard") {
		t.Errorf("Grok-4 source %q", row.Source)
	}
	for _, q := range [][2]string{{"trm-mlp", "concept-arc"}, {"gpt-5", "arc-agi-1"}, {"claude-3.7-8k", "arc-agi-1"}} {
		if _, _, ok := r.Lookup(q[0], q[1]); ok {
			t.Errorf("Lookup(%q, %q) found a row", q[0], q[1])
		}
	}
}

func TestParseErrors(t *testing.T) {
	row := `{"key":"x","method":"X","group":"g","params":"1M","source":"s","scores":%s}`
	table := func(scores string) string {
		return `{"tables":[{"id":"t","title":"T","protocol":"p","benchmarks":["a","b"],"rows":[` +
			strings.Replace(row, "%s", scores, 1) + `]}]}`
	}
	if _, err := Parse([]byte(table(`{"a":1,"b":2}`))); err != nil {
		t.Fatalf("valid file: %v", err)
	}
	for _, tc := range []struct{ name, data string }{
		{"not JSON", `{`},
		{"no tables", `{"tables":[]}`},
		{"unknown field", strings.Replace(table(`{"a":1,"b":2}`), `"id":"t"`, `"id":"t","extra":1`, 1)},
		{"trailing data", table(`{"a":1,"b":2}`) + `{}`},
		{"missing score", table(`{"a":1}`)},
		{"wrong benchmark", table(`{"a":1,"c":2}`)},
		{"fraction beyond 100", table(`{"a":101,"b":2}`)},
		{"negative", table(`{"a":-1,"b":2}`)},
		{"duplicate", `{"tables":[{"id":"t","benchmarks":["a"],"rows":[` +
			`{"key":"x","method":"X","source":"s","scores":{"a":1}},` +
			`{"key":"x","method":"X2","source":"s","scores":{"a":2}}]}]}`},
		{"row without source", `{"tables":[{"id":"t","benchmarks":["a"],"rows":[{"key":"x","method":"X","scores":{"a":1}}]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.data)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(paperJSON)
	f.Add([]byte(`{"tables":[{"id":"t","benchmarks":["a"],"rows":[{"key":"x","method":"X","source":"s","scores":{"a":1}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err == nil {
			r.Score("x", "a")
		}
	})
}

// TestAgainstSpec compares paper.json with the markdown tables of
// trm-spec.md §9.4 and §9.5, row by row: names, params and scores. The spec
// is looked for in testenv.DocsRoot; the test skips when it is absent.
func TestAgainstSpec(t *testing.T) {
	path := filepath.Join(testenv.DocsRoot(t), "trm-spec.md")
	f, err := os.Open(path)
	if err != nil {
		testenv.Missing(t, testenv.Docs, "%v: set $ARCEVAL_DOCS to the folder holding trm-spec.md", err)
	}
	defer f.Close()
	sections := map[string]string{"### 9.4": "table4", "### 9.5": "table5"}
	type specRow struct {
		method, params string
		scores         []float64
	}
	rows := map[string][]specRow{}
	table := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			table = ""
			for prefix, id := range sections {
				if strings.HasPrefix(line, prefix) {
					table = id
				}
			}
			continue
		}
		if table == "" || !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 4 || cells[0] == "method" || strings.HasPrefix(cells[0], "*") {
			continue // header, or a row-group caption
		}
		var scores []float64
		for _, c := range cells[2:] {
			v, err := strconv.ParseFloat(c, 64)
			if err != nil {
				t.Fatalf("%s: %s: score %q: %v", path, table, c, err)
			}
			scores = append(scores, v)
		}
		rows[table] = append(rows[table], specRow{cells[0], cells[1], scores})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range r.Tables {
		spec := rows[tb.ID]
		if len(spec) != len(tb.Rows) {
			t.Errorf("%s: %d rows in the spec, %d in paper.json", tb.ID, len(spec), len(tb.Rows))
			continue
		}
		for i, row := range tb.Rows {
			s := spec[i]
			if row.Method != s.method || row.Params != s.params {
				t.Errorf("%s row %d: paper.json %q (%s), spec %q (%s)", tb.ID, i, row.Method, row.Params, s.method, s.params)
			}
			for j, b := range tb.Benchmarks {
				if row.Scores[b] != s.scores[j] {
					t.Errorf("%s: %s %s: paper.json %v, spec %v", tb.ID, row.Method, b, row.Scores[b], s.scores[j])
				}
			}
		}
	}
}
