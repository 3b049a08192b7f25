package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
)

// ParseNumber runs number intake for live feedback and for Place. It does no I/O.
func (s *Service) ParseNumber(input string) (policy.Number, error) {
	return policy.ParseNumber(input, s.set.DefaultRegion)
}

// Place starts a verification of the typed number, or retries the open one for that number, and places the
// flash call. Number intake and the destination policy run first, then the limits, inside the same database
// transaction that writes the attempt: nothing is dialled unless that write succeeds. A refusal is returned
// as a *policy.Refusal (with a zero Result), recorded as a blocked attempt and audited. A create is never
// retried: when its outcome is unknown, the attempt is kept for reconciliation.
func (s *Service) Place(ctx context.Context, op record.Operator, input string) (Result, error) {
	num, open, release, err := s.intake(ctx, op, input)
	if err != nil {
		return Result{}, err
	}
	defer release()
	if open == nil {
		return s.dial(ctx, op, s.newVerification(op, num), num, false, nil)
	}
	return s.dial(ctx, op, *open, num, true, nil)
}

// intake is what Place and Supersede do first: number intake, the destination policy, the claim that keeps
// a second call to the number from starting meanwhile (release ends it), and the number's open verification,
// if any (nil when there is none or it just expired). A verification whose call is live refuses with
// ErrLiveCall.
func (s *Service) intake(ctx context.Context, op record.Operator, input string) (policy.Number, *record.Verification, func(), error) {
	num, err := s.ParseNumber(input)
	if err != nil {
		ne := &NumberError{Input: strings.TrimSpace(input), Reason: reasonOf(err)}
		s.auditIntakeRefused(ctx, op, ne)
		return num, nil, nil, ne
	}
	if ref := s.set.Policy.CheckNumber(num); ref != nil {
		return num, nil, nil, s.refuse(ctx, op, num, nil, ref)
	}
	switch ref, err := s.pausedRefusal(ctx, num); {
	case err != nil:
		return num, nil, nil, fmt.Errorf("%w: %v", ErrHistory, err)
	case ref != nil:
		return num, nil, nil, s.refuse(ctx, op, num, nil, ref)
	}
	if !s.claim(num.E164) {
		return num, nil, nil, ErrLiveCall
	}
	release := func() { s.release(num.E164) }
	v, err := s.st.OpenVerificationFor(ctx, num.E164)
	if err != nil {
		release()
		return num, nil, nil, fmt.Errorf("%w: %v", ErrHistory, err)
	}
	if v != nil && s.expireIfDue(ctx, v) {
		v = nil
	}
	if v != nil && v.Status == record.StatusCalling {
		release()
		return num, nil, nil, ErrLiveCall
	}
	return num, v, release, nil
}

// Retry places another call for an open verification, from a caller ID it has not used yet where the pool
// allows. The policy applies as for Place, and a retry counts towards the limits.
func (s *Service) Retry(ctx context.Context, op record.Operator, verificationID int64) (Result, error) {
	v, err := s.st.GetVerification(ctx, verificationID)
	if err != nil {
		return Result{}, err
	}
	if s.expireIfDue(ctx, v) || v.Status.Final() {
		return Result{}, ErrClosed
	}
	if v.Status == record.StatusCalling {
		return Result{}, ErrLiveCall
	}
	num, err := s.ParseNumber(v.Number)
	if err != nil {
		return Result{}, &NumberError{Input: v.Number, Reason: reasonOf(err)}
	}
	if ref := s.set.Policy.CheckNumber(num); ref != nil {
		return Result{}, s.refuse(ctx, op, num, v, ref)
	}
	if !s.claim(num.E164) {
		return Result{}, ErrLiveCall
	}
	defer s.release(num.E164)
	return s.dial(ctx, op, *v, num, true, nil)
}

