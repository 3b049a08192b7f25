package config

import "time"

// DefaultLookupWindow is call.lookup_window's default: how long flashcall looks for the call of a create of
// unknown outcome in Restcomm's call log before it ends the attempt as unknown.
const DefaultLookupWindow = 5 * time.Minute

// MaxLookupWindow bounds call.lookup_window: the attempt holds its number (no second call to it) while it is
// looked up, and a headless `flashcall call` waits for its own.
const MaxLookupWindow = time.Hour

// lookupMargin is what call.lookup_window must exceed call.timeout by at least: Restcomm may take up to 10 s
// (its own create timeout) to create a call, which then rings for call.timeout, so a shorter window could give
// up on a call that is about to appear or still ringing.
const lookupMargin = 10 * time.Second

// validateLookupWindow checks call.lookup_window: at least call.timeout plus lookupMargin, at most
// MaxLookupWindow.
func (c *Config) validateLookupWindow(ps *problems) {
	d := c.Call.LookupWindow.Duration
	least := time.Duration(max(c.Call.Timeout, 0))*time.Second + lookupMargin
	switch {
	case d < least:
		ps.add("call.lookup_window", "is %s: use at least call.timeout plus 10s (%s here), so that a call Restcomm "+
			"created late is still found, and at most 1h, e.g. \"5m\"", d, least)
	case d > MaxLookupWindow:
		ps.add("call.lookup_window", "is %s: use at most 1h (the attempt keeps its number from being called "+
			"again while it is looked up), e.g. \"5m\"", d)
	}
}
