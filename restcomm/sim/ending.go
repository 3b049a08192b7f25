package sim

// ending is how a call finished, which decides the final record's status and fields.
type ending int

const (
	endRungOut   ending = iota // rang until Timeout, never answered
	endCanceled                // hung up through the API while queued or ringing
	endCompleted               // answered, then hung up by either side
	endBusy                    // busy or declined (SIP 486, 600, 603)
	endFailed                  // any other failure: a SIP error, or an RCML document Restcomm rejects
	endNotFound                // a carrier 404 for the number
)

// finish makes the call's final record now, as Restcomm writes it (restcomm.md, "How a REST-created call
// ends"). On 8.4 and later:
//
//	rung out, canceled   canceled   duration creation to end (> 0)  end_time  no ring_duration
//	completed            completed  duration answer to end          end_time  ring_duration and answered_by (set on answer)
//	busy                 BUSY       duration 0                      no end    ring_duration
//	failed, not found    FAILED     no duration                     no end
//
// 8.2 ends a rung-out call NO_ANSWER and a canceled one CANCELED (duration 0, ring_duration, end_time) and a
// carrier 404 NOT_FOUND (duration 0, ring_duration 0, end_time). The caller holds s.mu.
func (s *Server) finish(c *call, how ending) {
	c.stopTimer()
	now := s.clk.Now()
	c.updated, c.ended = now, now
	sinceStart := seconds(now.Sub(c.start))
	rang := 0
	if !c.ringStart.IsZero() {
		rang = seconds(now.Sub(c.created))
	}
	switch {
	case (how == endRungOut || how == endCanceled) && !s.legacy:
		c.status = wireCanceled
		c.duration = intp(max(sinceStart, 1))
		c.endTime = now
	case how == endRungOut:
		c.status = wireNoAnswer
		c.duration, c.ringDuration = intp(0), intp(rang)
		c.endTime = now
	case how == endCanceled:
		c.status = wireCanceledLegacy
		c.duration, c.ringDuration = intp(0), intp(rang)
		c.endTime = now
	case how == endCompleted:
		c.status = wireCompleted
		c.duration = intp(sinceStart)
		c.endTime = now
	case how == endBusy:
		c.status = wireBusy
		c.duration, c.ringDuration = intp(0), intp(rang)
	case how == endNotFound && s.legacy:
		c.status = wireNotFound
		c.duration, c.ringDuration = intp(0), intp(0)
		c.endTime = now
	default: // failed, and a carrier 404 on 8.4+
		c.status = wireFailed
	}
	s.log.Info("sim: call ended", "sid", c.sid, "status", c.status, "duration", derefOr(c.duration, -1),
		"ring_duration", derefOr(c.ringDuration, -1))
	s.emit(c, eventCompleted)
}

// intp returns a pointer to a copy of n.
func intp(n int) *int { return &n }

// derefOr returns *p, or def when p is nil.
func derefOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}