// newVerification is a verification of num about to be started by op (ID 0: not stored yet).
func (s *Service) newVerification(op record.Operator, num policy.Number) record.Verification {
	now := s.clk.Now()
	return record.Verification{
		Number: num.E164, Country: num.Region, Operator: op.String(),
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(s.set.Expiry),
		Status: record.StatusCalling, MaxChecks: s.set.MaxChecks,
	}
}

// dial checks the limits and writes the attempt (creating v when its ID is 0, superseding sup when set) in
// one transaction, then creates the call and starts tracking it.
func (s *Service) dial(ctx context.Context, op record.Operator, v record.Verification, num policy.Number, retry bool, sup *record.Verification) (Result, error) {
	fresh := v.ID == 0
	var used []string
	if !fresh {
		var err error
		if used, err = s.usedFroms(ctx, v.ID); err != nil {
			return Result{}, fmt.Errorf("%w: %v", ErrHistory, err)
		}
	}
	from, fromRange, err := s.pickFrom(ctx, num, used)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrHistory, err)
	}
	now := s.clk.Now()
	a := record.Attempt{
		CreatedAt: now, UpdatedAt: now,
		Operator: op.String(), Remote: op.Remote,
		Number: num.E164, Country: num.Region, LineType: string(num.Type), From: from,
		State: record.StatePlacing,
	}
	before := v
	v.Status = record.StatusCalling
	v.UpdatedAt = now
	// One transaction writes everything the dial needs first: the attempt, its token's hash, and this process
	// as the tracker of its call.
	token, hash := s.callToken()
	lctx, lifted := withLiftLog(ctx) // the rules overrides lift for this call (override.go)
	err = s.insertPlacement(lctx, store.Placement{Verification: &v, Supersede: sup, Attempt: &a,
		RCMLToken: hash, Tracker: &s.me, TrackedAt: now, CallerIDRange: fromRange}, s.limitCheck(op, num, now), num, used)
	from = a.From // picked again when its range was rested meanwhile (rest.go)
	var ref *policy.Refusal
	switch {
	case errors.As(err, &ref):
		var open *record.Verification
		if !fresh {
			open = &before
		}
		return Result{}, s.refuse(ctx, op, num, open, ref)
	case errors.Is(err, store.ErrNumberBusy):
		return Result{}, ErrLiveCall
	case errors.Is(err, store.ErrConflict):
		return Result{}, err
	case err != nil:
		return Result{}, fmt.Errorf("%w: %v", ErrHistory, err)
	}
	s.overridesUsed(ctx, op, a, lifted)
	if fresh {
		s.scheduleExpiry(v)
	}
	if sup != nil {
		s.superseded(ctx, op, *sup, v)
	}

	// The Url is the shared document, or this call's own address when the document speaks the code (its
	// token's hash was stored with the attempt).
	rcmlURL, statusURL := s.callURLs(token)
	params := restcomm.CallParams{
		From: plusForm(from), To: num.E164, URL: rcmlURL, Method: s.set.RCMLMethod, Timeout: s.set.Timeout,
	}
	if statusURL != "" {
		params.StatusCallback = statusURL
		params.StatusCallbackMethod = "POST"
	}
	rctx, cancel := s.reqCtx(ctx)
	calls, err := s.calls.CreateCall(rctx, params)
	err = s.masked(err, from, num.E164) // a server's text may quote the From: that is the code
	cancel()
	res := Result{Retry: retry}
	if err != nil {
		a, v = s.createFailed(ctx, a, v, now, err)
		s.auditPlaced(ctx, op, a, retry, err)
		res.Attempt, res.Verification = a, v
		s.publish(Event{Kind: EventAttempt, Attempt: a, Verification: v})
		return res, err
	}
	c := calls[0]
	a.CallSID = c.SID
	a.State = record.StateLive
	s.log.Info("call placed", "attempt", a.ID, "sid", c.SID, "operator", a.Operator)
	if err := s.st.UpdateAttempt(ctx, &a); err != nil {
		s.log.Error("attempt update failed", "attempt", a.ID, "err", err)
	}
	s.auditPlaced(ctx, op, a, retry, nil)
	s.track(a, now)
	a = s.apply(ctx, a.ID, &c, record.SourceCreate)
	v2, err := s.st.GetVerification(ctx, v.ID)
	if err == nil {
		v = *v2
	}
	res.Attempt, res.Verification = a, v
	return res, nil
}

