package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
	"github.com/flashcall/flashcall/restcomm"
)

const callSynopsis = `call [--json] [--verify] [--config PATH] NUMBER

Places one flash call and follows it to its end, printing one line per state change.
With --json every line is a JSON object; the last one has "outcome".
With --verify it then reads the digits the customer read back from stdin and checks them.
When the reply to its create is lost, the call is looked up in Restcomm's call log for call.lookup_window
(5m by default) whether the look-ups succeed or fail; then the attempt ends as unknown (exit 5), and why is
said on stderr. Calls an earlier run left live (killed, crashed) are reconciled at start and followed to
their end before the command exits; an earlier create of unknown outcome still being looked up is left to
the next run (said on stderr).

Exit codes: 0 delivered or answered (verified with --verify), 1 not delivered or not verified,
2 usage or configuration error, 3 refused (invalid or not allowed number), 4 Restcomm API error,
5 outcome unknown.`

// runCall is the headless flow: the same verify service as the console, without a screen.
func runCall(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("call", callSynopsis, e.stderr)
	asJSON := fs.Bool("json", false, "print JSON lines")
	doVerify := fs.Bool("verify", false, "after delivery, read the customer's digits from stdin and check them")
	pos, help, err := parseArgs(fs, e.args)
	if help {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(pos) != 1 {
		return usageError(fs, e.stderr, "give exactly one NUMBER, e.g. flashcall call +447400123456")
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		return code
	}
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv})
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall call: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	out := &callPrinter{w: e.stdout, json: *asJSON, simulated: a.Sim != nil, codeDigits: cfg.Call.CodeDigits}
	if a.Sim != nil && !*asJSON {
		why := "no configuration"
		if cfg.Source() != "" {
			why = cfg.Source() + ` sets restcomm.base_url = "sim"`
		}
		fmt.Fprintf(e.stderr, "flashcall: %s: using the embedded SIMULATOR (no real phone is called)\n", why)
	}
	op := localOperator(cfg, e.getenv)
	auditConfig(ctx, e, a, op)
	code = followCall(ctx, e, a.Service, op, out, pos[0], *doVerify)
	settleBeforeExit(ctx, e.stderr, a.Service)
	return code
}

// followCall places the call, follows it to its end and, with --verify, reads the digits back. It returns
// the exit code.
func followCall(ctx context.Context, e env, svc *verify.Service, op record.Operator, out *callPrinter, number string, doVerify bool) int {
	events, unsubscribe := svc.Subscribe()
	defer unsubscribe()

	res, err := svc.Place(ctx, op, number)
	if err != nil && res.Attempt.ID == 0 {
		return placeError(e.stderr, err)
	}
	out.attempt(res.Attempt)
	final := res.Attempt
	for !attemptDone(final) {
		select {
		case <-ctx.Done():
			fmt.Fprintln(e.stderr, "flashcall call: interrupted: hanging up")
			hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = svc.HangUp(hctx, op, final.ID)
			cancel()
			return exitUnknown
		case ev, ok := <-events:
			if !ok {
				return exitUnknown
			}
			if ev.Kind == verify.EventNotice {
				fmt.Fprintf(e.stderr, "flashcall: %s\n", ev.Notice)
				continue
			}
			if ev.Kind != verify.EventAttempt || ev.Attempt.ID != res.Attempt.ID {
				continue
			}
			if ev.Attempt.Status != final.Status || ev.Attempt.State != final.State {
				out.attempt(ev.Attempt)
			}
			final = ev.Attempt
		}
	}
	out.outcome(final)
	exit := outcomeExit(final)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall call: %v\n", err)
	}
	if final.State == record.StateUnknown && final.Error != "" {
		fmt.Fprintf(e.stderr, "flashcall call: attempt %d: outcome unknown: %s\n", final.ID, final.Error)
	}
	if !doVerify || exit != exitOK {
		return exit
	}
	return readBack(ctx, e, svc, op, final.VerificationID, out)
}

// settleBeforeExit lets the tracker finish what this run took over from earlier ones before the process exits:
// a call a killed run left ringing is followed to its stored end rather than left recorded live. What it
// leaves (Ctrl-C, or a create of unknown outcome whose call is still being looked up) is said on w; the next
// flashcall run takes it up.
func settleBeforeExit(ctx context.Context, w io.Writer, svc *verify.Service) {
	if n := linkedCalls(svc.Tracking()); n > 0 {
		fmt.Fprintf(w, "flashcall: following %d call(s) still live (left by an earlier run) to their end before exiting; Ctrl-C leaves them to the next run\n", n)
	}
	for _, a := range svc.Settle(ctx) {
		if a.CallSID != "" {
			fmt.Fprintf(w, "flashcall: attempt %d: call %s had not ended: the next flashcall run follows it\n", a.ID, a.CallSID)
			continue
		}
		fmt.Fprintf(w, "flashcall: attempt %d: no call found in Restcomm yet for its create (outcome unknown): the next flashcall run goes on looking until %s, then ends it as unknown (the number stays busy until then)\n",
			a.ID, a.CreatedAt.Add(svc.LookupWindow()).Local().Format("15:04:05"))
	}
}

