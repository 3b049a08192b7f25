// Package stats counts the supervisor's figures from the history: verifications started, calls placed,
// delivered, answered and verified rates, the time from call to verified, refusals and locks, over a window
// and broken down by country, caller-ID range, operator, line type, result, hour or day. The dashboard and
// `flashcall report` both use Compute, so they cannot disagree.
//
// What each figure counts:
//
//   - A verification is started in the window when it was created in it and the policy did not block it; its
//     verified and locked results count for the window it started in (the conversion of that cohort), and
//     the median time to verified is from its creation to its verification.
//   - A call is placed when its create reached Restcomm (live, ended or of unknown outcome); the rates of
//     delivered (it rang: delivered or answered) and answered calls are over the placed calls that ended.
//   - Blocked counts attempts the policy refused; locked counts verifications that failed after their last
//     wrong read-back.
//
// In a breakdown, a call counts under its own key (its caller ID's range, its country); a verification's
// figures count under the key of its first call in the window.
package stats
