package harness

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// validSubmission answers scoringSet: m (3 test inputs), s (1), n (2).
const validSubmission = `{"m": [{"attempt_1": [[1,2],[3,4]], "attempt_2": [[0]]}, {"attempt_1": [[5]], "attempt_2": [[5]]}, {"attempt_1": [[6,6]], "attempt_2": [[6,6]]}],
 "s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}],
 "n": [{"attempt_1": [[9]], "attempt_2": [[9]]}, {"attempt_1": [[0]], "attempt_2": [[0]]}]}`

// Each broken submission breaks one rule and gets exactly the error that
// names it.
func TestValidateSubmission(t *testing.T) {
	set := scoringSet()
	if sc := ValidateSubmission([]byte(validSubmission), set); len(sc.Problems) != 0 || sc.Tasks != 3 || sc.TestInputs != 6 {
		t.Fatalf("the valid submission: %+v", sc)
	}
	// break replaces one piece of the valid submission.
	broken := func(old, new string) string {
		if !strings.Contains(validSubmission, old) {
			t.Fatalf("%q not in the valid submission", old)
		}
		return strings.Replace(validSubmission, old, new, 1)
	}
	cases := []struct {
		name, sub string
		want      []string
	}{
		{"not JSON", `{"m": [`, []string{"not a submission"}},
		{"not an object", `[1, 2]`, []string{"not a submission (want {\"task_id\""}},
		{"missing task", broken(`"s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}],`, ""), []string{"task s: missing (the set has it, with 1 test input(s))"}},
		{"extra task", broken(`"n": [`, `"zz": [], "n": [`), []string{"task zz: not a task of scoring"}},
		{"task twice", broken(`"n": [`, `"s": [], "n": [`), []string{"task s: listed twice"}},
		{"task not a list", broken(`"s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}]`, `"s": {"attempt_1": [[7]]}`), []string{"task s: not a list of entries (one per test input)"}},
		{"too few entries", broken(`, {"attempt_1": [[0]], "attempt_2": [[0]]}]}`, `]}`), []string{"task n: 1 entries for 2 test inputs (want one per test input, in order)"}},
		{"too many entries", broken(`"s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}]`, `"s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}, {"attempt_1": [[7]], "attempt_2": [[7]]}]`),
			[]string{"task s: 2 entries for 1 test inputs (want one per test input, in order)"}},
		{"entry not an object", broken(`{"attempt_1": [[5]], "attempt_2": [[5]]}`, `[[5]]`), []string{"task m: test 1: not an object with attempt_1 and attempt_2"}},
		{"attempt_2 missing", broken(`{"attempt_1": [[5]], "attempt_2": [[5]]}`, `{"attempt_1": [[5]]}`), []string{"task m: test 1: attempt_2: missing"}},
		{"attempt_1 null", broken(`{"attempt_1": [[5]], "attempt_2": [[5]]}`, `{"attempt_1": null, "attempt_2": [[5]]}`), []string{"task m: test 1: attempt_1: null (want a grid)"}},
		{"attempt given twice", broken(`{"attempt_1": [[5]], "attempt_2": [[5]]}`, `{"attempt_1": [[5]], "attempt_2": [[5]], "attempt_2": [[4]]}`), []string{"task m: test 1: attempt_2: given twice"}},
		{"extra key", broken(`{"attempt_1": [[5]], "attempt_2": [[5]]}`, `{"attempt_1": [[5]], "attempt_2": [[5]], "attempt_3": [[5]]}`), []string{`task m: test 1: unexpected key "attempt_3" (want attempt_1 and attempt_2 only)`}},
		{"no rows", broken(`"attempt_2": [[0]]`, `"attempt_2": []`), []string{"task m: test 0: attempt_2: 0 rows (want 1–30)"}},
		{"31 rows", broken(`"attempt_2": [[0]]`, `"attempt_2": [`+strings.Repeat("[0],", 30)+`[0]]`), []string{"task m: test 0: attempt_2: 31 rows (want 1–30)"}},
		{"empty row", broken(`"attempt_2": [[0]]`, `"attempt_2": [[]]`), []string{"task m: test 0: attempt_2: row 0 has 0 cells (want 1–30)"}},
		{"31 columns", broken(`"attempt_2": [[0]]`, `"attempt_2": [[`+strings.Repeat("0,", 30)+`0]]`), []string{"task m: test 0: attempt_2: row 0 has 31 cells (want 1–30)"}},
		{"ragged", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,2],[3,4],[5]]`), []string{"task m: test 0: attempt_1: row 2 has 1 cells, row 0 has 2"}},
		{"row not a list", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,2],3]`), []string{"task m: test 0: attempt_1: row 1 is not a list of numbers"}},
		{"colour 10", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,2],[3,10]]`), []string{"task m: test 0: attempt_1: row 1 col 1: 10 is not a colour 0–9"}},
		{"negative colour", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,-2],[3,4]]`), []string{"task m: test 0: attempt_1: row 0 col 1: -2 is not a colour 0–9"}},
		{"fractional colour", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,2],[3.0,4]]`), []string{"task m: test 0: attempt_1: row 1 col 0: 3.0 is not a colour 0–9"}},
		{"string colour", broken(`"attempt_1": [[1,2],[3,4]]`, `"attempt_1": [[1,"2"],[3,4]]`), []string{`task m: test 0: attempt_1: row 0 col 1: "2" is not a colour 0–9`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := ValidateSubmission([]byte(tc.sub), set)
			var got []string
			for _, p := range sc.Problems {
				got = append(got, p.String())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %q, want %q", got[i], tc.want[i])
				}
			}
		})
	}
}

// Without a set, the structure is checked but not the task list or counts.
func TestValidateSubmissionWithoutSet(t *testing.T) {
	sub := strings.Replace(validSubmission, `"n": [`, `"zz": [{"attempt_1": [[1]], "attempt_2": [[1,2],[3]]}], "n": [`, 1)
	sc := ValidateSubmission([]byte(sub), nil)
	var got []string
	for _, p := range sc.Problems {
		got = append(got, p.String())
	}
	if want := []string{"task zz: test 0: attempt_2: row 1 has 1 cells, row 0 has 2"}; !slices.Equal(got, want) || sc.Tasks != 4 || sc.TestInputs != 7 {
		t.Errorf("problems %q (want %q), %d tasks, %d entries", got, want, sc.Tasks, sc.TestInputs)
	}
}

// The submission eval writes passes validation against its set.
func TestWrittenSubmissionValidates(t *testing.T) {
	set := scoringSet()
	tests := map[string]int{}
	for _, task := range set.Tasks {
		tests[task.ID] = len(task.Test)
	}
	var b bytes.Buffer
	if err := NewSubmission(nil, tests).Write(&b); err != nil {
		t.Fatal(err)
	}
	if sc := ValidateSubmission(b.Bytes(), set); len(sc.Problems) != 0 {
		t.Errorf("the written submission: %v", sc.Problems)
	}
}

func FuzzValidateSubmission(f *testing.F) {
	f.Add([]byte(validSubmission))
	f.Add([]byte(`{"m": [{"attempt_1": [[1,2],[3]], "attempt_2": null}], "m": 3}`))
	f.Add([]byte(`[]`))
	set := scoringSet()
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := ValidateSubmission(data, set)
		for _, p := range sc.Problems {
			if p.Msg == "" {
				t.Fatalf("a problem without a message: %+v", p)
			}
		}
	})
}
