package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/callerid"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// The caller-ID ranges of the rest tests: a carrier blocks the first.
const (
	blockedRange = "+44741834••••"
	goodRange    = "+44741835••••"
)

// withTwoRanges gives the service a pool of two ranges of 100 caller IDs, one per blockedRange and
// goodRange, no limits, and resting on.
func withTwoRanges(t *testing.T) func(*Settings) {
	rules := withRules(t, noLimits)
	return func(s *Settings) {
		rules(s)
		s.From = []string{"+447418340000-+447418340099", "+447418350000-+447418350099"}
		s.RestCallerIDs = true
	}
}

// seedFrom writes n ended calls from caller ID from in the last 40 minutes, delivered or not.
func seedFrom(t *testing.T, r *rig, from string, n int, delivered bool) {
	t.Helper()
	ctx := context.Background()
	now := r.clk.Now()
	for i := range n {
		at := now.Add(-40*time.Minute + time.Duration(i)*time.Second)
		v := record.Verification{Number: fmt.Sprintf("+44770%07d", len(from)*1000+i), Country: "GB", CreatedAt: at,
			UpdatedAt: at, ExpiresAt: at.Add(5 * time.Minute), Status: record.StatusExpired, MaxChecks: 3}
		if err := r.st.CreateVerification(ctx, &v); err != nil {
			t.Fatal(err)
		}
		a := record.Attempt{VerificationID: v.ID, CreatedAt: at, UpdatedAt: at, EndedAt: at.Add(8 * time.Second),
			Number: v.Number, Country: "GB", From: from, State: record.StateEnded, Outcome: record.OutcomeNotDelivered}
		if delivered {
			a.Outcome, a.RingingSeen = record.OutcomeDelivered, true
		}
		if err := r.st.InsertAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
}

// callerIDAlarms are settings that raise only the caller-ID alarm.
var callerIDAlarms = alarms.Settings{Window: time.Hour, Baseline: 7 * 24 * time.Hour, MinCalls: 20, CallerIDDrop: 0.5}

// placeMany places n calls to numbers of distinct ranges (ringing out) and returns their caller IDs.
func placeMany(t *testing.T, svc *Service, op record.Operator, n, series int) []string {
	t.Helper()
	var froms []string
	for i := range n {
		res, err := svc.Place(context.Background(), op, fmt.Sprintf("+4477%02d%02d345%d", series, i, i%4))
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		froms = append(froms, res.Attempt.From)
	}
	return froms
}

// inRange reports whether a caller ID is in a range named as a rest names it.
func inRange(from, key string) bool { return record.MaskCode(from, 4) == key }

// TestCallerIDAlarmRestsItsRange: a caller-ID range whose calls stop being delivered while the pool's are
// raises the caller-ID alarm, which rests it in the history: no call rings from it, on this instance, on
// another, or after a restart; the rest is audited and told; only a supervisor restores it, audited, and it
// is picked again.
func TestCallerIDAlarmRestsItsRange(t *testing.T) {
	r := newRig(t, withTwoRanges(t))
	ctx := context.Background()
	seedFrom(t, r, "+447418340001", 25, false)
	seedFrom(t, r, "+447418350001", 25, true)
	w := r.svc.WatchAlarms(callerIDAlarms, time.Hour, nil, false)
	found := w.Evaluate(ctx)
	if len(found) != 1 || found[0].Kind != alarms.CallerIDBlocked || found[0].Key != blockedRange {
		t.Fatalf("alarms %+v, want the caller-ID alarm of %s", found, blockedRange)
	}
	rs, err := r.svc.RestedCallerIDs(ctx)
	if err != nil || len(rs) != 1 || rs[0].Key != blockedRange || rs[0].Alarm != found[0].ID() {
		t.Fatalf("rested %+v, %v", rs, err)
	}
	if es := r.auditOf(record.AuditCallerIDRested); len(es) != 1 ||
		!strings.Contains(es[0].Detail, "caller IDs "+blockedRange+" rested (rest 1)") {
		t.Fatalf("caller-id-rested entries %+v", es)
	}
	w.Evaluate(ctx) // the alarm holds: nothing new
	if es := r.auditOf(record.AuditCallerIDRested); len(es) != 1 {
		t.Fatalf("%d caller-id-rested entries after a second evaluation", len(es))
	}
	// With no more calls from the range, the alarm clears, and says the range stays rested.
	for len(r.events) > 0 {
		<-r.events
	}
	r.clk.Advance(2 * time.Hour)
	if found := w.Evaluate(ctx); len(found) != 0 {
		t.Fatalf("alarms two hours on: %+v", found)
	}
	cleared := false
	for len(r.events) > 0 {
		if ev := <-r.events; ev.Kind == EventNotice && strings.Contains(ev.Notice, "alarm cleared: caller-id-blocked cli "+
			blockedRange+"; caller IDs "+blockedRange+" stay rested until a supervisor restores them") {
			cleared = true
		}
	}
	if !cleared {
		t.Error("no notice said the cleared alarm's range stays rested")
	}
	if rs, _ := r.svc.RestedCallerIDs(ctx); len(rs) != 1 {
		t.Fatalf("rested after the alarm cleared: %+v", rs)
	}
	second := r.secondProcess(func(s *Settings) { withTwoRanges(t)(s); s.RestCallerIDs = false })
	restarted := r.newService(r.svc.set, r.client)
	for i, svc := range []*Service{r.svc, second, restarted} {
		for _, from := range placeMany(t, svc, r.op, 10, i) {
			if !inRange(from, goodRange) {
				t.Fatalf("instance %d called from %s, in the rested range or out of the pool", i, from)
			}
		}
		r.advance(15 * time.Second)
	}
	operator := record.Operator{Name: "olga", Remote: "local", Role: record.RoleOperator}
	var role *RoleError
	if _, err := r.svc.RestoreCallerID(ctx, operator, blockedRange); !errors.As(err, &role) {
		t.Fatalf("an operator restored the range: %v", err)
	}
	supervisor := record.Operator{Name: "sue", Remote: "local", Role: record.RoleSupervisor}
	if _, err := r.svc.RestoreCallerID(ctx, supervisor, "+44 7418"); err == nil {
		t.Fatal("a range typed wrong was taken")
	}
	got, err := r.svc.RestoreCallerID(ctx, supervisor, "+44741834xxxx")
	if err != nil || got.Key != blockedRange || got.RestoredBy != supervisor.String() {
		t.Fatalf("the supervisor's restore: %+v, %v", got, err)
	}
	if _, err := r.svc.RestoreCallerID(ctx, supervisor, blockedRange); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a second restore: %v, want ErrNotFound", err)
	}
	if es := r.auditOf(record.AuditCallerIDRestored); len(es) != 1 || !strings.Contains(es[0].Detail, blockedRange+" restored (rest 1") {
		t.Fatalf("caller-id-restored entries %+v", es)
	}
	// Restored: both ranges are picked again (24 calls from either, each with even chances).
	seen := map[string]int{}
	for _, from := range placeMany(t, r.svc, r.op, 24, 5) {
		seen[record.MaskCode(from, 4)]++
	}
	if seen[blockedRange] == 0 || seen[goodRange] == 0 {
		t.Fatalf("after the restore the calls came from %v, want both ranges", seen)
	}
}

