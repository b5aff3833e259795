package tasks

import (
	"encoding/json"
	"fmt"

	"arceval/internal/jsontok"
	"arceval/internal/userfile"
)

// maxJSONBytes bounds the size of an ARC JSON file; the largest real file
// (ARC-AGI-2 training challenges) is 4 MB. The readers stream it; only a
// syntax error's line and column make them read it whole.
const maxJSONBytes = 128 << 20

// readLimited reads a whole regular file, refusing larger files than limit
// before reading them.
func readLimited(path string, limit int64) ([]byte, error) {
	return userfile.ReadFile(path, limit)
}

// jsonSyntaxMsg turns a decoding error into a message with line and column.
func jsonSyntaxMsg(data []byte, err error) string { return jsontok.SyntaxMsg(data, err) }

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", v.String())
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