// createFailed records a create that did not succeed: not placed, or outcome unknown.
// sentAt is our clock's time just before the request went out: the look-up window starts there.
func (s *Service) createFailed(ctx context.Context, a record.Attempt, v record.Verification, sentAt time.Time, err error) (record.Attempt, record.Verification) {
	now := s.clk.Now()
	a.UpdatedAt = now
	a.Error = err.Error()
	var unk *restcomm.OutcomeUnknownError
	if errors.As(err, &unk) {
		a.State = record.StateUnknown
		a.Outcome = record.OutcomeUnknown
		s.log.Warn("call outcome unknown", "attempt", a.ID, "err", err)
		if uerr := s.st.UpdateAttemptWith(ctx, &a, s.transition(a.ID, "unknown", record.SourceCreate, a.Error)); uerr != nil {
			s.log.Error("attempt update failed", "attempt", a.ID, "err", uerr)
		}
		// Keep it tracked: the tracker looks it up with ListCalls and never dials again.
		s.track(a, sentAt)
		return a, v
	}
	a.State = record.StateNotPlaced
	a.EndedAt = now
	s.log.Warn("call not placed", "attempt", a.ID, "err", err)
	if uerr := s.st.UpdateAttemptWith(ctx, &a, s.transition(a.ID, "not-placed", record.SourceCreate, a.Error)); uerr != nil {
		s.log.Error("attempt update failed", "attempt", a.ID, "err", uerr)
	}
	v = s.afterAttempt(ctx, v.ID)
	return a, v
}

// claim marks a number as being dialled by this process; false when it already is.
func (s *Service) claim(e164 string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dialling[e164] {
		return false
	}
	for _, t := range s.live {
		if t.attempt.Number == e164 {
			return false
		}
	}
	s.dialling[e164] = true
	return true
}

func (s *Service) release(e164 string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.dialling, e164)
}

// usedFroms lists the caller IDs a verification's attempts have used.
func (s *Service) usedFroms(ctx context.Context, verificationID int64) ([]string, error) {
	as, err := s.st.AttemptsFor(ctx, verificationID)
	if err != nil {
		return nil, err
	}
	var used []string
	for _, a := range as {
		used = append(used, a.From)
	}
	return used, nil
}

// pickFrom chooses a caller ID for a call to num with a cryptographic random source, from the pool of num's
// country less its rested ranges (rest.go): never with the code of the last call to this number, nor (where
// the pool allows) one this verification has already used, so a retry always carries a new code. It returns
// the caller ID's range too, for Placement.CallerIDRange.
func (s *Service) pickFrom(ctx context.Context, num policy.Number, used []string) (string, string, error) {
	last, err := s.st.LastFrom(ctx, num.E164)
	if err != nil {
		return "", "", err
	}
	if last != "" {
		used = append(used, last)
	}
	avoid := make([]string, 0, len(used))
	for _, f := range used {
		avoid = append(avoid, s.codeOf(f))
	}
	return s.pickUnrested(ctx, num.Region, avoid)
}

// reasonOf turns a number-intake error into the text after the number.
func reasonOf(err error) string {
	var ne *policy.NumberError
	if errors.As(err, &ne) {
		return ne.Reason
	}
	return err.Error()
}

// plusForm writes a caller ID of bare digits with a leading +: a server that normalises numbers for outbound
// calls reads a bare 447... as a US number.
func plusForm(from string) string {
	if from == "" || from[0] == '+' || digitsOf(from) != from {
		return from
	}
	return "+" + from
}
