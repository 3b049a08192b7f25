package alarms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Webhook posts alarms as JSON to a URL, one request per alarm raised or cleared, from a bounded queue: a slow
// or dead receiver delays nothing and costs at most webhookQueue alarms in memory (older ones are dropped and
// counted in the log). A request that fails is logged, not retried: the audit log has every alarm anyway.
type Webhook struct {
	url    string
	client *http.Client
	log    *slog.Logger
	queue  chan WebhookEvent
	wg     sync.WaitGroup

	mu      sync.Mutex
	dropped int // alarms dropped since the start
	logged  int // of those, already told in the log
	closed  bool
}

// WebhookEvent is the JSON body of one webhook request.
type WebhookEvent struct {
	// Event is "raised" or "cleared".
	Event string `json:"event"`
	// Alarm is the alarm's ID ("conversion-drop prefix +3712000"), Kind its kind, By and Key its scope.
	Alarm string `json:"alarm"`
	Kind  Kind   `json:"kind"`
	By    string `json:"by"`
	Key   string `json:"key"`
	// Detail says it in words.
	Detail string `json:"detail"`
	// At is when the service saw it.
	At time.Time `json:"at"`
}

// webhookQueue bounds the alarms waiting to be posted.
const webhookQueue = 64

// webhookTimeout bounds one request.
const webhookTimeout = 10 * time.Second

// NewWebhook starts posting to url (nil client: one with webhookTimeout). Close stops it.
func NewWebhook(url string, client *http.Client, log *slog.Logger) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Webhook{url: url, client: client, log: log, queue: make(chan WebhookEvent, webhookQueue)}
	w.wg.Add(1)
	go w.run()
	return w
}

// Send queues an alarm's event ("raised" or "cleared") without blocking.
func (w *Webhook) Send(event string, a Alarm, at time.Time) {
	ev := WebhookEvent{Event: event, Alarm: a.ID(), Kind: a.Kind, By: string(a.By), Key: a.Key, Detail: a.Detail, At: at.UTC()}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	select {
	case w.queue <- ev:
	default:
		w.dropped++
	}
}

// Close stops accepting alarms and waits for the queued ones to be posted (each within its timeout).
func (w *Webhook) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	close(w.queue)
	w.mu.Unlock()
	w.wg.Wait()
}

func (w *Webhook) run() {
	defer w.wg.Done()
	for ev := range w.queue {
		w.mu.Lock()
		dropped := w.dropped - w.logged
		w.logged = w.dropped
		w.mu.Unlock()
		if dropped > 0 {
			w.log.Warn("alarm webhook fell behind: alarms not posted", "dropped", dropped)
		}
		if err := w.post(ev); err != nil {
			w.log.Error("alarm not posted to the webhook", "alarm", ev.Alarm, "event", ev.Event, "err", err)
		}
	}
}

// post sends one event.
func (w *Webhook) post(ev WebhookEvent) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "flashcall-alarms")
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the webhook answered %s", resp.Status)
	}
	return nil
}
