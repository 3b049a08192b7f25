package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// Rested caller IDs. A caller-ID alarm (alarms.CallerIDBlocked) with Settings.RestCallerIDs stops the
// caller-ID selection from picking the range it names (record.MaskCode of the caller IDs: the range that
// shares all but the code's digits): the rest is stored in the history, so every instance on it stops picking
// the range, and a restart does not pick it again, until a supervisor restores it (audited both ways). A rest
// that would leave a pool with no caller ID is not made: the alarm's notice and audit entry say so.
//
// The pick reads the rests in force, and the placement's write transaction refuses a caller ID whose range
// was rested after it was picked (store.ErrCallerIDRested): the placement picks again, so no call is
// placed from a range once its rest is committed.

// RestStore is the rested caller IDs' part of a history engine (both have it).
type RestStore interface {
	// AddRest records a rest, after allow (when not nil) accepted it in view of the rests in force; or
	// returns the rest in force for its range and store.ErrRested.
	AddRest(ctx context.Context, r *record.Rest, allow func(active []record.Rest) error) error
	// ActiveRests returns the rests in force, oldest first.
	ActiveRests(ctx context.Context) ([]record.Rest, error)
	// RestoreRest ends the rest of a range, by whom and when (store.ErrNotFound for none).
	RestoreRest(ctx context.Context, key, by string, at time.Time) (*record.Rest, error)
}

// maxRepicks bounds how often a placement picks another caller ID after the one it picked was rested
// meanwhile: each time a rest was committed in between, which an alarm does at most once a minute.
const maxRepicks = 3

// whatRestore names the supervisor-only action of restoring a caller-ID range.
const whatRestore = "restoring a rested caller-ID range"

// rests returns the store's rest methods, nil when it has none.
func (s *Service) rests() RestStore {
	r, _ := s.st.(RestStore)
	return r
}

// RestedCallerIDs returns the caller-ID ranges rested now (none when the history keeps no rests).
func (s *Service) RestedCallerIDs(ctx context.Context) ([]record.Rest, error) {
	r := s.rests()
	if r == nil {
		return nil, nil
	}
	return r.ActiveRests(ctx)
}

// RestKey reads a caller-ID range as a supervisor may type it: as flashcall alarms lists it
// ("+44741834••••"), with x, X, * or ? for the hidden digits, with or without the "+". The range is returned
// in the form rests are stored in, or an error that says how to write it.
func RestKey(typed string) (string, error) {
	k := strings.TrimSpace(typed)
	body := strings.TrimPrefix(k, "+")
	digits := strings.TrimRight(body, "xX*?•")
	k = "+" + digits + strings.Repeat("•", len([]rune(body[len(digits):])))
	if _, err := callerid.MaskedRange(k); err != nil {
		return "", fmt.Errorf("%s is not a caller-ID range: write it as flashcall alarms lists it, e.g. "+
			"\"+44741834••••\" or \"+44741834xxxx\"", record.Quote(typed))
	}
	return k, nil
}

// rangeOf is the range a caller ID belongs to, as a rest names it.
func (s *Service) rangeOf(from string) string {
	return record.MaskCode("+"+strings.TrimPrefix(from, "+"), s.set.CodeDigits)
}

// unrested returns pool less the ranges rs rests (pool itself when none of them is in it).
func unrested(pool *callerid.Pool, rs []record.Rest) *callerid.Pool {
	for _, r := range rs {
		if cut, err := callerid.MaskedRange(r.Key); err == nil {
			pool = pool.Without(cut)
		}
	}
	return pool
}

// pickUnrested picks a caller ID from region's pool less the rested ranges, avoiding the codes avoid (see
// callerid.Pool.Pick), and returns it with its range (for Placement.CallerIDRange). Should the rests leave
// the pool empty (the configuration shrank it since they were made), the whole pool is used, said in the
// log, and the range is "", so that calls still ring.
func (s *Service) pickUnrested(ctx context.Context, region string, avoid []string) (string, string, error) {
	pool := s.pool.For(region)
	rs, err := s.RestedCallerIDs(ctx)
	if err != nil {
		return "", "", err
	}
	left := unrested(pool, rs)
	if left.Size() == 0 {
		s.log.Warn("every caller ID of the pool is rested: calls ring from rested ones until a supervisor restores "+
			"one (flashcall alarms restore) or call.from gets more", "region", region, "rested", len(rs))
		return pool.Pick(nil, avoid, s.set.CodeDigits), "", nil
	}
	from := left.Pick(nil, avoid, s.set.CodeDigits)
	return from, s.rangeOf(from), nil
}

// insertPlacement writes the placement as InsertAttemptChecked does; when its caller ID's range was rested
// after the pick, it picks again for num (avoiding used, as pickFrom does) and retries, so no call rings from
// a range rested before its placement was written.
func (s *Service) insertPlacement(ctx context.Context, p store.Placement, check func(context.Context, store.LimitQuerier) error, num policy.Number, used []string) error {
	for tries := 0; ; tries++ {
		err := s.st.InsertAttemptChecked(ctx, p, check)
		if !errors.Is(err, store.ErrCallerIDRested) || tries == maxRepicks {
			return err
		}
		if p.Attempt.From, p.CallerIDRange, err = s.pickFrom(ctx, num, used); err != nil {
			return err
		}
	}
}

