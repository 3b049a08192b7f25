package verify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// exampleE164 is libphonenumber's example number of a type for a region.
func exampleE164(t *testing.T, region string, typ phonenumbers.PhoneNumberType) string {
	t.Helper()
	n := phonenumbers.GetExampleNumberForType(region, typ)
	if n == nil {
		t.Fatalf("no example %v for %s", typ, region)
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}

const never = "; this number may not be called under the current policy"

// TestRefusalsAsTheOperatorSeesThem: every refusal through Place, with the exact message the console and
// `flashcall call` show, no call at the simulator, and (for policy refusals) a blocked attempt and an
// audit entry.
func TestRefusalsAsTheOperatorSeesThem(t *testing.T) {
	premium := "refused by policy.allowed_types: premium-rate numbers are refused: they bill the caller per minute " +
		"and are the usual toll-fraud target" + never
	shared := "refused by policy.allowed_types: shared-cost numbers are never called: they charge the caller or " +
		"reach no person, the routes toll fraud uses" + never
	type tc struct {
		name    string
		rules   func(*policy.Rules)
		setup   func(r *rig) // calls before the refused one
		input   string
		want    string // the whole message
		calls   int    // calls the simulator must have seen in the end (those of setup)
		blocked bool   // recorded as a blocked attempt
	}
	cases := []tc{
		{name: "US premium-rate from the issue", input: "+19005550123", want: premium, blocked: true},
		{name: "toll-free", input: exampleE164(t, "GB", phonenumbers.TOLL_FREE), blocked: true,
			want: "refused by policy.allowed_types: toll-free numbers are not in policy.allowed_types (mobile, " +
				"fixed-line-or-mobile)" + never},
		{name: "invalid", input: "+44 12", want: `"+44 12": too short for United Kingdom: check for missing digits`},
		{name: "bidi controls quoted", input: "+44 12\u202e", want: `"+44 12\u202e": not a phone number: use digits, e.g. +447400123456`},
		{name: "not-allowed country", rules: func(r *policy.Rules) { r.AllowedCountries = []string{"GB", "IE"} },
			input: exampleE164(t, "FR", phonenumbers.MOBILE), blocked: true,
			want: "refused by policy.allowed_countries: France (FR) is not in policy.allowed_countries (GB, IE)" + never},
		{name: "blocked prefix", rules: func(r *policy.Rules) { r.BlockedPrefixes = []string{"+4474001234"} },
			input: "+447400123450", blocked: true,
			want: "refused by policy.blocked_prefixes: the number starts with +4474001234, a blocked prefix " +
				"(policy.blocked_prefixes)" + never},
		{name: "limit exceeded", input: "+447400123450", calls: 3, blocked: true,
			setup: func(r *rig) {
				for range 3 {
					r.place("+447400123450")
					r.advance(20 * time.Second) // rings out: a missed call, so the next request is a retry
				}
			},
			want: "refused by policy.limit_per_number: 3 calls to this number within 10m (limit 3/10m); try again " +
				"in 9m (after 2026-11-26 09:10:00 UTC)"},
		{name: "cooldown", rules: func(r *policy.Rules) { r.PerNumber = policy.Limit{} }, input: "+447400123457", calls: 3, blocked: true,
			setup: func(r *rig) {
				for range 3 {
					r.place("+447400123457") // busy
					r.advance(10 * time.Second)
				}
			},
			// The last busy call ended at 09:00:21.2 (simulator time); it is 09:00:30.
			want: "refused by policy.cooldown: the last 3 calls to this number were not delivered, so it rests for " +
				"1h; try again in 59m52s (after 2026-11-26 10:00:22 UTC)"},
		{name: "second live verification", input: "+447400123450", calls: 1,
			setup: func(r *rig) { r.place("+447400123450") },
			want:  "a call to this number is still live: wait for it to end or hang it up"},
	}
	for _, region := range []string{"GB", "DE", "FR", "IT", "ES", "AU", "CH", "AT", "PL", "SE"} {
		cases = append(cases, tc{name: "premium-rate " + region, input: exampleE164(t, region, phonenumbers.PREMIUM_RATE),
			want: premium, blocked: true})
	}
	for _, region := range []string{"DE", "FR", "IT", "ES", "AU", "CH", "AT", "PL", "SE", "BE"} {
		cases = append(cases, tc{name: "shared-cost " + region, input: exampleE164(t, region, phonenumbers.SHARED_COST),
			want: shared, blocked: true})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, withRules(t, c.rules))
			if c.setup != nil {
				c.setup(r)
			}
			res, err := r.svc.Place(context.Background(), r.op, c.input)
			if err == nil {
				t.Fatalf("Place(%s) placed a call", c.input)
			}
			if got := err.Error(); got != c.want {
				t.Fatalf("Place(%s):\n got  %q\n want %q", c.input, got, c.want)
			}
			if res.Attempt.ID != 0 {
				t.Errorf("a refusal returned attempt %d: the headless command would follow it", res.Attempt.ID)
			}
			if n := len(r.sim.CallLog()); n != c.calls {
				t.Errorf("the simulator saw %d calls, want %d", n, c.calls)
			}
			var ref *policy.Refusal
			if isRefusal := errors.As(err, &ref); isRefusal != c.blocked {
				t.Fatalf("errors.As(*policy.Refusal) = %v, want %v", isRefusal, c.blocked)
			}
			blocked := r.blocked()
			if !c.blocked {
				if len(blocked) != 0 || len(r.auditOf(record.AuditRefusal)) != 0 {
					t.Fatalf("not a policy refusal, yet recorded: %+v", blocked)
				}
				return
			}
			if len(blocked) != 1 || blocked[0].Error != err.Error() || blocked[0].Operator != "alice" {
				t.Fatalf("blocked attempts %+v, want one with the message", blocked)
			}
			audits := r.auditOf(record.AuditRefusal)
			if len(audits) != 1 || audits[0].Detail != err.Error() || audits[0].AttemptID != blocked[0].ID ||
				audits[0].Number != record.MaskNumber(blocked[0].Number) || audits[0].Remote != "local" {
				t.Fatalf("refusal audit %+v", audits)
			}
			if c.calls == 0 && blocked[0].VerificationStatus != record.StatusBlocked {
				t.Errorf("a refused new verification is %q, want blocked", blocked[0].VerificationStatus)
			}
			if c.calls > 0 && blocked[0].VerificationStatus == record.StatusBlocked {
				t.Errorf("a refused retry blocked the open verification")
			}
		})
	}
}

