package harness

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// fuzzItems is a small selection: five tasks, some with several test
// inputs, one id with a comma (selectable only when quoted in --ids).
func fuzzItems() []*Item {
	var items []*Item
	for ti, task := range []struct {
		id    string
		tests int
	}{{"007bbfb7", 2}, {"0a1d4ef5", 1}, {"a,b", 1}, {"ü", 3}, {"z", 1}} {
		for k := range task.tests {
			items = append(items, &Item{TaskID: task.id, TestIndex: k, Tests: task.tests, Task: ti})
		}
	}
	return items
}

// FuzzSelect: the --ids value (parsed by the flag package, as eval does),
// --limit (a negative one is an error) and --shard K/N select whole tasks of the set: the selection is
// a subsequence of the set, holds exactly the asked ids, at most limit
// tasks, and the N shards partition it.
func FuzzSelect(f *testing.F) {
	f.Add("007bbfb7", 0, 1, 1)
	f.Add("007bbfb7,z", 1, 1, 2)
	f.Add(`"a,b",ü`, 0, 2, 3)
	f.Add("nope", 0, 1, 1)
	f.Add("", -5, 3, 3)
	f.Add(`"unterminated`, 2, 1, 1)
	f.Add("z,z,,z", 0, 5, 4)
	f.Fuzz(func(t *testing.T, idsFlag string, limit, k, n int) {
		fs := pflag.NewFlagSet("eval", pflag.ContinueOnError)
		fs.SetOutput(nil)
		ids := fs.StringSlice("ids", nil, "")
		if err := fs.Parse([]string{"--ids=" + idsFlag}); err != nil {
			return // a malformed list is the flag package's usage error
		}
		all := fuzzItems()
		sel, subset, err := Select(all, limit, *ids)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--ids: no task ") && !(limit < 0 && strings.HasPrefix(err.Error(), "limit ")) {
				t.Fatalf("Select error %q", err)
			}
			return
		}
		if limit < 0 {
			t.Fatalf("limit %d selected %d items without an error", limit, len(sel))
		}
		if (len(*ids) == 0 && (limit <= 0 || limit >= countTasks(all))) != (subset == "") {
			t.Fatalf("ids %q limit %d: subset %q", *ids, limit, subset)
		}
		// A subsequence of whole tasks, of the asked ids.
		i := 0
		for _, it := range sel {
			for i < len(all) && all[i] != it {
				i++
			}
			if i == len(all) {
				t.Fatalf("selection is not a subsequence of the set")
			}
			if len(*ids) > 0 && !slices.Contains(*ids, it.TaskID) {
				t.Fatalf("selected task %q not in --ids %q", it.TaskID, *ids)
			}
		}
		tasks, inputs := Counts(sel)
		perTask := map[string]int{}
		for _, it := range sel {
			perTask[it.TaskID]++
		}
		for id, c := range perTask {
			if c != all[slices.IndexFunc(all, func(it *Item) bool { return it.TaskID == id })].Tests {
				t.Fatalf("task %q cut: %d of its test inputs", id, c)
			}
		}
		if limit > 0 && tasks > limit {
			t.Fatalf("limit %d kept %d tasks", limit, tasks)
		}
		if len(*ids) > 0 && limit <= 0 {
			want := map[string]bool{}
			for _, id := range *ids {
				want[id] = true
			}
			if len(perTask) != len(want) {
				t.Fatalf("--ids %q selected %d tasks", *ids, len(perTask))
			}
		}
		// The shards partition the selection.
		if n < 1 || n > 64 {
			return
		}
		seen := 0
		for s := 1; s <= n; s++ {
			seen += len(ShardOf(sel, s, n))
		}
		if seen != inputs {
			t.Fatalf("%d shards hold %d test inputs, the selection %d", n, seen, inputs)
		}
	})
}

// FuzzReadIdentifiers: an identifiers.json (--identifiers, or beside a
// built split) is a list of names or an error naming the file; every name
// maps to its first index.
func FuzzReadIdentifiers(f *testing.F) {
	f.Add([]byte(`["<blank>", "007bbfb7", "007bbfb7|||t1|||0123456789"]`))
	f.Add([]byte(`["a", "a", "b"]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"a": 1}`))
	f.Add([]byte(`["a", 1]`))
	f.Add([]byte(`["\u0000", ""]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "identifiers.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ids, err := ReadIdentifiers(path, 1<<16)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for name, id := range ids {
			if id < 0 {
				t.Fatalf("name %q has identifier %d", name, id)
			}
		}
	})
}
