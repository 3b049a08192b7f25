package verify

import (
	"context"
	"testing"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
)

// withRules returns a settings edit that installs the default rules changed by edit.
func withRules(t *testing.T, edit func(*policy.Rules)) func(*Settings) {
	t.Helper()
	r := policy.DefaultRules()
	if edit != nil {
		edit(&r)
	}
	p, err := policy.New(r)
	if err != nil {
		t.Fatal(err)
	}
	return func(s *Settings) { s.Policy = p }
}

// noLimits turns every limit, the cooldown and the daily cap off.
func noLimits(r *policy.Rules) {
	r.PerNumber, r.PerPrefix, r.PerOperator, r.Global = policy.Limit{}, policy.Limit{}, policy.Limit{}, policy.Limit{}
	r.CooldownAfter, r.DailyCap = 0, 0
}

// auditOf returns the audit entries of one action, oldest first.
func (r *rig) auditOf(action record.Action) []record.AuditEntry {
	r.t.Helper()
	es, err := r.st.Audit(context.Background(), record.AuditQuery{Action: action})
	if err != nil {
		r.t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

// blocked returns the blocked attempts in the history, oldest first.
func (r *rig) blocked() []record.HistoryRow {
	r.t.Helper()
	rows, err := r.st.History(context.Background(), store.HistoryQuery{})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []record.HistoryRow
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].State == record.StateBlocked {
			out = append(out, rows[i])
		}
	}
	return out
}
