package tui

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/verify"
)

// stubService stands in for verify.Service in unit tests and benchmarks: it records what the console asked
// for and answers from fields the test sets. Commands run on other goroutines, hence the lock.
type stubService struct {
	mu       sync.Mutex
	info     verify.Info
	rows     []record.HistoryRow
	timeline map[int64][]record.Transition
	events   chan verify.Event
	calls    []string
	figures  stats.Figures
	cost     policy.Cost
	alarms   []alarms.Alarm
	placeRes verify.Result
	placeErr error
	checkRes verify.CheckResult
	checkErr error
	revealed map[int64]string // attempt -> number Reveal returns (absent: ErrAnonymised)
	audit    []record.AuditEntry
	superRes verify.Result
	superErr error
	checks   map[int64][]record.Check // verification -> read-backs Checks returns
	pauses   []record.Pause
	overErr  error // what Override returns (nil: the override is given)
}

func newStub() *stubService {
	return &stubService{
		info:     verify.Info{Simulated: true, Backend: "SIMULATOR", PoolSize: 3, Timeout: 10, CodeDigits: 4, MaxChecks: 3, Expiry: 5 * time.Minute},
		timeline: map[int64][]record.Transition{},
		events:   make(chan verify.Event, 16),
	}
}

func (s *stubService) record(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, fmt.Sprintf(format, args...))
}

// Calls returns what the console asked for, in order.
func (s *stubService) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *stubService) Info() verify.Info { return s.info }

// Subscribe is not recorded: New subscribes on construction, and tests count the calls that actions make.
func (s *stubService) Subscribe() (<-chan verify.Event, func()) {
	return s.events, func() { s.record("unsubscribe") }
}

func (s *stubService) ParseNumber(input string) (policy.Number, error) {
	return policy.ParseNumber(input, "GB")
}

func (s *stubService) RefuseNumber(_ context.Context, _ record.Operator, input string) error {
	s.record("refuse %s", input)
	return nil
}

func (s *stubService) Place(_ context.Context, _ record.Operator, input string) (verify.Result, error) {
	s.record("place %s", input)
	return s.placeRes, s.placeErr
}

func (s *stubService) HangUp(_ context.Context, _ record.Operator, attemptID int64) error {
	s.record("hangup %d", attemptID)
	return nil
}

func (s *stubService) Check(_ context.Context, _ record.Operator, verificationID int64, digits string) (verify.CheckResult, error) {
	s.record("check %d %s", verificationID, digits)
	return s.checkRes, s.checkErr
}

func (s *stubService) Cancel(_ context.Context, _ record.Operator, verificationID int64) error {
	s.record("cancel %d", verificationID)
	return nil
}

func (s *stubService) ReportNoCall(_ context.Context, _ record.Operator, verificationID int64) error {
	s.record("nocall %d", verificationID)
	return nil
}

func (s *stubService) Retry(_ context.Context, _ record.Operator, verificationID int64) (verify.Result, error) {
	s.record("retry %d", verificationID)
	return s.placeRes, s.placeErr
}

