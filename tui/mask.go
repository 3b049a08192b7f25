package tui

import (
	"strings"

	"github.com/flashcall/flashcall/internal/policy"
)

// Customers' numbers are personal data. The console holds them in full (it needs them to act), but every
// screen shows them masked by policy.Mask: the country code and the last 3 digits. The only exceptions are
// the number input, which shows what the operator is typing, and the one history row the operator has
// revealed on purpose (an audited service call; see reveal.go).

// anonymised is shown for a number the retention policy has removed.
const anonymised = "anonymised"

// shownNumber is a stored number as the screens show it: masked, or "anonymised" when the retention policy
// removed it.
func shownNumber(number string) string {
	if number == "" {
		return anonymised
	}
	return policy.Mask(number)
}

// maskIn masks every occurrence of number in text, with and without its "+", so an error text that quotes
// the number (Restcomm's may) shows it masked too.
func maskIn(text, number string) string {
	if number == "" || text == "" {
		return text
	}
	masked := policy.Mask(number)
	text = strings.ReplaceAll(text, number, masked)
	if bare := strings.TrimPrefix(number, "+"); bare != number && len(bare) > 4 {
		text = strings.ReplaceAll(text, bare, strings.TrimPrefix(masked, "+"))
	}
	return text
}
