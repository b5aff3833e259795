package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// progress prints "stage done/total" updates: a redrawn line with ETA when
// stderr is a terminal and CI is unset, else nothing but stage changes.
type progress struct {
	w       io.Writer
	tty     bool
	stage   string
	started time.Time
	last    time.Time
	drawn   bool
}

func newProgress(w io.Writer) *progress {
	tty := false
	if f, ok := w.(*os.File); ok && os.Getenv("CI") == "" {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &progress{w: w, tty: tty}
}

func (p *progress) update(stage string, done, total int) {
	now := time.Now()
	if stage != p.stage {
		if p.drawn {
			fmt.Fprintln(p.w)
			p.drawn = false
		}
		p.stage, p.started = stage, now
		if !p.tty {
			fmt.Fprintf(p.w, "%s …\n", stage)
		}
	}
	if !p.tty || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	eta := "?"
	if done > 0 {
		eta = (time.Duration(float64(now.Sub(p.started)) / float64(done) * float64(total-done))).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%-24s %d/%d (%3.0f%%) ETA %s   ", stage, done, total, 100*float64(done)/float64(max(total, 1)), eta)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
