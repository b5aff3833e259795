package reports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"arceval/internal/testenv"
)

// screenshotPath is where the browser test leaves its screenshot of the page.
const screenshotPath = "/tmp/arceval-report.png"

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

// cdp is a minimal Chrome DevTools Protocol client over
// --remote-debugging-pipe: JSON messages separated by NUL bytes, commands
// written to the browser's fd 3, replies and events read from its fd 4.
type cdp struct {
	w       *os.File
	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMsg
	events  chan cdpMsg
}

type cdpMsg struct {
	ID        int             `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func (c *cdp) readLoop(r *os.File) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		b, err := br.ReadBytes(0)
		if err != nil {
			close(c.events)
			return
		}
		var m cdpMsg
		if json.Unmarshal(b[:len(b)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		c.events <- m
	}
}

// call sends a command and waits for its reply.
func (c *cdp) call(ctx context.Context, session, method string, params any, result any) error {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan cdpMsg, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// TestHTMLInChromium loads the HTML report in headless Chromium and checks
// that it renders its tables, SVG plots and gallery with no console error,
// no exception and no network request; it writes a screenshot to
// /tmp/arceval-report.png. Skipped when no Chromium is installed (a
// failure under $ARCEVAL_REQUIRE=browser, as in CI).
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the browser test")
	}
	bin := findChromium()
	if bin == "" {
		testenv.Missing(t, testenv.Browser, "no Chromium on $PATH: install Debian's chromium (apt-get install chromium) or set $ARCEVAL_CHROMIUM")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	rep := fixtureReport(t)
	if err := WriteHTML(&buf, rep, fixtureHTMLOptions(rep)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmdR, cmdW, err := os.Pipe() // we write commands, the browser reads fd 3
	if err != nil {
		t.Fatal(err)
	}
	evR, evW, err := os.Pipe() // the browser writes fd 4, we read
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
		"--disable-sync", "--disable-component-update", "--mute-audio", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "about:blank")
	cmd.ExtraFiles = []*os.File{cmdR, evW}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	cmdR.Close()
	evW.Close()
	defer func() {
		cmdW.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	c := &cdp{w: cmdW, pending: map[int]chan cdpMsg{}, events: make(chan cdpMsg, 1024)}
	go c.readLoop(evR)

	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatalf("%v\nchromium stderr:\n%s", err, stderr.String())
	}
	var attach struct {
		SessionID string `json:"sessionId"`
	}
	if err := c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attach); err != nil {
		t.Fatal(err)
	}
	s := attach.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Network.enable", "Page.enable"} {
		if err := c.call(ctx, s, m, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}

	// Collect events until the page has loaded.
	url := "file://" + page
	var problems, requests []string
	loaded := false
	handle := func(m cdpMsg) {
		switch m.Method {
		case "Page.loadEventFired":
			loaded = true
		case "Runtime.exceptionThrown":
			problems = append(problems, "exception: "+string(m.Params))
		case "Runtime.consoleAPICalled":
			var p struct{ Type string }
			json.Unmarshal(m.Params, &p)
			if p.Type == "error" || p.Type == "warning" || p.Type == "assert" {
				problems = append(problems, "console "+p.Type+": "+string(m.Params))
			}
		case "Log.entryAdded":
			var p struct {
				Entry struct{ Level, Text, Source, URL string }
			}
			json.Unmarshal(m.Params, &p)
			if p.Entry.Level == "error" || p.Entry.Level == "warning" {
				problems = append(problems, fmt.Sprintf("log %s (%s): %s %s", p.Entry.Level, p.Entry.Source, p.Entry.Text, p.Entry.URL))
			}
		case "Network.requestWillBeSent":
			var p struct {
				Request struct{ URL string }
			}
			json.Unmarshal(m.Params, &p)
			if p.Request.URL != url {
				requests = append(requests, p.Request.URL)
			}
		}
	}
	if err := c.call(ctx, s, "Page.navigate", map[string]any{"url": url}, nil); err != nil {
		t.Fatal(err)
	}
	for !loaded {
		select {
		case m, ok := <-c.events:
			if !ok {
				t.Fatalf("browser closed the pipe\n%s", stderr.String())
			}
			handle(m)
		case <-ctx.Done():
			t.Fatalf("page did not load: %v", ctx.Err())
		}
	}

	var eval struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	const probe = `JSON.stringify({
		title: document.title,
		tables: document.querySelectorAll("table").length,
		rows: document.querySelectorAll("tbody tr").length,
		svgs: [...document.querySelectorAll("svg")].filter(e => !e.closest(".taskview")).length,
		shown: [...document.querySelectorAll("svg")].filter(e => { const r = e.getBoundingClientRect(); return !e.closest(".taskview") && r.width > 0 && r.height > 0 }).length,
		taskViews: document.querySelectorAll(".taskview").length,
		taskShown: [...document.querySelectorAll(".taskview")].filter(e => e.getBoundingClientRect().height > 0).length,
		plots: [...document.querySelectorAll("figure svg")].filter(e => e.querySelectorAll("polyline, rect, circle").length > 3).length,
		galleryGrids: document.querySelectorAll(".gallery svg").length,
		banner: (document.querySelector(".banner") || {}).textContent || "",
		height: document.documentElement.scrollHeight
	})`
	if err := c.call(ctx, s, "Runtime.evaluate", map[string]any{"expression": probe, "returnByValue": true}, &eval); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Title                            string
		Tables, Rows, Svgs, Shown, Plots int
		GalleryGrids                     int
		TaskViews, TaskShown             int
		Banner                           string
		Height                           int
	}
	if err := json.Unmarshal([]byte(eval.Result.Value), &got); err != nil {
		t.Fatalf("probe: %v in %q", err, eval.Result.Value)
	}
	t.Logf("rendered: %+v", got)
	if got.Title != "arceval report" || got.Tables < 5 || got.Rows < 10 {
		t.Errorf("tables did not render: %+v", got)
	}
	if got.Svgs == 0 || got.Shown != got.Svgs || got.Plots < 5 {
		t.Errorf("SVGs did not render: %d of %d have a size, %d plots with marks", got.Shown, got.Svgs, got.Plots)
	}
	if got.GalleryGrids < 8 {
		t.Errorf("gallery: %d grids drawn", got.GalleryGrids)
	}
	if !strings.Contains(got.Banner, "SUBSET") {
		t.Errorf("no SUBSET banner: %q", got.Banner)
	}
	// Task views are hidden until their link is followed; then exactly that
	// one shows, with its grids drawn.
	if got.TaskViews < 20 || got.TaskShown != 0 {
		t.Errorf("task views: %d, %d shown before any link is followed", got.TaskViews, got.TaskShown)
	}
	const follow = `(() => {
		const a = document.querySelector(".tasklinks a");
		location.hash = a.getAttribute("href");
		const shown = [...document.querySelectorAll(".taskview")].filter(e => e.getBoundingClientRect().height > 0);
		const grids = shown.length ? [...shown[0].querySelectorAll("svg")].filter(e => e.getBoundingClientRect().width > 0).length : 0;
		return JSON.stringify({href: a.getAttribute("href"), shown: shown.length, id: shown.length ? shown[0].id : "", grids: grids});
	})()`
	if err := c.call(ctx, s, "Runtime.evaluate", map[string]any{"expression": follow, "returnByValue": true}, &eval); err != nil {
		t.Fatal(err)
	}
	var view struct {
		Href, ID     string
		Shown, Grids int
	}
	if err := json.Unmarshal([]byte(eval.Result.Value), &view); err != nil {
		t.Fatalf("follow: %v in %q", err, eval.Result.Value)
	}
	if view.Shown != 1 || "#"+view.ID != view.Href || view.Grids < 4 {
		t.Errorf("following a task link: %+v", view)
	}

	// Screenshot of the page (up to 6000 px of it).
	var shot struct {
		Data string `json:"data"`
	}
	clip := map[string]any{"x": 0, "y": 0, "width": 1280, "height": min(max(got.Height, 900), 6000), "scale": 1}
	if err := c.call(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true, "clip": clip}, &shot); err != nil {
		t.Fatal(err)
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot is not a PNG (%v)", err)
	}
	if err := os.WriteFile(screenshotPath, png, 0o644); err != nil {
		t.Errorf("writing the screenshot: %v", err)
	} else {
		t.Logf("screenshot: %s (%d bytes)", screenshotPath, len(png))
	}

	// Drain late events, then judge.
	for drained := false; !drained; {
		select {
		case m, ok := <-c.events:
			if !ok {
				drained = true
				break
			}
			handle(m)
		case <-time.After(300 * time.Millisecond):
			drained = true
		}
	}
	c.call(ctx, "", "Browser.close", nil, nil)
	if len(problems) > 0 {
		t.Errorf("console errors or exceptions:\n%s", strings.Join(problems, "\n"))
	}
	if len(requests) > 0 {
		t.Errorf("the page made network requests: %v", requests)
	}
}
