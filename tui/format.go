package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// ellipsis marks text cut to fit.
const ellipsis = "…"

// clip cuts s (which may hold ANSI styling) to at most w cells.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, ellipsis)
}

// fit cuts or pads plain or styled text to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, ellipsis)
	}
	if sw < w {
		return s + strings.Repeat(" ", w-sw)
	}
	return s
}

// fitRight right-aligns s in w cells.
func fitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, ellipsis)
	}
	return strings.Repeat(" ", w-sw) + s
}

// frame makes a view exactly w cells wide and h lines high: long lines are cut, short ones padded, missing
// lines added and surplus lines dropped. It is the last guard against a garbled screen after a resize.
func frame(lines []string, w, h int) string {
	if h <= 0 || w <= 0 {
		return ""
	}
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(lines) {
			b.WriteString(fit(lines[i], w))
		} else {
			b.WriteString(strings.Repeat(" ", w))
		}
	}
	return b.String()
}

// splitLines splits a rendered block into its lines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// elapsed formats a duration as m:ss, or h:mm:ss past an hour; negative durations read 0:00.
func elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// seconds formats a whole number of seconds, "-" for none.
func seconds(n int) string {
	if n <= 0 {
		return "-"
	}
	if n >= 60 {
		return fmt.Sprintf("%dm%02ds", n/60, n%60)
	}
	return fmt.Sprintf("%ds", n)
}

// clockTime formats t for a table cell: the time of day when it is the same day as now, the date otherwise;
// wide adds the date always.
func clockTime(t, now time.Time, loc *time.Location, wide bool) string {
	if t.IsZero() {
		return "-"
	}
	t, now = t.In(loc), now.In(loc)
	if wide {
		return t.Format("Jan 02 15:04:05")
	}
	y, m, d := t.Date()
	ny, nm, nd := now.Date()
	if y == ny && m == nm && d == nd {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 02")
}

// stamp formats a full timestamp for the detail pane.
func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// shortSID shows the kind and the tail of a call SID, which is enough to match it against Restcomm's logs.
// An instance-prefixed SID (ID<32>-CA<32>) is shortened from its CA part.
func shortSID(sid string) string {
	if sid == "" {
		return "-"
	}
	if i := strings.LastIndexByte(sid, '-'); i >= 0 && i+1 < len(sid) {
		sid = sid[i+1:]
	}
	if len(sid) <= 10 {
		return sid
	}
	return sid[:2] + ellipsis + sid[len(sid)-6:]
}

// orDash returns s, or "-" when it is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// flow lays out "label value" items on lines no wider than w, separated by two spaces.
func flow(items []string, w int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	for _, it := range items {
		iw := ansi.StringWidth(it)
		if curW > 0 && curW+2+iw > w {
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		if curW > 0 {
			cur.WriteString("  ")
			curW += 2
		}
		cur.WriteString(it)
		curW += iw
	}
	if curW > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// wrapMax breaks plain text into at most n lines of at most w cells, at spaces where it can and inside a
// word where it must; text that needs more lines ends the last one with an ellipsis.
func wrapMax(s string, w, n int) []string {
	if w <= 0 || n <= 0 || s == "" {
		return nil
	}
	lines := strings.Split(ansi.Wrap(s, w, ""), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], w-1, "") + ellipsis
	}
	return lines
}
