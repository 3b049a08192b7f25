package presence

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
)

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// drain returns the events waiting on a seat's channel.
func drain(s Seat) []Event {
	var out []Event
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				return out
			}
			out = append(out, ev)
		default:
			return out
		}
	}
}

func TestJoinReadingBackAndLeaveReachEveryone(t *testing.T) {
	clk := clock.NewFake(start)
	hub := NewLocal(clk)
	alice := hub.Join(record.Operator{Name: "alice", Remote: "192.0.2.1:5000"})
	clk.Advance(time.Minute)
	bob := hub.Join(record.Operator{Name: "bob", Remote: "192.0.2.2:5000"})

	evs := drain(alice)
	if len(evs) != 2 || evs[1].Kind != Changed || len(evs[1].Members) != 2 || evs[1].Members[1].Operator != "bob" {
		t.Fatalf("alice saw %+v, want her join then bob's", evs)
	}
	if ms := hub.Members(); ms[0].Operator != "alice" || !ms[0].Since.Equal(start) || !ms[1].Since.Equal(start.Add(time.Minute)) {
		t.Fatalf("members %+v", ms)
	}

	drain(bob)
	alice.ReadingBack(7, "+447400123450")
	alice.ReadingBack(7, "+447400123450") // the same again tells nobody anything new
	evs = drain(bob)
	if len(evs) != 1 || evs[0].Members[0].ReadingBack != 7 || evs[0].Members[0].Number != "+447400123450" {
		t.Fatalf("bob saw %+v, want one change: alice reading back #7", evs)
	}

	alice.Checked(Check{VerificationID: 7, Number: "+447400123450", OK: false, Status: record.StatusAwaitingCode, ChecksLeft: 2})
	evs = drain(bob)
	if len(evs) != 1 || evs[0].Kind != Checked || evs[0].Check.Operator != "alice" || evs[0].Check.By != alice.ID() || !evs[0].Check.At.Equal(clk.Now()) {
		t.Fatalf("bob saw %+v, want alice's check", evs)
	}
	for _, ev := range drain(alice) {
		if ev.Kind == Checked {
			t.Fatal("alice was told of her own check")
		}
	}

	clk.Advance(30 * time.Second)
	bob.Touch()
	clk.Advance(10 * time.Second)
	for _, m := range bob.Members() {
		want := 100 * time.Second // alice has pressed no key since she joined
		if m.Operator == "bob" {
			want = 10 * time.Second
		}
		if got := m.Idle(clk.Now()); got != want {
			t.Errorf("%s idle %s, want %s", m.Operator, got, want)
		}
	}

	alice.Leave()
	alice.Leave()
	for range alice.Events() { // what was queued, then the channel is closed
	}
	evs = drain(bob)
	if len(evs) != 1 || len(evs[0].Members) != 1 || evs[0].Members[0].Operator != "bob" {
		t.Fatalf("after alice left bob saw %+v", evs)
	}
	alice.ReadingBack(9, "+447400123460") // after leaving: nothing, and no panic
	alice.Checked(Check{VerificationID: 9})
	if evs := drain(bob); len(evs) != 0 {
		t.Fatalf("a seat that left still reached others: %+v", evs)
	}
}

// TestManySessionsAtOnce: sessions join, read back, check, touch and leave concurrently (run with -race);
// the hub ends empty, every seat's channel is closed, and nothing blocks however slow a reader is.
func TestManySessionsAtOnce(t *testing.T) {
	hub := NewLocal(clock.NewFake(start))
	idle := hub.Join(record.Operator{Name: "never-reads"}) // never drains: the hub must not block on it
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := hub.Join(record.Operator{Name: fmt.Sprintf("op%d", i)})
			done := make(chan struct{})
			go func() {
				for range s.Events() {
				}
				close(done)
			}()
			for j := range 20 {
				s.Touch()
				s.ReadingBack(int64(j%3), "+447400123450")
				s.Checked(Check{VerificationID: int64(j)})
				_ = s.Members()
			}
			s.Leave()
			<-done
		}()
	}
	wg.Wait()
	if ms := hub.Members(); len(ms) != 1 || ms[0].ID != idle.ID() {
		t.Fatalf("members left: %+v", ms)
	}
	if n := len(drain(idle)); n > eventBuffer {
		t.Fatalf("%d events queued for a seat that never reads, want at most %d", n, eventBuffer)
	}
}