// TestLastCallerIDsAreNotRested: an alarm about the only range of a pool does not rest it (calls would have
// no caller ID): the notice and the audit say so and how to fix it, and calls still ring from it.
func TestLastCallerIDsAreNotRested(t *testing.T) {
	r := newRig(t, func(s *Settings) {
		withTwoRanges(t)(s)
		s.From = []string{"+447418340465", "+447418341234"}
	})
	ctx := context.Background()
	seedFrom(t, r, "+447418340465", 25, false)
	seedFrom(t, r, "+447418350001", 25, true) // calls from a caller ID since taken out of the pool
	r.svc.WatchAlarms(callerIDAlarms, time.Hour, nil, false).Evaluate(ctx)
	if rs, err := r.svc.RestedCallerIDs(ctx); err != nil || len(rs) != 0 {
		t.Fatalf("rested %+v, %v; want none", rs, err)
	}
	es := r.auditOf(record.AuditCallerIDRested)
	if len(es) != 1 || !strings.Contains(es[0].Detail, "NOT rested") || !strings.Contains(es[0].Detail, "add caller IDs to call.from") {
		t.Fatalf("caller-id-rested entries %+v, want one saying it was kept", es)
	}
	sawNotice := false
	for len(r.events) > 0 {
		if ev := <-r.events; ev.Kind == EventNotice && strings.Contains(ev.Notice, "caller IDs "+blockedRange+" are NOT rested") {
			sawNotice = true
		}
	}
	if !sawNotice {
		t.Error("no notice said the range was kept")
	}
	if from := r.place("+447700123450").Attempt.From; !inRange(from, blockedRange) {
		t.Fatalf("called from %s", from)
	}
}

// TestCountryPoolIsNeverEmptied: a rest that would empty a country's own pool is not made, even when the
// default pool has other caller IDs; one that leaves every pool a caller ID is.
func TestCountryPoolIsNeverEmptied(t *testing.T) {
	r := newRig(t, withTwoRanges(t))
	def, err := callerid.Parse([]string{"+447418340000-+447418340099", "+447418350000-+447418350099"})
	if err != nil {
		t.Fatal(err)
	}
	ie, err := callerid.Parse([]string{"+447418340465"})
	if err != nil {
		t.Fatal(err)
	}
	r.svc.pool = callerid.NewSelector(def, map[string]*callerid.Pool{"IE": ie})
	allow := r.svc.allowRest(blockedRange)
	var kept *emptiedPoolError
	if err := allow(nil); !errors.As(err, &kept) || !strings.Contains(err.Error(), "call.from_by_country.IE") {
		t.Fatalf("resting the whole pool of IE: %v", err)
	}
	if err := r.svc.allowRest(goodRange)(nil); err != nil {
		t.Fatalf("resting a range IE does not use: %v", err)
	}
	if err := allow([]record.Rest{{Key: goodRange}}); !errors.As(err, &kept) || !strings.Contains(err.Error(), "the default pool") {
		t.Fatalf("resting the default pool's last range: %v", err)
	}
}