// linkedCalls counts the attempts linked to a call.
func linkedCalls(as []record.Attempt) int {
	n := 0
	for _, a := range as {
		if a.CallSID != "" {
			n++
		}
	}
	return n
}

// attemptDone reports whether an attempt will change no more in this run.
func attemptDone(a record.Attempt) bool {
	switch a.State {
	case record.StateEnded, record.StateNotPlaced:
		return true
	case record.StateUnknown:
		return a.Outcome == record.OutcomeUnknown && a.CallSID == "" && a.EndedAt.After(a.CreatedAt)
	}
	return false
}

// outcomeExit maps an attempt's end to the documented exit codes.
func outcomeExit(a record.Attempt) int {
	switch {
	case a.State == record.StateNotPlaced:
		return exitAPI
	case a.Outcome == record.OutcomeDelivered || a.Outcome == record.OutcomeAnswered:
		return exitOK
	case a.Outcome == record.OutcomeUnknown || a.Outcome == "":
		return exitUnknown
	}
	return exitNotDone
}

// placeError reports a refusal before any attempt existed.
func placeError(w io.Writer, err error) int {
	fmt.Fprintf(w, "flashcall call: %v\n", err)
	var ne *verify.NumberError
	var ref *policy.Refusal
	var apiErr *restcomm.APIError
	switch {
	case errors.As(err, &ne), errors.As(err, &ref):
		return exitPolicy
	case errors.Is(err, verify.ErrLiveCall):
		return exitPolicy
	case errors.As(err, &apiErr):
		return exitAPI
	}
	return exitNotDone
}

// readBack reads digits from stdin until the verification is verified or ends.
func readBack(ctx context.Context, e env, svc *verify.Service, op record.Operator, vid int64, out *callPrinter) int {
	sc := bufio.NewScanner(e.stdin)
	for {
		if !out.json {
			fmt.Fprintf(e.stderr, "digits the customer read back: ")
		}
		if !sc.Scan() {
			out.verification("no-input", 0)
			return exitNotDone
		}
		res, err := svc.Check(ctx, op, vid, sc.Text())
		switch {
		case err != nil && (errors.Is(err, verify.ErrClosed) || errors.Is(err, verify.ErrNotAwaitingCode)):
			out.verification(res.Verification.Status, res.ChecksLeft)
			return exitNotDone
		case err != nil:
			fmt.Fprintf(e.stderr, "flashcall call: %v\n", err)
			continue
		case res.Verified:
			out.verification(res.Verification.Status, res.ChecksLeft)
			return exitOK
		}
		out.verification(res.Verification.Status, res.ChecksLeft)
		if res.Verification.Status == record.StatusFailed {
			return exitNotDone
		}
	}
}

// callPrinter prints state changes as text or JSON lines.
// The caller ID is printed with its code digits hidden: whoever runs the command must hear the code from
// the customer, not read it here.
type callPrinter struct {
	w          io.Writer
	json       bool
	simulated  bool
	codeDigits int
}

func (p *callPrinter) emit(fields map[string]any, text string) {
	if p.json {
		b, _ := json.Marshal(fields)
		fmt.Fprintln(p.w, string(b))
		return
	}
	fmt.Fprintln(p.w, text)
}

func (p *callPrinter) attempt(a record.Attempt) {
	status := a.Status
	if status == "" {
		status = string(a.State)
	}
	fields := map[string]any{
		"time": a.UpdatedAt.UTC().Format(time.RFC3339), "attempt": a.ID, "sid": a.CallSID,
		"status": status, "state": a.State, "to": record.MaskNumber(a.Number), "from": record.MaskCode(a.From, p.codeDigits),
		"simulated": p.simulated,
	}
	if a.Error != "" {
		fields["error"] = a.Error
	}
	text := fmt.Sprintf("%s  %-14s %s  to %s from %s", a.UpdatedAt.Local().Format("15:04:05"), status, orDash(a.CallSID), record.MaskNumber(a.Number), record.MaskCode(a.From, p.codeDigits))
	if a.Error != "" {
		text += "  (" + a.Error + ")"
	}
	p.emit(fields, text)
}

func (p *callPrinter) outcome(a record.Attempt) {
	outcome := a.Outcome
	if outcome == "" {
		outcome = record.OutcomeUnknown
		if a.State == record.StateNotPlaced {
			outcome = "not-placed"
		}
	}
	fields := map[string]any{"outcome": outcome, "sid": a.CallSID, "status": a.Status, "attempt": a.ID,
		"duration": a.Duration, "ringing_seen": a.RingingSeen}
	text := "outcome: " + string(outcome)
	if outcome.Delivered() {
		text += " — ask the customer for the last digits of the number that called them"
	}
	if a.State == record.StateUnknown && a.Error != "" {
		// Why it is unknown, e.g. that the look-up for the call gave up: the attempt's note.
		fields["note"] = a.Error
		text += " (" + a.Error + ")"
	}
	p.emit(fields, text)
}

func (p *callPrinter) verification(status record.Status, left int) {
	p.emit(map[string]any{"verification": status, "checks_left": left},
		fmt.Sprintf("verification: %s (%d checks left)", status, left))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
