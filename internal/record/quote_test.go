package record

import (
	"strings"
	"testing"
)

func TestQuoteEscapesWhatCouldHideText(t *testing.T) {
	for in, want := range map[string]string{
		"+44 7400 123450":           `"+44 7400 123450"`,
		"+44\u202e054321":           `"+44\u202e054321"`,
		"07400\u200b123450":         `"07400\u200b123450"`,
		"\x1b[2Jcleared":            `"\x1b[2Jcleared"`,
		"a\nb":                      `"a\nb"`,
		"\xff":                      `"\xff"`,
		strings.Repeat("9", 50):     `"` + strings.Repeat("9", 40) + `"…`,
		"\u2066isolate\u2069 ok":    `"\u2066isolate\u2069 ok"`,
		"\u061c arabic letter mark": `"\u061c arabic letter mark"`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
