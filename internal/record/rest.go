package record

import "time"

// Rest stops the caller-ID selection from picking a caller-ID range after an alarm found that its calls are
// no longer delivered (a carrier has probably blocked it), until a supervisor restores it.
type Rest struct {
	// ID is assigned by the store.
	ID int64
	// Key is the range, as the alarm and the figures name it: a caller ID with its code digits hidden
	// (MaskCode), "+44741834••••". Every caller ID that masks to it is rested.
	Key string
	// Alarm is the alarm that rested it (its ID), and Reason the alarm's words.
	Alarm, Reason string
	// CreatedAt is when it was rested; RestoredAt when a supervisor restored it (zero while it holds), and
	// RestoredBy who.
	CreatedAt, RestoredAt time.Time
	RestoredBy            string
}

// Active reports whether the range is still rested.
func (r Rest) Active() bool { return r.RestoredAt.IsZero() }
