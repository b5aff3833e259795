package tasks

import "testing"

func TestParseARCNameHRM(t *testing.T) {
	id, aug, err := ParseARCName("007bbfb7_t3_0234567891")
	if err != nil || id != "007bbfb7" || aug.Trans != 3 || aug.Colours != (ColourMap{0, 2, 3, 4, 5, 6, 7, 8, 9, 1}) {
		t.Fatalf("got %q %+v %v", id, aug, err)
	}
	for _, name := range []string{"AboveBelow1", "a_t9_0123456789", "a_t1_012345678", "a_t1_0123456789x"} {
		if id, aug, err := ParseARCName(name); err != nil || id != name || !aug.IsIdentity() {
			t.Errorf("%q: got %q %+v %v, want an original", name, id, aug, err)
		}
	}
	if _, _, err := ParseARCName("a_t1_0123456788"); err == nil {
		t.Error("a colour map that is not a permutation was accepted")
	}
}
