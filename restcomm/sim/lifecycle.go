package sim

import (
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

// Simulated delays, before the speed factor divides them.
const (
	// dialDelay is how long a call stays QUEUED before it rings (or fails without ringing).
	dialDelay = 200 * time.Millisecond
	// answerDelay is how long an answering callee (last digit 6) lets the phone ring.
	answerDelay = 2 * time.Second
	// busyDelay is how long a busy callee (last digit 7) rings before BUSY.
	busyDelay = time.Second
	// defaultTimeout is the ring limit when the create request has no Timeout.
	defaultTimeout = 60
)

// outcome is what the callee does, chosen by the last digit of the destination.
type outcome int

const (
	outcomeNoAnswer outcome = iota // 0-4, and numbers without a digit
	outcomeCanceled                // 5
	outcomeAnswer                  // 6
	outcomeBusy                    // 7
	outcomeFailed                  // 8
	outcomeNotFound                // 9
)

// outcomeFor picks the outcome from the last decimal digit in the destination; an address without a digit
// (client:alice) behaves like 0.
func outcomeFor(to string) outcome {
	for i := len(to) - 1; i >= 0; i-- {
		if d := to[i]; d >= '0' && d <= '9' {
			switch d {
			case '5':
				return outcomeCanceled
			case '6':
				return outcomeAnswer
			case '7':
				return outcomeBusy
			case '8':
				return outcomeFailed
			case '9':
				return outcomeNotFound
			default:
				return outcomeNoAnswer
			}
		}
	}
	return outcomeNoAnswer
}

// call is the server's record of one call. Every field is guarded by Server.mu.
type call struct {
	seq                  int // creation order
	sid                  string
	from, to             string
	rcml                 fetchTarget
	fallback             fetchTarget
	statusCallback       string
	statusCallbackMethod string
	timeout              int // seconds, as requested
	outcome              outcome

	status                    string
	created, updated          time.Time
	ringStart, answered, ends time.Time // zero until they happen
	answeredBy                string
	duration, ringDuration    *int // nil until the call ends

	timer clock.Timer
	gen   uint64 // bumped whenever the pending timer changes, so a stale timer does nothing

	cbQueue   []callbackEvent
	cbSending bool
}

// final reports whether the call has ended.
func (c *call) final() bool { return !live(c.status) }

// stopTimer cancels the pending timer, if any, and makes any timer already firing a no-op.
func (c *call) stopTimer() {
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.gen++
}

// schedule arranges for step to run on c after d of clock time (speed already applied), replacing any pending
// timer. The caller holds s.mu; step runs with s.mu held.
func (s *Server) schedule(c *call, d time.Duration, step func(*call)) {
	c.stopTimer()
	gen := c.gen
	c.timer = s.clk.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed || c.gen != gen {
			return
		}
		c.timer = nil
		step(c)
	})
}

// startLifecycle sets a new call on its way. The caller holds s.mu.
func (s *Server) startLifecycle(c *call) {
	s.emit(c, eventInitiated)
	s.schedule(c, s.scale(dialDelay), s.dial)
}

// dial ends the QUEUED phase: the callee's network either refuses the call or the phone rings.
func (s *Server) dial(c *call) {
	switch c.outcome {
	case outcomeFailed:
		s.end(c, wireFailed)
		return
	case outcomeNotFound:
		s.end(c, wireNotFound)
		return
	}
	now := s.clk.Now()
	c.status, c.updated, c.ringStart = wireRinging, now, now
	s.log.Info("sim: call ringing", "sid", c.sid)
	s.emit(c, eventRinging)

	// Timeout counts from the dial (the create), as Restcomm's ring timer starts when the INVITE goes out.
	left := c.created.Add(s.scale(time.Duration(c.timeout) * time.Second)).Sub(now)
	left = max(left, 0)
	giveUp := func(c *call) { s.end(c, wireNoAnswer) }
	if c.outcome == outcomeCanceled {
		giveUp = func(c *call) { s.end(c, wireCanceled) }
	}
	var early time.Duration
	var step func(*call)
	switch c.outcome {
	case outcomeAnswer:
		early, step = s.scale(answerDelay), s.answer
	case outcomeBusy:
		early, step = s.scale(busyDelay), func(c *call) { s.end(c, wireBusy) }
	}
	if step != nil && early < left {
		s.schedule(c, early, step)
		return
	}
	s.schedule(c, left, giveUp)
}

// answer picks up the call: in-progress, then the RCML fetch. The fetch is HTTP, so it runs without s.mu (but
// still inside this timer callback, so a fake clock's Advance sees its effect).
func (s *Server) answer(c *call) {
	now := s.clk.Now()
	c.status, c.updated, c.answered = wireInProgress, now, now
	// answered_by is non-empty once a call is answered; "human" because the simulator has no machine detection.
	c.answeredBy = "human"
	s.log.Info("sim: call answered", "sid", c.sid)
	s.emit(c, eventAnswered)
	gen := c.gen
	params := s.rcmlParams(c, now)
	primary, fallback := c.rcml, c.fallback

	// The answer timer is tracked like a callback so Close waits for a fetch in flight.
	s.wg.Add(1)
	s.mu.Unlock()
	speech, err := s.fetchRCML(primary, params)
	if err != nil && fallback.url != "" {
		s.log.Warn("sim: RCML rejected, trying FallbackUrl", "sid", c.sid, "reason", err.Error())
		speech, err = s.fetchRCML(fallback, params)
	}
	s.mu.Lock()
	s.wg.Done()

	if s.closed || c.gen != gen || c.status != wireInProgress {
		return // hung up (or server closed) while the document was being fetched
	}
	if err != nil {
		s.log.Warn("sim: RCML rejected, call fails", "sid", c.sid, "reason", err.Error())
		s.end(c, wireFailed)
		return
	}
	s.schedule(c, s.scale(speech), func(c *call) { s.end(c, wireCompleted) })
}

// end makes status the call's final state now. The caller holds s.mu.
func (s *Server) end(c *call, status string) {
	c.stopTimer()
	now := s.clk.Now()
	c.status, c.updated, c.ends = status, now, now
	ring, talk := 0, 0
	if !c.ringStart.IsZero() {
		stop := now
		if !c.answered.IsZero() {
			stop = c.answered
		}
		ring = seconds(stop.Sub(c.ringStart))
	}
	if !c.answered.IsZero() {
		talk = seconds(now.Sub(c.answered))
		if status == wireCompleted {
			talk = max(talk, 1) // a call that played its document lasted at least a second
		}
	}
	c.ringDuration, c.duration = &ring, &talk
	s.log.Info("sim: call ended", "sid", c.sid, "status", status, "duration", talk, "ring_duration", ring)
	s.emit(c, eventCompleted)
}

// hangUp applies a modify request's Status to a live call. Before an answer both canceled and completed
// cancel the ringing leg (Restcomm sends a SIP CANCEL, and the call ends CANCELED); once answered, only
// completed hangs up and canceled silently does nothing. The caller holds s.mu.
func (s *Server) hangUp(c *call, status string) {
	switch {
	case c.status == wireQueued || c.status == wireRinging:
		s.end(c, wireCanceled)
	case c.status == wireInProgress && status == "completed":
		s.end(c, wireCompleted)
	}
}

// seconds rounds a duration to whole seconds, as the wire's duration fields hold.
func seconds(d time.Duration) int { return int(d.Round(time.Second) / time.Second) }
