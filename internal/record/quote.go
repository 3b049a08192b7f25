package record

import (
	"strconv"
	"unicode/utf8"
)

// maxQuoted bounds how much of someone's input a message repeats.
const maxQuoted = 40

// Quote is how every message repeats raw input (what an operator typed, a value from a file): in double
// quotes, with control, format and bidirectional characters (U+202E and the like) and invalid UTF-8
// escaped, so the message reads as written and cannot reorder or hide the text around it, and cut to
// maxQuoted characters.
func Quote(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		r := []rune(s)
		return strconv.QuoteToGraphic(string(r[:maxQuoted])) + "…"
	}
	return strconv.QuoteToGraphic(s)
}
