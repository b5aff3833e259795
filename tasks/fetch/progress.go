package fetch

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progress renders the progress of one transfer: a redrawn bar on a
// terminal, otherwise a single line when the transfer ends.
type progress struct {
	w     io.Writer
	bar   bool
	width int
	label string
	total int64 // -1 if unknown
	done  int64 // bytes present, including resumed ones
	base  int64 // bytes present when this attempt started
	start time.Time
	drawn time.Time
}

// barWriter reports whether w is a terminal on which to draw a bar (never
// when the CI environment variable is set), and its width.
func barWriter(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	if _, ci := os.LookupEnv("CI"); ci {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width < 40 {
		width = 80
	}
	return true, width
}

// newProgress starts reporting a transfer to w (nil: discard).
func newProgress(w io.Writer, plain bool, label string) *progress {
	if w == nil {
		w = io.Discard
	}
	p := &progress{w: w, label: label, total: -1, start: time.Now()}
	if !plain {
		p.bar, p.width = barWriter(w)
	}
	return p
}

// reset starts a new attempt with offset bytes already present out of total
// (-1 if unknown).
func (p *progress) reset(offset, total int64) {
	p.done, p.base, p.total = offset, offset, total
	p.start = time.Now()
	p.draw(true)
}

// Write counts bytes written; it never fails.
func (p *progress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	p.draw(false)
	return len(b), nil
}

// note prints a line of its own, e.g. a retry notice.
func (p *progress) note(format string, args ...any) {
	p.clear()
	fmt.Fprintf(p.w, "%s: %s\n", p.label, fmt.Sprintf(format, args...))
}

// finish ends the transfer with a summary line.
func (p *progress) finish() {
	p.clear()
	el := time.Since(p.start)
	fmt.Fprintf(p.w, "%s: %s in %s (%s/s)\n", p.label, human(p.done), el.Round(time.Millisecond), human(rate(p.done-p.base, el)))
}

// clear erases the bar, if any.
func (p *progress) clear() {
	if p.bar && !p.drawn.IsZero() {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = time.Time{}
	}
}

// draw redraws the bar at most ten times a second unless forced.
func (p *progress) draw(force bool) {
	if !p.bar {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.drawn) < 100*time.Millisecond {
		return
	}
	p.drawn = now
	el := now.Sub(p.start)
	r := rate(p.done-p.base, el)
	var s string
	if p.total > 0 {
		frac := min(float64(p.done)/float64(p.total), 1)
		eta := "--"
		if r > 0 {
			eta = (time.Duration(float64(p.total-p.done)/float64(r)) * time.Second).Round(time.Second).String()
		}
		tail := fmt.Sprintf(" %3.0f%% %s/%s %s/s ETA %s", 100*frac, human(p.done), human(p.total), human(r), eta)
		n := max(p.width-len(p.label)-len(tail)-5, 10)
		fill := int(frac * float64(n))
		s = fmt.Sprintf("%s [%s%s]%s", p.label, strings.Repeat("=", fill), strings.Repeat(" ", n-fill), tail)
	} else {
		s = fmt.Sprintf("%s %s %s/s", p.label, human(p.done), human(r))
	}
	if len(s) >= p.width {
		s = s[:p.width-1]
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", s)
}

// rate returns bytes per second.
func rate(n int64, el time.Duration) int64 {
	if el <= 0 {
		return 0
	}
	return int64(float64(n) / el.Seconds())
}

// human formats a byte count.
func human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