// restLandsStore is the rig's history with a rest landing between a placement's pick and its write: the
// first placement from the rested range commits the rest just before its own transaction.
type restLandsStore struct {
	*store.Store
	once sync.Once
}

// InsertAttemptChecked rests the range of the first placement's caller ID, then writes the placement.
func (s *restLandsStore) InsertAttemptChecked(ctx context.Context, p store.Placement, check func(context.Context, store.LimitQuerier) error) error {
	var err error
	s.once.Do(func() {
		r := record.Rest{Key: record.MaskCode(p.Attempt.From, 4), CreatedAt: t0}
		err = s.AddRest(ctx, &r, nil)
	})
	if err != nil {
		return err
	}
	return s.Store.InsertAttemptChecked(ctx, p, check)
}

// TestRestBetweenPickAndWrite: a rest committed after a placement picked its caller ID and before it wrote
// the attempt refuses that caller ID in the placement's transaction; the placement picks again, from the
// other range, and the call rings from there.
func TestRestBetweenPickAndWrite(t *testing.T) {
	r := newRig(t, nil)
	st := &restLandsStore{Store: r.st}
	set := defaultSettings()
	withTwoRanges(t)(&set)
	set.RCMLURL = r.rcml.URL + "/rcml.xml"
	svc, err := New(Deps{Calls: r.client, Store: st, Clock: r.clk, Settings: set})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.Close)
	res, err := svc.Place(context.Background(), r.op, "+447700123450")
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := svc.RestedCallerIDs(context.Background())
	if len(rs) != 1 || inRange(res.Attempt.From, rs[0].Key) {
		t.Fatalf("rested %+v, and the call came from %s", rs, res.Attempt.From)
	}
	log := r.sim.CallLog()
	if len(log) != 1 || plusForm(log[0].From) != res.Attempt.From {
		t.Fatalf("the simulator saw %+v, want one call from %s", log, res.Attempt.From)
	}
}

// TestParallelPlacementsWhileARestLands: 20 operators place 3 calls each at once, over two instances, while the
// caller-ID alarm rests a range; no placement that starts after the rest is committed calls from it, and
// every call placed is in the pool.
func TestParallelPlacementsWhileARestLands(t *testing.T) {
	r := newRig(t, withTwoRanges(t))
	second := r.secondProcess(withTwoRanges(t))
	seedFrom(t, r, "+447418340001", 25, false)
	seedFrom(t, r, "+447418350001", 25, true)
	w := r.svc.WatchAlarms(callerIDAlarms, time.Hour, nil, false)
	var rested atomic.Bool
	type call struct {
		from  string
		after bool
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		calls []call
		errs  []error
	)
	start := make(chan struct{})
	wg.Go(func() {
		<-start
		w.Evaluate(context.Background())
		rested.Store(true)
	})
	for i := range 20 {
		svc := []*Service{r.svc, second}[i%2]
		op := record.Operator{Name: fmt.Sprintf("op%02d", i), Remote: "local"}
		wg.Go(func() {
			<-start
			for k := range 3 {
				after := rested.Load()
				res, err := svc.Place(context.Background(), op, fmt.Sprintf("+44%d%02d12345%d", 77+k, i, i%4))
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					calls = append(calls, call{res.Attempt.From, after})
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if rs, _ := r.svc.RestedCallerIDs(context.Background()); len(rs) != 1 || rs[0].Key != blockedRange {
		t.Fatalf("rested %+v", rs)
	}
	afterRest := 0
	for _, c := range calls {
		switch {
		case !inRange(c.from, blockedRange) && !inRange(c.from, goodRange):
			t.Errorf("a call from %s, outside the pool", c.from)
		case c.after && inRange(c.from, blockedRange):
			t.Errorf("a placement that started after the rest called from %s", c.from)
		case c.after:
			afterRest++
		}
	}
	if len(calls) != 60 {
		t.Fatalf("%d calls placed, want 60", len(calls))
	}
	// Certainly after: every call from now on avoids the range.
	for _, from := range placeMany(t, r.svc, r.op, 10, 90) {
		if inRange(from, blockedRange) {
			t.Fatalf("a call after the rest from %s", from)
		}
	}
	t.Logf("%d of %d placements started after the rest was committed", afterRest, len(calls))
}
