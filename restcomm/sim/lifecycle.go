package sim

import (
	"time"

	"github.com/flashcall/flashcall/internal/clock"
)

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

	status           string
	created, updated time.Time
	// start is the wire's start_time: the creation, reset when the call is answered.
	start time.Time
	// ringStart, answered and ended are zero until they happen.
	ringStart, answered, ended time.Time
	// endTime is the wire's end_time: set for canceled and completed calls only, zero (absent) otherwise.
	endTime                time.Time
	answeredBy             string
	duration, ringDuration *int // nil (absent on the wire) until set

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

// timeoutOf is the call's Timeout as simulated time (before the speed factor).
func timeoutOf(c *call) time.Duration { return time.Duration(c.timeout) * time.Second }

// startLifecycle sets a new call on its way. The caller holds s.mu.
func (s *Server) startLifecycle(c *call) {
	s.emit(c, eventInitiated)
	switch c.outcome {
	case outcomeQueued:
		// The INVITE went to a proxy that never answers: no timer, no further callback, QUEUED for ever.
		s.log.Info("sim: call stays queued (no route answers the INVITE)", "sid", c.sid)
	case outcomeFailed:
		s.schedule(c, s.scale(dialDelay), func(c *call) { s.finish(c, endFailed) })
	case outcomeNotFound:
		s.schedule(c, s.scale(carrierDelay), func(c *call) { s.finish(c, endNotFound) })
	default:
		s.schedule(c, s.scale(dialDelay), s.ring)
	}
}

// ring ends the QUEUED phase: the phone rings until the callee acts or the Timeout runs out.
func (s *Server) ring(c *call) {
	now := s.clk.Now()
	c.status, c.updated, c.ringStart = wireRinging, now, now
	s.log.Info("sim: call ringing", "sid", c.sid)
	s.emit(c, eventRinging)

	// Timeout counts from the create, as Restcomm's ring timer starts when the INVITE goes out.
	left := max(c.created.Add(s.scale(timeoutOf(c))).Sub(now), 0)
	var early time.Duration
	var step func(*call)
	switch c.outcome {
	case outcomeAnswer:
		early, step = s.scale(answerDelay), s.answer
	case outcomeBusy:
		early, step = s.scale(busyDelay), func(c *call) { s.finish(c, endBusy) }
	case outcomeDecline:
		early, step = s.scale(declineDelay), func(c *call) { s.finish(c, endBusy) }
	}
	if step != nil && early < left {
		s.schedule(c, early, step)
		return
	}
	s.schedule(c, left, func(c *call) { s.finish(c, endRungOut) })
}

// answer picks up the call: in-progress, then the RCML fetch, then the document plays until the callee hangs
// up or the Timeout cuts it off. The fetch is HTTP, so it runs without s.mu (but still inside this timer
// callback, so a fake clock's Advance sees its effect).
func (s *Server) answer(c *call) {
	now := s.clk.Now()
	c.status, c.updated, c.answered = wireInProgress, now, now
	ring := seconds(now.Sub(c.created))
	c.ringDuration = &ring
	c.start = now       // Restcomm resets start_time on answer, so duration becomes talk time
	c.answeredBy = c.to // the callee's number, the user part of To
	s.log.Info("sim: call answered", "sid", c.sid)
	s.emit(c, eventAnswered)
	gen := c.gen
	params := s.rcmlParams(c)
	primary, fallback := c.rcml, c.fallback

	// The answer timer is tracked like a callback so Close waits for a fetch in flight.
	s.wg.Add(1)
	s.mu.Unlock()
	doc, err := s.fetchRCML(primary, params)
	if err != nil && fallback.url != "" {
		s.log.Warn("sim: RCML rejected, trying FallbackUrl", "sid", c.sid, "reason", err.Error())
		doc, err = s.fetchRCML(fallback, params)
	}
	s.mu.Lock()
	s.wg.Done()

	if s.closed || c.gen != gen || c.status != wireInProgress {
		return // hung up (or server closed) while the document was being fetched
	}
	if err != nil {
		s.log.Warn("sim: RCML rejected, call fails", "sid", c.sid, "reason", err.Error())
		s.finish(c, endFailed)
		return
	}
	hold, cut := doc.hold(timeoutOf(c))
	switch {
	case doc.kind == playHangUp:
		s.log.Warn("sim: RCML served without a Content-Type, Restcomm hangs up", "sid", c.sid)
		s.finish(c, endCompleted)
		return
	case doc.kind == playSilent:
		s.log.Warn("sim: RCML not found (404): the call stays up, silent, until the callee hangs up", "sid", c.sid)
	case cut:
		s.log.Warn("sim: the message runs longer than the call's Timeout: hung up mid-message", "sid", c.sid,
			"timeout", c.timeout)
	}
	s.schedule(c, s.scale(hold), func(c *call) { s.finish(c, endCompleted) })
}

// hangUp applies a modify request's Status to a live call. Before an answer both canceled and completed
// cancel the call (Restcomm sends a SIP CANCEL); once answered, only completed hangs up and canceled silently
// does nothing. The caller holds s.mu.
func (s *Server) hangUp(c *call, status string) {
	switch {
	case c.status == wireQueued || c.status == wireRinging:
		s.finish(c, endCanceled)
	case c.status == wireInProgress && status == "completed":
		s.finish(c, endCompleted)
	}
}

// seconds rounds a duration to whole seconds, as the wire's duration fields hold.
func seconds(d time.Duration) int { return int(d.Round(time.Second) / time.Second) }
