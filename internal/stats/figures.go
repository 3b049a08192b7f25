package stats

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Source is where the figures are counted from: both history engines have it.
type Source interface {
	// StatRows calls each for every attempt created in [since, until), oldest first.
	StatRows(ctx context.Context, since, until time.Time, each func(*record.StatRow) error) error
}

// Counts are the figures of a window or of one breakdown row (see the package comment for what each counts).
type Counts struct {
	// Verifications started, and of those Verified and Locked.
	Verifications, Verified, Locked int
	// Calls placed, Ended of them, and of those Delivered (rang) and Answered.
	Calls, Ended, Delivered, Answered int
	// Blocked attempts, refused by the policy.
	Blocked int
}

// DeliveredRate is the share of ended calls that rang (0 when none ended).
func (c Counts) DeliveredRate() float64 { return ratio(c.Delivered, c.Ended) }

// AnsweredRate is the share of ended calls that were answered (billable; a flash call should not be).
func (c Counts) AnsweredRate() float64 { return ratio(c.Answered, c.Ended) }

// VerifiedRate is the conversion: the share of verifications started that were verified.
func (c Counts) VerifiedRate() float64 { return ratio(c.Verified, c.Verifications) }

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// add adds o to c.
func (c *Counts) add(o Counts) {
	c.Verifications += o.Verifications
	c.Verified += o.Verified
	c.Locked += o.Locked
	c.Calls += o.Calls
	c.Ended += o.Ended
	c.Delivered += o.Delivered
	c.Answered += o.Answered
	c.Blocked += o.Blocked
}

// Row is one line of a breakdown.
type Row struct {
	// Key is what the row groups ("GB", "+44741834••••", "alice", "2026-12-01").
	Key string
	Counts
}

// Figures are the counts of a window, the median time to verified, and the breakdowns asked for.
type Figures struct {
	// Since and Until bound the window: [Since, Until).
	Since, Until time.Time
	// Total counts the whole window.
	Total Counts
	// MedianToVerified is the median time from a verification's start to its verification, over those
	// verified (0 when none was).
	MedianToVerified time.Duration
	// By holds each breakdown asked for, its rows ordered by time for hours and days, by volume otherwise.
	By map[Dimension][]Row
	// Billed is what the window's calls bill as the daily cost cap counts it: priced with policy.Cost.Spend
	// over today's window, it is the spend the cap sees.
	Billed Billed
}

// Billed counts what the calls bill: the calls priced (record.Attempt.Priced: placing ones included) and
// their minutes (record.Attempt.BilledMinutes: answered minutes, and one for each call not over yet).
type Billed struct {
	Calls, Minutes int
}

// Options say what Compute breaks the figures down by, and how keys are shown.
type Options struct {
	// By lists the breakdowns to compute.
	By []Dimension
	// CodeDigits is how many trailing caller-ID digits are the code (hidden in caller-ID keys).
	CodeDigits int
	// Location is the zone of hour and day keys (UTC when nil).
	Location *time.Location
}

// Compute counts the figures of [since, until) from src.
func Compute(ctx context.Context, src Source, since, until time.Time, o Options) (Figures, error) {
	c := newCounter(since, until, o)
	if err := src.StatRows(ctx, since, until, func(r *record.StatRow) error { c.add(r); return nil }); err != nil {
		return Figures{}, err
	}
	return c.figures(), nil
}

// counter accumulates the figures row by row.
type counter struct {
	since, until time.Time
	o            Options
	total        Counts
	billed       Billed
	seen         map[int64]bool // verifications already counted
	toVerified   []time.Duration
	by           map[Dimension]map[string]*Counts
}

func newCounter(since, until time.Time, o Options) *counter {
	if o.Location == nil {
		o.Location = time.UTC
	}
	c := &counter{since: since, until: until, o: o, seen: map[int64]bool{}, by: map[Dimension]map[string]*Counts{}}
	for _, d := range o.By {
		c.by[d] = map[string]*Counts{}
	}
	return c
}

// add counts one attempt.
func (c *counter) add(r *record.StatRow) {
	if r.Priced() {
		c.billed.Calls++
		c.billed.Minutes += r.BilledMinutes()
	}
	var n Counts
	switch r.State {
	case record.StateBlocked:
		n.Blocked = 1
	case record.StateLive, record.StateEnded, record.StateUnknown:
		n.Calls = 1
		if r.State == record.StateEnded {
			n.Ended = 1
			if r.Outcome.Delivered() {
				n.Delivered = 1
			}
			if r.Outcome == record.OutcomeAnswered {
				n.Answered = 1
			}
		}
	}
	if vid := r.VerificationID; vid != 0 && !c.seen[vid] {
		c.seen[vid] = true
		started := !r.VerificationCreated.Before(c.since) && (c.until.IsZero() || r.VerificationCreated.Before(c.until))
		if started && r.VerificationStatus != record.StatusBlocked {
			n.Verifications = 1
			switch r.VerificationStatus {
			case record.StatusVerified:
				n.Verified = 1
				c.toVerified = append(c.toVerified, r.VerificationUpdated.Sub(r.VerificationCreated))
			case record.StatusFailed:
				n.Locked = 1
			}
		}
	}
	c.total.add(n)
	for d, rows := range c.by {
		k := d.key(r, c.o.CodeDigits, c.o.Location)
		row := rows[k]
		if row == nil {
			row = &Counts{}
			rows[k] = row
		}
		row.add(n)
	}
}

// figures returns what was counted.
func (c *counter) figures() Figures {
	f := Figures{Since: c.since, Until: c.until, Total: c.total, By: map[Dimension][]Row{}, Billed: c.billed}
	if n := len(c.toVerified); n > 0 {
		slices.Sort(c.toVerified)
		f.MedianToVerified = c.toVerified[n/2]
		if n%2 == 0 {
			f.MedianToVerified = (c.toVerified[n/2-1] + c.toVerified[n/2]) / 2
		}
	}
	for d, rows := range c.by {
		out := make([]Row, 0, len(rows))
		for k, n := range rows {
			out = append(out, Row{Key: k, Counts: *n})
		}
		slices.SortFunc(out, func(a, b Row) int {
			if d.timeKeyed() {
				return cmp.Compare(a.Key, b.Key)
			}
			if v := cmp.Compare(b.Calls+b.Blocked, a.Calls+a.Blocked); v != 0 {
				return v
			}
			return cmp.Compare(a.Key, b.Key)
		})
		f.By[d] = out
	}
	return f
}
