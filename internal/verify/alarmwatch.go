package verify

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/stats"
)

// AlarmWatch evaluates the alarms (alarms.Evaluate) over the service's own history at a fixed interval: an
// alarm whose condition starts to hold is raised (logged, audited, told to every screen as a notice), one
// whose condition stops is cleared the same way, and Active lists what holds now.
type AlarmWatch struct {
	s      *Service
	set    alarms.Settings
	every  time.Duration
	notify AlarmNotifier
	pause  bool // conversion alarms pause their scope (alarms.pause)

	eval   sync.Mutex // one evaluation at a time, so an alarm is raised once
	mu     sync.Mutex
	active map[string]alarms.Alarm
	timer  clock.Timer
	closed bool
}

// AlarmNotifier is told of every alarm raised ("raised") and cleared ("cleared"), e.g. an alarms.Webhook.
// Send must not block.
type AlarmNotifier interface {
	Send(event string, a alarms.Alarm, at time.Time)
}

// WatchAlarms starts evaluating the alarms every interval (the first time at once, in the background) until
// the service closes or Stop is called; notify, when not nil, is told of each alarm raised and cleared, and
// with pause a conversion alarm pauses calls to its country or prefix until a supervisor resumes them.
func (s *Service) WatchAlarms(set alarms.Settings, every time.Duration, notify AlarmNotifier, pause bool) *AlarmWatch {
	w := &AlarmWatch{s: s, set: set, every: every, notify: notify, pause: pause, active: map[string]alarms.Alarm{}}
	s.alarms.Store(w)
	w.mu.Lock()
	w.timer = s.clk.AfterFunc(0, w.tick)
	w.mu.Unlock()
	context.AfterFunc(s.ctx, w.Stop)
	return w
}

// ActiveAlarms returns the alarms that hold now (none when no watch was started): every screen's header and
// the dashboard show them.
func (s *Service) ActiveAlarms() []alarms.Alarm {
	if w := s.alarms.Load(); w != nil {
		return w.Active()
	}
	return nil
}

// Stop ends the watch.
func (w *AlarmWatch) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// Active returns the alarms that hold now, in a stable order.
func (w *AlarmWatch) Active() []alarms.Alarm {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]alarms.Alarm, 0, len(w.active))
	for _, a := range w.active {
		out = append(out, a)
	}
	sortAlarms(out)
	return out
}

// tick evaluates once and arms the next evaluation.
func (w *AlarmWatch) tick() {
	w.Evaluate(w.s.ctx)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.timer = w.s.clk.AfterFunc(w.every, w.tick)
	}
}

