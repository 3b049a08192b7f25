package alarms

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/stats"
)

// TestWebhookPostsEveryAlarm: alarms sent from many goroutines at once each arrive as one JSON POST, and
// Close waits until the queued ones are posted.
func TestWebhookPostsEveryAlarm(t *testing.T) {
	var (
		mu  sync.Mutex
		got []WebhookEvent
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev WebhookEvent
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s with %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
	}))
	defer srv.Close()
	w := NewWebhook(srv.URL, nil, nil)
	a := Alarm{Kind: ConversionDrop, By: stats.ByPrefix, Key: "+3712000", Detail: "conversion fell"}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			event := "raised"
			if i%2 == 1 {
				event = "cleared"
			}
			w.Send(event, a, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
		}()
	}
	wg.Wait()
	w.Close()
	w.Send("raised", a, time.Now()) // after Close: dropped, no panic
	if len(got) != 20 {
		t.Fatalf("%d posts, want 20", len(got))
	}
	raised := 0
	for _, ev := range got {
		if ev.Alarm != "conversion-drop prefix +3712000" || ev.Kind != ConversionDrop || ev.Key != "+3712000" || ev.Detail != "conversion fell" {
			t.Errorf("event %+v", ev)
		}
		if ev.Event == "raised" {
			raised++
		}
	}
	if raised != 10 {
		t.Errorf("%d raised events, want 10", raised)
	}
}

// TestWebhookNeverBlocks: a receiver that does not answer holds up nobody: sends beyond the queue are
// dropped at once.
func TestWebhookNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	w := NewWebhook(srv.URL, nil, nil)
	for range webhookQueue * 3 {
		w.Send("raised", Alarm{Kind: AnsweredRate, Key: "all"}, time.Now())
	}
	w.mu.Lock()
	dropped := w.dropped
	w.mu.Unlock()
	close(release)
	w.Close()
	// While the receiver hangs, the queue takes webhookQueue events and the sender holds at most one more.
	if want := 3*webhookQueue - webhookQueue - 1; dropped < want {
		t.Fatalf("%d sends dropped, want at least %d beyond the queue", dropped, want)
	}
}
