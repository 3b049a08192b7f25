package record

import "time"

// Presence is one console session as the history records it for the other instances of a shared history:
// who, since when, their last key press, and whose read-back they have open. An instance rewrites its rows
// every few seconds; a row not rewritten for a while is a session of an instance that is gone.
type Presence struct {
	// Instance is the process that serves the session (its tracker ID); Seat tells its sessions apart.
	Instance string
	Seat     uint64
	// Operator is the person; Remote where they connect from.
	Operator, Remote string
	// Since is when the session started; LastInput its last key press.
	Since, LastInput time.Time
	// ReadingBack is the verification whose read-back is open (0: none), Number its number (E.164).
	ReadingBack int64
	Number      string
	// SeenAt is when the instance last wrote the row.
	SeenAt time.Time
}
