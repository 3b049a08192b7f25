// Package presence says who is at the consoles of one flashcall serve: who is connected (operator, since
// when, idle for how long), whose read-back is open on which verification, and every read-back checked, so
// each session can show the others' work as it happens.
//
// The console talks to a Hub through the small interfaces here. Local is the in-process hub every SSH session
// of one server shares; presence across several servers can later come through the database behind the
// same interfaces.
package presence
