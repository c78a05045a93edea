package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/iamx/iamx/internal/termsafe"
	"github.com/iamx/iamx/loader/live"
)

// liveOptions turns the live SOURCE flags into capture options.
func (s *sourceFlags) liveOptions() live.Options {
	return live.Options{
		Profile:     s.profile,
		Region:      s.region,
		RoleARN:     s.roleARN,
		ExternalID:  s.externalID,
		SessionName: s.sessionName,
		Services:    splitList(s.services),
		Regions:     splitList(s.regions),
	}
}

// progressLine redraws one line of capture progress on a terminal.
type progressLine struct {
	mu     sync.Mutex
	w      io.Writer // nil when stderr is not a terminal
	width  int
	status live.Status
	last   time.Time
	drawn  bool
}

func newProgressLine(w io.Writer) *progressLine {
	f, ok := w.(*os.File)
	if !ok {
		return &progressLine{}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return &progressLine{}
	}
	width := 80
	if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 10 {
		width = cols
	}
	return &progressLine{w: w, width: width}
}

// update records an event and redraws at most ten times a second, and
// always when a stream finishes.
func (p *progressLine) update(ev live.Progress) {
	p.status.Update(ev)
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !ev.Done && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	text := []rune("iamx: capturing " + p.status.String())
	// A line longer than the terminal wraps, and \r then returns only to
	// the start of the last row: keep it to one row.
	if len(text) > p.width-1 {
		text = append(text[:p.width-2], '…')
	}
	termsafe.Fprintf(p.w, "\r\x1b[K%s", string(text)) // the format's own ESC clears the line; the text is escaped
	p.drawn = true
}

// clear removes the line so that what follows starts on a clean row.
func (p *progressLine) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
