package tasks

import (
	"fmt"

	"arceval/internal/jsontok"
)

// Bounds of an identifiers.json (a built dataset's list of puzzle names,
// index = puzzle identifier; ARC-AGI-2's has 1.19 M names of ~30 bytes).
const (
	// MaxPuzzleIdentifiers bounds num_puzzle_identifiers of a built split
	// and the length of an identifiers list.
	MaxPuzzleIdentifiers = 1 << 22
	// maxIdentifierBytes bounds one puzzle name.
	maxIdentifierBytes = 1 << 10
)

// ReadIdentifiers reads an identifiers.json: a JSON list of at most
// maxCount puzzle names (bound says where that count comes from, for the
// message). The file's size is checked against maxCount before
// anything is parsed, the count and each name's length while reading, so a
// hostile list costs at most maxCount short strings.
func ReadIdentifiers(path string, maxCount int, bound string) ([]string, error) {
	maxCount = min(maxCount, MaxPuzzleIdentifiers)
	f, source, err := openJSON(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// Each name is at most maxIdentifierBytes, quoted, with a separator and
	// some white space.
	if limit := int64(maxCount)*(maxIdentifierBytes+8) + 64; st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than a list of %d puzzle names (%s) can take (%d)", path, st.Size(), maxCount, bound, limit)
	}
	in := jsontok.NewReader(f)
	fail := func(format string, args ...any) ([]string, error) {
		if in.Failure() != nil {
			return nil, fmt.Errorf("%s: %s", path, jsontok.FailureMsg(in.Failure(), source))
		}
		return nil, fmt.Errorf("%s: "+format, append([]any{path}, args...)...)
	}
	t, ok := in.Next()
	if !ok || !jsontok.IsDelim(t, '[') {
		return fail("want a JSON list of puzzle names, found %s", describeToken(t))
	}
	var names []string
	for in.More() {
		if len(names) == maxCount {
			return fail("more than %d puzzle names (%s)", maxCount, bound)
		}
		t, ok := in.Next()
		if !ok {
			return fail("")
		}
		s, isString := t.(string)
		switch {
		case !isString:
			return fail("element %d: %s is not a puzzle name (a string)", len(names), truncate(jsontok.Describe(t), 20))
		case len(s) > maxIdentifierBytes:
			return fail("element %d: a puzzle name of %d bytes, more than %d", len(names), len(s), maxIdentifierBytes)
		}
		names = append(names, s)
	}
	if !in.End() || !in.AtEOF() {
		return fail("")
	}
	return names, nil
}
