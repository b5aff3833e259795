package fetch

import (
	"io"
	"os"
	"strings"
)

// maxValidator bounds a saved response validator (an ETag or a
// Last-Modified date, tens of bytes in practice).
const maxValidator = 1 << 10

// readMeta returns the response validator saved beside a partial download
// (part+".meta", written by writeMeta) for an If-Range request, or "" when
// there is none or it cannot be sent: longer than maxValidator or holding
// control characters, which the HTTP client would refuse on every attempt
// instead of downloading afresh.
func readMeta(part string) string {
	f, err := os.Open(part + ".meta")
	if err != nil {
		return ""
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxValidator+2))
	if err != nil {
		return ""
	}
	v := strings.TrimSpace(string(b))
	if len(v) > maxValidator || !validHeaderValue(v) {
		return ""
	}
	return v
}

// validHeaderValue reports whether v can be sent as an HTTP header value:
// no control characters but tab (RFC 9110 field-value).
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
