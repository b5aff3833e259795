package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"arceval/internal/testenv"
)

// ArtifactsEnv names the directory where the browser test leaves its
// screenshot; without it the screenshot goes to the test's t.TempDir(), which
// is removed when the test ends.
const ArtifactsEnv = "ARCEVAL_ARTIFACTS"

// findChromium returns a Chromium binary: $ARCEVAL_CHROMIUM, else the usual
// names on $PATH.
func findChromium() string {
	if p := os.Getenv("ARCEVAL_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// pageEvents collects what the page must not do: console errors and
// warnings, uncaught exceptions, browser log errors, and network requests
// other than the page itself.
type pageEvents struct {
	page string // the file:// URL of the report

	mu       sync.Mutex
	problems []string
	requests []string
}

// handle is the chromedp.Listen callback: it runs on the reader of the
// browser's messages, so it only records.
func (p *pageEvents) handle(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request.URL != p.page {
			p.requests = append(p.requests, ev.Request.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				s := a.Description // objects; primitives have a Value
				if s == "" {
					s = string(a.Value)
				}
				args = append(args, s)
			}
			p.problems = append(p.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		p.problems = append(p.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == log.EntryLevelError || e.Level == log.EntryLevelWarning {
			p.problems = append(p.problems, fmt.Sprintf("log %s (%s): %s %s", e.Level, e.Source, e.Text, e.URL))
		}
	}
}

func (p *pageEvents) result() (problems, requests []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...), append([]string(nil), p.requests...)
}

// rendered is what the probe script reads from the loaded page.
type rendered struct {
	Title        string   `json:"title"`
	Tables       int      `json:"tables"`
	Rows         int      `json:"rows"`
	SVGs         int      `json:"svgs"`
	EmptySVGs    []string `json:"emptySVGs"` // SVGs with a zero-width or zero-height bounding box
	Plots        int      `json:"plots"`     // figure SVGs with more than 3 marks
	GalleryGrids int      `json:"galleryGrids"`
	Banner       string   `json:"banner"`
	TaskViews    int      `json:"taskViews"` // per-task views (hidden until their link is followed)
	TaskShown    int      `json:"taskShown"` // task views shown
}

// followed is what following the first task link showed.
type followed struct {
	Href  string `json:"href"`
	ID    string `json:"id"`    // the task view shown
	Shown int    `json:"shown"` // task views shown
	Grids int    `json:"grids"` // drawn grids in the view shown
}

// follow follows the report's first task link (if any) and reads which task
// view shows.
const follow = `(() => {
	const a = document.querySelector(".tasklinks a");
	if (!a) return {href: "", id: "", shown: 0, grids: 0};
	location.hash = a.getAttribute("href");
	const shown = [...document.querySelectorAll(".taskview")].filter(e => e.getBoundingClientRect().height > 0);
	const grids = shown.length ? [...shown[0].querySelectorAll("svg")].filter(e => e.getBoundingClientRect().width > 0).length : 0;
	return {href: a.getAttribute("href"), id: shown.length ? shown[0].id : "", shown: shown.length, grids: grids};
})()`

// probe measures the page: every SVG's bounding box (named by its figure
// caption, or its index), the plots' marks, the tables and the gallery.
const probe = `(() => {
	const svgs = [...document.querySelectorAll("svg")].filter(e => !e.closest(".taskview"));
	const name = (e, i) => {
		const f = e.closest("figure");
		const c = f && f.querySelector("figcaption");
		return (c ? c.textContent.trim().slice(0, 60) : "svg") + " #" + i;
	};
	return {
		title: document.title,
		tables: document.querySelectorAll("table").length,
		rows: document.querySelectorAll("tbody tr").length,
		svgs: svgs.length,
		emptySVGs: svgs.map((e, i) => [e, i]).filter(([e]) => { const r = e.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); }).map(([e, i]) => name(e, i)),
		plots: [...document.querySelectorAll("figure svg")].filter(e => e.querySelectorAll("polyline, rect, circle").length > 3).length,
		galleryGrids: document.querySelectorAll(".gallery svg").length,
		banner: (document.querySelector(".banner") || {}).textContent || "",
		taskViews: document.querySelectorAll(".taskview").length,
		taskShown: [...document.querySelectorAll(".taskview")].filter(e => e.getBoundingClientRect().height > 0).length,
	};
})()`

// chromiumPage is what loadInChromium saw of a page.
type chromiumPage struct {
	rendered
	followed           followed // after following the first task link
	problems, requests []string
	png                []byte // full-page screenshot
}

// loadInChromium writes html to a file, loads it from its file:// URL in
// headless Chromium (driven by chromedp), probes it and takes a full-page
// screenshot. It skips, or fails under $ARCEVAL_REQUIRE=browser, when no
// Chromium is installed.
func loadInChromium(t *testing.T, html []byte) chromiumPage {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		testenv.Missing(t, testenv.Browser, "no Chromium on $PATH: install Debian's chromium (apt-get install chromium) or set $ARCEVAL_CHROMIUM")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, html, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var browserOut bytes.Buffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&browserOut),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	// Listen (not the Events iterators): it sees every event the browser sent
	// before the reply to a later command, so after the last command below
	// nothing that happened during the load can still be in flight.
	events := &pageEvents{page: "file://" + file}
	if err := chromedp.Listen(ctx, events.handle); err != nil {
		t.Fatalf("starting %s: %v\n%s", bin, err, browserOut.String())
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(events.page)); err != nil {
		t.Fatalf("loading %s: %v\n%s", events.page, err, browserOut.String())
	}
	var p chromiumPage
	var err error
	if p.rendered, err = chromedp.Run(ctx, chromedp.Evaluate[rendered](probe)); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if p.png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil { // quality 100: PNG
		t.Fatalf("screenshot: %v", err)
	}
	if p.followed, err = chromedp.Run(ctx, chromedp.Evaluate[followed](follow)); err != nil {
		t.Fatalf("following a task link: %v", err)
	}
	if !bytes.HasPrefix(p.png, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(p.png))
	}
	p.problems, p.requests = events.result()
	return p
}

// TestHTMLInChromium loads the HTML report from a file:// URL in headless
// Chromium and checks that its tables, SVG charts and gallery render (every
// SVG has a non-empty bounding box), with no console error or warning, no
// exception and no network request. It saves the full-page screenshot,
// report-chromium.png, in $ARCEVAL_ARTIFACTS, or else in t.TempDir(), and
// logs the path. Skipped when no Chromium is installed, and under -short,
// unless $ARCEVAL_REQUIRE names browser (as in CI).
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() && !testenv.Required(t, testenv.Browser) {
		t.Skip("-short: skipping the browser test")
	}
	var buf bytes.Buffer
	rep := fixtureReport(t)
	if err := WriteHTML(&buf, rep, fixtureHTMLOptions(rep)); err != nil {
		t.Fatal(err)
	}
	got := loadInChromium(t, buf.Bytes())

	t.Logf("rendered: %d tables (%d rows), %d SVGs (%d plots, %d gallery grids)", got.Tables, got.Rows, got.SVGs, got.Plots, got.GalleryGrids)
	if got.Title != "arceval report" || got.Tables < 5 || got.Rows < 10 {
		t.Errorf("tables did not render: title %q, %d tables, %d rows", got.Title, got.Tables, got.Rows)
	}
	if got.SVGs == 0 || len(got.EmptySVGs) > 0 || got.Plots < 5 {
		t.Errorf("charts did not render: %d SVGs, %d plots with marks; empty bounding boxes: %q", got.SVGs, got.Plots, got.EmptySVGs)
	}
	if got.GalleryGrids < 8 {
		t.Errorf("gallery: %d grids drawn", got.GalleryGrids)
	}
	if !strings.Contains(got.Banner, "SUBSET") {
		t.Errorf("no SUBSET banner: %q", got.Banner)
	}
	if len(got.problems) > 0 {
		t.Errorf("console errors, warnings or exceptions:\n%s", strings.Join(got.problems, "\n"))
	}
	if len(got.requests) > 0 {
		t.Errorf("the page made network requests: %q", got.requests)
	}
	// Task views are hidden until their link is followed; then exactly that
	// one shows, with its grids drawn.
	if got.TaskViews < 20 || got.TaskShown != 0 {
		t.Errorf("task views: %d, %d shown before any link is followed", got.TaskViews, got.TaskShown)
	}
	if v := got.followed; v.Shown != 1 || "#"+v.ID != v.Href || v.Grids < 4 {
		t.Errorf("following a task link: %+v", v)
	}

	artifacts := os.Getenv(ArtifactsEnv)
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatalf("$%s: %v", ArtifactsEnv, err)
	}
	shot := filepath.Join(artifacts, "report-chromium.png")
	if err := os.WriteFile(shot, got.png, 0o644); err != nil {
		t.Errorf("writing the screenshot: %v", err)
	} else {
		t.Logf("screenshot: %s (%d bytes)", shot, len(got.png))
	}
}