// FindHistory pages the stub's rows (newest first) one verification a line, in time order, with no filter:
// the filter and the sorts are the store's (tested there and in the flows against a real database).
func (s *stubService) FindHistory(_ context.Context, _ record.Operator, q record.HistoryPage) (record.HistoryResult, error) {
	s.record("history %d", q.PageLimit())
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []record.VerificationRow
	index := map[int64]int{}
	for _, r := range s.rows { // newest first: the first row of a verification is its latest
		if i, ok := index[r.VerificationID]; ok {
			all[i].Attempts++
			all[i].CreatedAt = r.CreatedAt
			continue
		}
		index[r.VerificationID] = len(all)
		all = append(all, record.VerificationRow{Verification: record.Verification{ID: r.VerificationID,
			Number: r.Number, Operator: r.Operator, CreatedAt: r.CreatedAt, Status: r.VerificationStatus,
			Checks: r.Checks, MaxChecks: r.MaxChecks}, Latest: r, Attempts: 1})
	}
	before := func(a, b *record.Verification) bool { // a comes before b, newest first
		return a.CreatedAt.After(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.ID > b.ID)
	}
	sort.SliceStable(all, func(i, j int) bool { return before(&all[i].Verification, &all[j].Verification) })
	res := record.HistoryResult{Total: -1}
	if q.Count {
		res.Total = len(all)
	}
	lo, hi := 0, len(all)
	if q.After != nil {
		k := record.Verification{ID: q.After.ID, CreatedAt: q.After.At}
		cut := sort.Search(len(all), func(i int) bool { return !before(&all[i].Verification, &k) })
		if q.Backward {
			hi = cut
		} else {
			lo = cut
			if lo < len(all) && all[lo].ID == k.ID {
				lo++
			}
		}
	}
	n := q.PageLimit()
	if q.Backward {
		res.Rows, res.More = all[max(lo, hi-n):hi], hi-n > lo
	} else {
		res.Rows, res.More = all[lo:min(hi, lo+n)], lo+n < hi
	}
	res.Rows = append([]record.VerificationRow(nil), res.Rows...)
	return res, nil
}

