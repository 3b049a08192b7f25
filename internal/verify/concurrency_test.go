package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
)

// dialAll has one goroutine per number, each with its own Operator, call Place at once through svc, and
// returns how many calls were placed, refused by the policy (by rule), or refused as live.
func dialAll(t *testing.T, svc *Service, numbers []string, opPrefix string) (placed int, refused map[string]int, live int) {
	t.Helper()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	refused = map[string]int{}
	start := make(chan struct{})
	for i, n := range numbers {
		op := record.Operator{Name: fmt.Sprintf("%s%02d", opPrefix, i), Remote: fmt.Sprintf("127.0.0.1:%d", 40000+i)}
		wg.Go(func() {
			<-start
			_, err := svc.Place(context.Background(), op, n)
			mu.Lock()
			defer mu.Unlock()
			var ref *policy.Refusal
			switch {
			case err == nil:
				placed++
			case errors.As(err, &ref):
				refused[ref.Rule]++
			case errors.Is(err, ErrLiveCall):
				live++
			default:
				errs = append(errs, err)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	return placed, refused, live
}

// TestParallelOperatorsSamePrefix: 30 operators dial 30 numbers of one range at once; exactly the per-prefix
// limit reaches the simulator, and every other request is refused by that rule and recorded.
func TestParallelOperatorsSamePrefix(t *testing.T) {
	const limit = 5
	r := newRig(t, withRules(t, func(p *policy.Rules) { noLimits(p); p.PerPrefix = policy.Limit{Count: limit, Window: 10 * time.Minute} }))
	var numbers []string
	for i := range 30 {
		numbers = append(numbers, fmt.Sprintf("+4474001234%02d", 10+i))
	}
	placed, refused, live := dialAll(t, r.svc, numbers, "op")
	if placed != limit || refused[policy.RulePerPrefix] != 30-limit || live != 0 {
		t.Fatalf("placed %d, refused %v, live %d; want %d placed and %d refused by the per-prefix limit",
			placed, refused, live, limit, 30-limit)
	}
	if n := len(r.sim.CallLog()); n != limit {
		t.Fatalf("the simulator received %d calls, want exactly %d", n, limit)
	}
	if b := r.blocked(); len(b) != 30-limit {
		t.Fatalf("%d blocked attempts recorded, want %d", len(b), 30-limit)
	}
}

// TestParallelOperatorsSameNumber: 20 operators dial one number at once, round after round as each call
// rings out. One call per round reaches the phone (never two at once), and after the per-number limit no
// more: exactly 3 calls in all.
func TestParallelOperatorsSameNumber(t *testing.T) {
	r := newRig(t, nil) // the production defaults: 3 calls per number in 10 minutes
	const number = "+447400123450"
	numbers := make([]string, 20)
	for i := range numbers {
		numbers[i] = number
	}
	total := 0
	for round := 1; round <= 4; round++ {
		placed, refused, live := dialAll(t, r.svc, numbers, fmt.Sprintf("r%d-", round))
		want := 1
		if round == 4 {
			want = 0
		}
		if placed != want || placed+live+refused[policy.RulePerNumber] != len(numbers) {
			t.Fatalf("round %d: placed %d, live %d, refused %v; want %d placed", round, placed, live, refused, want)
		}
		if round == 4 && refused[policy.RulePerNumber] == 0 {
			t.Fatalf("round 4: nothing refused by the per-number limit")
		}
		total += placed
		if n := len(r.sim.CallLog()); n != total {
			t.Fatalf("round %d: the simulator received %d calls, want %d", round, n, total)
		}
		r.advance(15 * time.Second) // the call rings out: a missed call
	}
}

// TestLimitsHoldAcrossProcesses: two services on two connections to one history file (two flashcall
// processes) dial at once; the global limit holds over both.
func TestLimitsHoldAcrossProcesses(t *testing.T) {
	const limit = 4
	edit := withRules(t, func(p *policy.Rules) { noLimits(p); p.Global = policy.Limit{Count: limit, Window: time.Hour} })
	r := newRig(t, edit)
	svc2 := r.secondProcess(edit)
	var wg sync.WaitGroup
	results := make([][3]int, 2)
	for i, svc := range []*Service{r.svc, svc2} {
		var numbers []string
		for j := range 10 {
			numbers = append(numbers, fmt.Sprintf("+44740%d12345%d", i, j))
		}
		wg.Go(func() {
			p, ref, l := dialAll(t, svc, numbers, fmt.Sprintf("p%d-", i))
			results[i] = [3]int{p, ref[policy.RuleGlobal], l}
		})
	}
	wg.Wait()
	placed := results[0][0] + results[1][0]
	if placed != limit || results[0][1]+results[1][1] != 20-limit {
		t.Fatalf("placed %d (per process %v); want %d in all, the rest refused by the global limit", placed, results, limit)
	}
	if n := len(r.sim.CallLog()); n != limit {
		t.Fatalf("the simulator received %d calls, want %d", n, limit)
	}
}