// TestChromiumProbeCatchesFaults runs the same probe on a page with every
// fault the report test looks for, so that test cannot pass because an event
// stopped arriving (say chromedp no longer enabled the Network domain).
func TestChromiumProbeCatchesFaults(t *testing.T) {
	if testing.Short() && !testenv.Required(t, testenv.Browser) {
		t.Skip("-short: skipping the browser test")
	}
	const bad = `<!doctype html><title>faults</title>
<figure><svg width="0" height="40"></svg><figcaption>collapsed chart</figcaption></figure>
<img src="missing.png" alt="">
<script>console.error("boom"); console.warn("careful"); null.x;</script>`
	got := loadInChromium(t, []byte(bad))
	if len(got.EmptySVGs) != 1 || !strings.HasPrefix(got.EmptySVGs[0], "collapsed chart") {
		t.Errorf("empty SVGs %q, want the collapsed chart", got.EmptySVGs)
	}
	problems := strings.Join(got.problems, "\n")
	for _, want := range []string{`console.error: "boom"`, `console.warning: "careful"`, "exception", "log error"} {
		if !strings.Contains(problems, want) {
			t.Errorf("no %q among the problems:\n%s", want, problems)
		}
	}
	if len(got.requests) != 1 || !strings.HasSuffix(got.requests[0], "/missing.png") {
		t.Errorf("requests %q, want the image", got.requests)
	}
}
