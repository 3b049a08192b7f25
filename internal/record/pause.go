package record

import "time"

// PauseScope is what a pause stops calls to.
type PauseScope string

// The scopes a pause may have.
const (
	// PauseCountry stops calls to every number of a country (Key: its ISO region, "LV").
	PauseCountry PauseScope = "country"
	// PausePrefix stops calls to a number range (Key: the number less its last 4 digits, "+3712000").
	PausePrefix PauseScope = "prefix"
)

// Pause stops new calls to a country or a number range after an alarm, until a supervisor resumes it.
type Pause struct {
	// ID is assigned by the store.
	ID int64
	// Scope and Key say what is paused.
	Scope PauseScope
	Key   string
	// Alarm is the alarm that paused it (its ID), and Reason the alarm's words.
	Alarm, Reason string
	// CreatedAt is when it was paused; ResumedAt when a supervisor resumed it (zero while it holds), and
	// ResumedBy who.
	CreatedAt, ResumedAt time.Time
	ResumedBy            string
}

// Active reports whether the pause still stops calls.
func (p Pause) Active() bool { return p.ResumedAt.IsZero() }