// VerificationAttempts returns the stub's rows of a verification, newest first.
func (s *stubService) VerificationAttempts(_ context.Context, verificationID int64) ([]record.HistoryRow, error) {
	s.record("attempts %d", verificationID)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []record.HistoryRow
	for _, r := range s.rows {
		if r.VerificationID == verificationID {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *stubService) Timeline(_ context.Context, attemptID int64) ([]record.Transition, error) {
	s.record("timeline %d", attemptID)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeline[attemptID], nil
}

func (s *stubService) Live() []record.Attempt { return nil }

func (s *stubService) Reveal(_ context.Context, op record.Operator, attemptID int64) (string, error) {
	s.record("reveal %d", attemptID)
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.revealed[attemptID]
	if !ok {
		return "", verify.ErrAnonymised
	}
	s.audit = append([]record.AuditEntry{{At: testStart, Operator: op.String(), Remote: op.Remote, Action: record.AuditReveal,
		Number: record.MaskNumber(n), AttemptID: attemptID, Detail: "number revealed"}}, s.audit...)
	return n, nil
}

func (s *stubService) ReadAudit(_ context.Context, _ record.Operator, q record.AuditQuery) ([]record.AuditEntry, error) {
	s.record("audit %d", q.Limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]record.AuditEntry(nil), s.audit...), nil
}

func (s *stubService) Supersede(_ context.Context, _ record.Operator, number string) (verify.Result, error) {
	s.record("supersede %s", number)
	return s.superRes, s.superErr
}

func (s *stubService) Inspect(_ context.Context, verificationID int64) (verify.VerificationView, error) {
	s.record("inspect %d", verificationID)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out verify.VerificationView
	for _, r := range s.rows {
		if r.VerificationID != verificationID {
			continue
		}
		out.Verification = record.Verification{ID: verificationID, Number: r.Number, Country: r.Country, Operator: r.Operator,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ExpiresAt: r.CreatedAt.Add(s.info.Expiry),
			Status: r.VerificationStatus, Checks: r.Checks, MaxChecks: r.MaxChecks}
		out.Attempts = append([]record.Attempt{r.Attempt}, out.Attempts...)
		out.Transitions = append(out.Transitions, s.timeline[r.ID]...)
	}
	if out.Verification.ID == 0 {
		return out, store.ErrNotFound
	}
	return out, nil
}

func (s *stubService) Checks(_ context.Context, verificationID int64) ([]record.Check, error) {
	s.record("checks %d", verificationID)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checks[verificationID], nil
}

func (s *stubService) CheckDestination(n policy.Number) *policy.Refusal {
	return policy.Default().CheckNumber(n)
}

func (s *stubService) DefaultRegion() string { return "GB" }

func (s *stubService) CopyNumber(_ context.Context, op record.Operator, attemptID int64) (string, error) {
	s.record("copy %d", attemptID)
	if !op.IsSupervisor() {
		return "", &verify.RoleError{What: "copying a customer's number", Operator: op.String()}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.revealed[attemptID]
	if !ok {
		return "", verify.ErrAnonymised
	}
	return n, nil
}

// makeRows builds n history rows, newest first as the service returns them, cycling through the states a
// real history holds.
func makeRows(n int) []record.HistoryRow {
	base := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	rows := make([]record.HistoryRow, n)
	statuses := []struct {
		call    string
		state   record.State
		outcome record.Outcome
		ver     record.Status
	}{
		{"no-answer", "ended", "delivered", "verified"},
		{"busy", "ended", "busy", "not-delivered"},
		{"no-answer", "ended", "delivered", "awaiting-code"},
		{"failed", "ended", "failed", "expired"},
		{"completed", "ended", "answered", "failed"},
	}
	for i := range n {
		id := int64(n - i)
		st := statuses[int(id)%len(statuses)]
		created := base.Add(time.Duration(id) * time.Second)
		rows[i] = record.HistoryRow{
			Attempt: record.Attempt{
				ID: id, VerificationID: id, CreatedAt: created, UpdatedAt: created.Add(12 * time.Second),
				EndedAt: created.Add(12 * time.Second), Operator: "alice", Remote: "local",
				Number: fmt.Sprintf("+4474001%05d", id%100000), Country: "GB", LineType: "mobile",
				From: "+447418340465", CallSID: fmt.Sprintf("CA%032x", id), State: st.state, Status: st.call,
				Outcome: st.outcome, RingingSeen: true, Duration: int(id % 7), RingDuration: 10,
			},
			VerificationStatus: st.ver, Checks: int(id % 3), MaxChecks: 3,
		}
	}
	return rows
}

// Figures records the span and the breakdowns asked for and returns the stub's figures.
func (s *stubService) Figures(_ context.Context, since, until time.Time, by []stats.Dimension, _ *time.Location) (stats.Figures, error) {
	s.record("figures %s %s %v", since.Format(time.RFC3339), until.Format(time.RFC3339), by)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.figures, nil // the figures as seeded, their own span included
}

// Cost returns the stub's pricing.
func (s *stubService) Cost() policy.Cost { return s.cost }

// ActiveAlarms returns the stub's alarms.
func (s *stubService) ActiveAlarms() []alarms.Alarm {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alarms
}

func (s *stubService) Override(_ context.Context, op record.Operator, number, rule, reason string) (*record.Override, error) {
	s.record("override %s %s %q by %s", number, rule, reason, op.Name)
	if !op.IsSupervisor() {
		return nil, &verify.RoleError{What: "lifting a rule for one number (override)", Operator: op.String()}
	}
	if s.overErr != nil {
		return nil, s.overErr
	}
	return &record.Override{ID: 1, Number: number, Rule: rule, Reason: reason, By: op.String(), CreatedAt: testStart,
		ExpiresAt: testStart.Add(verify.OverrideValidity)}, nil
}

func (s *stubService) Pauses(context.Context) ([]record.Pause, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]record.Pause(nil), s.pauses...), nil
}

func (s *stubService) ResumePause(_ context.Context, op record.Operator, id int64) (*record.Pause, error) {
	s.record("resume %d by %s", id, op.Name)
	if !op.IsSupervisor() {
		return nil, &verify.RoleError{What: "resuming calls an alarm paused", Operator: op.String()}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pauses {
		if p.ID == id {
			s.pauses = append(s.pauses[:i], s.pauses[i+1:]...)
			p.ResumedBy, p.ResumedAt = op.String(), testStart
			return &p, nil
		}
	}
	return nil, store.ErrNotFound
}