func TestRefusedRetryKeepsTheVerificationOpen(t *testing.T) {
	r := newRig(t, withRules(t, func(r *policy.Rules) { noLimits(r); r.PerNumber = policy.Limit{Count: 1, Window: time.Hour} }))
	ctx := context.Background()
	first := r.place("+447400123457") // busy: not delivered, a retry is offered
	r.advance(10 * time.Second)
	_, err := r.svc.Retry(ctx, r.op, first.Verification.ID)
	var ref *policy.Refusal
	if !errors.As(err, &ref) || ref.Rule != policy.RulePerNumber || !ref.RetryAfter.Equal(t0.Add(time.Hour)) {
		t.Fatalf("Retry = %v, want the per-number limit until %v", err, t0.Add(time.Hour))
	}
	v := r.verification(first.Verification.ID)
	if v.Status != record.StatusNotDelivered {
		t.Fatalf("verification after a refused retry: %q, want not-delivered", v.Status)
	}
	as, _ := r.st.AttemptsFor(ctx, v.ID)
	if len(as) != 2 || as[1].State != record.StateBlocked {
		t.Fatalf("attempts %+v, want the call and a blocked retry", as)
	}
	if n := len(r.sim.CallLog()); n != 1 {
		t.Fatalf("simulator calls = %d, want 1", n)
	}
	// The verification expires meanwhile; an hour after the first call, a new one may start.
	r.advance(time.Hour - 10*time.Second - time.Millisecond)
	if _, err := r.svc.Place(ctx, r.op, "+447400123457"); !errors.As(err, &ref) {
		t.Fatalf("a millisecond early: %v", err)
	}
	r.advance(time.Millisecond)
	if res := r.place("+447400123457"); res.Retry || res.Verification.ID == v.ID {
		t.Fatalf("after the window: retry %v, verification %d", res.Retry, res.Verification.ID)
	}
	if n := len(r.sim.CallLog()); n != 2 {
		t.Fatalf("simulator calls = %d, want 2", n)
	}
}
