package tui

import "github.com/flashcall/flashcall/internal/record"

// Customers' numbers are personal data. The console holds them in full (it needs them to act), but every
// screen shows them masked by record.MaskNumber: the country code and the last 3 digits. The only exceptions are
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
	return record.MaskNumber(number)
}