// restFor rests the range of a caller-ID alarm (with Settings.RestCallerIDs), audited and told to every
// screen; a range rested already stays as it is. A rest that would leave a pool with no caller ID is not
// made, and the notice and audit entry say so.
func (s *Service) restFor(ctx context.Context, a alarms.Alarm) {
	rs := s.rests()
	if rs == nil || a.Kind != alarms.CallerIDBlocked || !s.set.RestCallerIDs {
		return
	}
	op := flashcallOperator("alarms")
	key, err := RestKey(a.Key)
	if err != nil {
		s.log.Error("caller IDs not rested: the alarm names no range", "alarm", a.ID(), "err", err)
		return
	}
	r := record.Rest{Key: key, Alarm: a.ID(), Reason: a.Detail, CreatedAt: s.clk.Now()}
	var kept *emptiedPoolError
	switch err := rs.AddRest(ctx, &r, s.allowRest(key)); {
	case errors.Is(err, store.ErrRested):
		return
	case errors.As(err, &kept):
		s.log.Warn("caller IDs not rested: they are the last of their pool", "range", key, "pool", kept.pool)
		_ = s.audit(ctx, op, record.AuditCallerIDRested, "", 0, 0, fmt.Sprintf("caller IDs %s NOT rested: %v (%s)",
			key, kept, a.ID()))
		s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("caller IDs %s are NOT rested: %v", key, kept), Err: true})
		return
	case err != nil:
		s.log.Error("caller IDs not rested after an alarm: the history refused the rest", "alarm", a.ID(), "err", err)
		return
	}
	s.log.Warn("caller IDs rested after an alarm", "range", key, "rest", r.ID)
	_ = s.audit(ctx, op, record.AuditCallerIDRested, "", 0, 0, fmt.Sprintf("caller IDs %s rested (rest %d): no call "+
		"rings from them until a supervisor restores them: %s", key, r.ID, a.Detail))
	s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("caller IDs %s are rested after an alarm (rest %d): "+
		"flashcall alarms restore %s brings them back", key, r.ID, key), Err: true})
}

// emptiedPoolError refuses a rest that would leave a pool with no caller ID.
type emptiedPoolError struct {
	pool, key string // the pool ("call.from", "call.from_by_country.GB") and its configuration key
}

// Error says which pool and what to do.
func (e *emptiedPoolError) Error() string {
	return fmt.Sprintf("they are the last caller IDs of %s that are not rested, so calls keep ringing from them; "+
		"a pool this small is not safe anyway (the code is the caller ID's last digits): add caller IDs to %s", e.pool, e.key)
}

// allowRest is AddRest's check of a rest of key: it must not leave the default pool, or a country's pool,
// with no caller ID when it had some with the rests in force.
func (s *Service) allowRest(key string) func(active []record.Rest) error {
	return func(active []record.Rest) error {
		with := append(append([]record.Rest(nil), active...), record.Rest{Key: key})
		check := func(pool *callerid.Pool, name, cfgKey string) error {
			if unrested(pool, active).Size() > 0 && unrested(pool, with).Size() == 0 {
				return &emptiedPoolError{pool: name, key: cfgKey}
			}
			return nil
		}
		if err := check(s.pool.Default(), "the default pool", "call.from"); err != nil {
			return err
		}
		for _, region := range s.pool.Regions() {
			if err := check(s.pool.For(region), "the pool for "+region, "call.from_by_country."+region); err != nil {
				return err
			}
		}
		return nil
	}
}

// RestoreCallerID lets the caller-ID selection pick a rested range again (key as RestKey reads it). Only a
// supervisor may (anyone else gets a *RoleError, audited); the restore is audited with who did it.
func (s *Service) RestoreCallerID(ctx context.Context, op record.Operator, key string) (*record.Rest, error) {
	if err := s.requireSupervisor(ctx, op, whatRestore, "", 0, 0); err != nil {
		return nil, err
	}
	k, err := RestKey(key)
	if err != nil {
		return nil, err
	}
	rs := s.rests()
	if rs == nil {
		return nil, errors.New("this history keeps no rested caller IDs")
	}
	r, err := rs.RestoreRest(ctx, k, op.String(), s.clk.Now())
	if err != nil {
		return nil, err
	}
	_ = s.audit(ctx, op, record.AuditCallerIDRestored, "", 0, 0, fmt.Sprintf("caller IDs %s restored (rest %d, %s)",
		r.Key, r.ID, strings.TrimSpace(r.Alarm)))
	s.publish(Event{Kind: EventNotice, Notice: fmt.Sprintf("caller IDs %s restored by %s", r.Key, op.Who())})
	return r, nil
}

// stillRested is what a cleared caller-ID alarm's notice adds while its range stays rested (a range no call
// rings from has no figures left to raise the alarm, yet stays rested until a supervisor restores it), or "".
func (s *Service) stillRested(ctx context.Context, a alarms.Alarm) string {
	if a.Kind != alarms.CallerIDBlocked {
		return ""
	}
	key, err := RestKey(a.Key)
	if err != nil {
		return ""
	}
	rs, err := s.RestedCallerIDs(ctx)
	if err != nil {
		return ""
	}
	for _, r := range rs {
		if r.Key == key {
			return fmt.Sprintf("; caller IDs %s stay rested until a supervisor restores them (flashcall alarms restore %s)", key, key)
		}
	}
	return ""
}
