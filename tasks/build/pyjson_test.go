package build

import "testing"

// Expected strings are what Python's json.dumps prints for the same values.
func TestPythonJSON(t *testing.T) {
	floats := []struct {
		v    float64
		want string
	}{
		{3633410.0 / 876405, "4.1458115825446"}, {385815.0 / 368150, "1.0479831590384354"}, {1, "1.0"},
		{1e-05, "1e-05"}, {1e16, "1e+16"}, {0.1, "0.1"}, {123456789.123, "123456789.123"},
		{2.5e-7, "2.5e-07"}, {1234567890123456, "1234567890123456.0"},
	}
	for _, f := range floats {
		if got := pyFloat(f.v); got != f.want {
			t.Errorf("pyFloat(%v) = %s, Python %s", f.v, got, f.want)
		}
	}
	if got, want := pyString("a\"b\\c\né\u2603\U0001F600\x01/"), `"a\"b\\c\n\u00e9\u2603\ud83d\ude00\u0001/"`; got != want {
		t.Errorf("pyString = %s, Python %s", got, want)
	}
	if got, want := string(pyJSONStrings([]string{"<blank>", "x|||t1|||0123456789"})), `["<blank>", "x|||t1|||0123456789"]`; got != want {
		t.Errorf("pyJSONStrings = %s, want %s", got, want)
	}
}
