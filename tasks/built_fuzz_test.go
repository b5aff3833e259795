package tasks

import "testing"

// FuzzBuiltMeta: dataset.json content never panics, and accepted metadata is
// within the documented ranges.
func FuzzBuiltMeta(f *testing.F) {
	f.Add([]byte(`{"pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "vocab_size": 12, "seq_len": 900, "num_puzzle_identifiers": 876406, "total_groups": 960, "mean_puzzle_examples": 4.1458115825446, "total_puzzles": 876405, "sets": ["all"]}`))
	f.Add([]byte(`{"seq_len": 81, "vocab_size": 11, "ignore_label_id": null, "num_puzzle_identifiers": 1}`))
	f.Add([]byte(`{"seq_len": -1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseBuiltMeta("dataset.json", data)
		if err != nil {
			return
		}
		if m.SeqLen <= 0 || m.SeqLen > 1<<16 || m.VocabSize < 2 || m.VocabSize > 256 || m.NumPuzzleIdentifiers < 1 {
			t.Fatalf("out-of-range metadata accepted: %+v", m)
		}
	})
}
