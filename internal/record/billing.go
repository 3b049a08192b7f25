package record

// Priced reports whether the attempt is a call the daily cost cap prices: one that may have rung a phone
// (not refused by the policy, not failed before it was placed).
func (a Attempt) Priced() bool { return a.State != StateBlocked && a.State != StateNotPlaced }

// BilledMinutes is how many minutes the daily cost cap prices the attempt at: an answered call's duration
// rounded up to whole minutes, at least one; one minute, its worst case, while its outcome is not known
// (placing, live, unknown); none for a call that ended unanswered or was never placed. The history engines
// keep the same rule in SQL (internal/store's billedMinutes), which their contract suite checks.
func (a Attempt) BilledMinutes() int {
	switch {
	case !a.Priced():
		return 0
	case a.Outcome == OutcomeAnswered:
		return max(1, (a.Duration+59)/60)
	case a.Outcome == "" || a.Outcome == OutcomeUnknown:
		return 1
	}
	return 0
}
