package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/flashcall/flashcall/internal/verify"
)

// header is the top of the screen: what the console is connected to and who is operating it, plus a banner
// for the simulator or a demo.
type header struct {
	styles   *Styles
	info     verify.Info
	operator string
	banner   string
	width    int
	alarms   int              // alarms raised now (verify.Service.ActiveAlarms)
	drawn    *memo[headerKey] // the header as last drawn (memo.go)
}

// headerKey is everything the header is drawn from.
type headerKey struct {
	info             verify.Info
	operator, banner string
	width, alarms    int
}

// SetSize sets the header's width.
func (h *header) SetSize(w int) { h.width = w }

// Height is the number of lines the header takes.
func (h header) Height() int {
	if h.banner != "" {
		return 2
	}
	return 1
}

// View renders the header line and the banner.
func (h header) View() string {
	return h.drawn.get(headerKey{info: h.info, operator: h.operator, banner: h.banner, width: h.width, alarms: h.alarms}, h.draw)
}

func (h header) draw() string {
	backend := h.info.Backend
	if h.info.Simulated || backend == "" {
		backend = "SIMULATOR"
	}
	if h.info.AccountSID != "" && !h.info.Simulated {
		backend += " " + h.info.AccountSID
	}
	// The parts in screen order, each with its rank: when the line is too narrow the highest rank goes
	// first, so the backend (real or simulated) and who is logged in stay on screen at any width.
	type part struct {
		text string
		rank int
	}
	parts := []part{
		{"flashcall", 0},
		{backend, 0},
		{fmt.Sprintf("pool %s", groupDigits(h.info.PoolSize)), 4},
		{"guess " + h.info.GuessOdds, 3},
		{fmt.Sprintf("ring %ds", h.info.Timeout), 2},
		{fmt.Sprintf("code %d digits", h.info.CodeDigits), 5},
		{"operator " + h.operator, 1},
	}
	if h.alarms > 0 {
		// Next to the backend, never dropped: every screen says an alarm holds, and where to read it.
		parts = slices.Insert(parts, 2, part{alarmsText(h.alarms), 0})
	}
	join := func() string {
		texts := make([]string, len(parts))
		for i, p := range parts {
			texts[i] = p.text
		}
		return " " + strings.Join(texts, " · ")
	}
	for lipgloss.Width(join()) > h.width {
		drop := -1
		for i, p := range parts {
			if p.rank > 0 && (drop < 0 || p.rank > parts[drop].rank) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		parts = append(parts[:drop], parts[drop+1:]...)
	}
	line := h.styles.Header.Render(fit(join(), h.width))
	if h.banner == "" {
		return line
	}
	banner := h.banner
	if sp := speedText(h.info); sp != "" {
		// Next to the notice that calls are simulated: the header's ring time is the simulator's.
		banner += " · " + sp
	}
	return line + "\n" + h.styles.Banner.Render(clip("! "+banner, h.width))
}

// alarmsText words the alarms raised now for the header: "⚠ 2 alarms (D)".
func alarmsText(n int) string {
	if n == 1 {
		return "⚠ 1 alarm (D)"
	}
	return fmt.Sprintf("⚠ %d alarms (D)", n)
}

// speedText says, for a simulator running faster than real time, how long its ring really lasts: "sim
// speed ×10: the 60s ring lasts 6s". "" at real time.
func speedText(info verify.Info) string {
	s := info.SimSpeed
	if !info.Simulated || s <= 0 || s == 1 {
		return ""
	}
	wall := strings.TrimSuffix(strconv.FormatFloat(float64(info.Timeout)/s, 'f', 1, 64), ".0")
	return fmt.Sprintf("sim speed ×%s: the %ds ring lasts %ss", strconv.FormatFloat(s, 'g', -1, 64), info.Timeout, wall)
}

// groupDigits writes n with thousands separators: 10000 is "10,000".
func groupDigits(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