// Evaluate judges the figures now: the window ending now against the baseline before it. It raises and
// clears alarms, and returns what holds. A history that cannot be read leaves the alarms as they were.
func (w *AlarmWatch) Evaluate(ctx context.Context) []alarms.Alarm {
	w.eval.Lock()
	defer w.eval.Unlock()
	now := w.s.clk.Now()
	start := now.Add(-w.set.Window)
	cur, err := w.s.Figures(ctx, start, now, alarms.Dimensions, time.UTC)
	if err != nil {
		w.s.log.Error("alarms not evaluated: the history could not be read", "err", err)
		return w.Active()
	}
	base, err := w.s.Figures(ctx, start.Add(-w.set.Baseline), start, []stats.Dimension{stats.ByCountry, stats.ByPrefix}, time.UTC)
	if err != nil {
		w.s.log.Error("alarms not evaluated: the history could not be read", "err", err)
		return w.Active()
	}
	found := alarms.Evaluate(cur, base, w.set)
	holds := make(map[string]alarms.Alarm, len(found))
	for _, a := range found {
		holds[a.ID()] = a
	}
	states := w.s.alarmStates()
	var stored []string // raised in the shared history, perhaps by an instance that has gone since
	if states != nil {
		if stored, err = states.RaisedAlarms(ctx); err != nil {
			w.s.log.Error("raised alarms not read: clears left to the instances that raised them", "err", err)
		}
	}
	w.mu.Lock()
	var raised, cleared []alarms.Alarm
	for id, a := range holds {
		if _, ok := w.active[id]; !ok {
			raised = append(raised, a)
		}
	}
	for id, a := range w.active {
		if _, ok := holds[id]; !ok {
			cleared = append(cleared, a)
		}
	}
	for _, id := range stored {
		_, holding := holds[id]
		_, mine := w.active[id]
		if !holding && !mine {
			cleared = append(cleared, alarms.FromID(id))
		}
	}
	w.active = holds
	w.mu.Unlock()
	sortAlarms(raised)
	sortAlarms(cleared)
	op := flashcallOperator("alarms")
	quiet := false // a change this instance shows but another announced
	for _, a := range raised {
		if !w.announce(ctx, a, true, now) {
			quiet = true // another instance raised it first: it is shown here, announced there
			continue
		}
		w.s.log.Warn("alarm raised", "alarm", a.ID(), "detail", a.Detail)
		w.s.audit(ctx, op, record.AuditAlarmRaised, "", 0, 0, a.Detail)
		w.s.publish(Event{Kind: EventNotice, Notice: "ALARM: " + a.Detail, Err: true})
		if w.pause {
			w.s.pauseFor(ctx, a, w.set.Window)
		}
		w.s.restFor(ctx, a) // with Settings.RestCallerIDs, a caller-ID alarm rests its range (rest.go)
		if w.notify != nil {
			w.notify.Send("raised", a, now)
		}
	}
	for _, a := range cleared {
		if !w.announce(ctx, a, false, now) {
			quiet = true
			continue
		}
		w.s.log.Info("alarm cleared", "alarm", a.ID())
		w.s.audit(ctx, op, record.AuditAlarmCleared, "", 0, 0, "no longer holds: "+a.ID())
		w.s.publish(Event{Kind: EventNotice, Notice: "alarm cleared: " + a.ID() + w.s.stillRested(ctx, a)})
		if w.notify != nil {
			w.notify.Send("cleared", a, now)
		}
	}
	if quiet {
		w.s.publish(Event{Kind: EventNotice}) // no words, but every header counts what holds here again
	}
	return found
}

// AlarmStates is the alarms' part of a shared history (both engines have it): among the instances judging
// the same figures, the one that records a raise (or a clear) first announces it; the others only show it.
type AlarmStates interface {
	// RaiseAlarm records that the alarm holds; true when this call raised it.
	RaiseAlarm(ctx context.Context, id, instance string, at time.Time) (bool, error)
	// ClearAlarm records that it no longer holds; true when this call cleared it.
	ClearAlarm(ctx context.Context, id string, at time.Time) (bool, error)
	// RaisedAlarms lists the alarms recorded as raised.
	RaisedAlarms(ctx context.Context) ([]string, error)
}

// alarmStates returns the store's alarm states, nil when it keeps none.
func (s *Service) alarmStates() AlarmStates {
	st, _ := s.st.(AlarmStates)
	return st
}

// announce records a raise (or a clear) in the shared history and reports whether this instance is the one
// to announce it. Without a shared record, or when it cannot be written, it announces: an alarm told twice
// is better than one never told.
func (w *AlarmWatch) announce(ctx context.Context, a alarms.Alarm, raise bool, now time.Time) bool {
	st := w.s.alarmStates()
	if st == nil {
		return true
	}
	var won bool
	var err error
	if raise {
		won, err = st.RaiseAlarm(ctx, a.ID(), w.s.InstanceID(), now)
	} else {
		won, err = st.ClearAlarm(ctx, a.ID(), now)
	}
	if err != nil {
		w.s.log.Error("alarm state not recorded: announced here", "alarm", a.ID(), "err", err)
		return true
	}
	return won
}

// sortAlarms orders alarms by their ID.
func sortAlarms(as []alarms.Alarm) {
	slices.SortFunc(as, func(a, b alarms.Alarm) int { return strings.Compare(a.ID(), b.ID()) })
}
