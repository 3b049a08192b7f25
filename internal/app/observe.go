package app

import (
	"github.com/flashcall/flashcall/internal/alarms"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/verify"
)

// MetricsPath is where server.listen serves the Prometheus metrics.
const MetricsPath = "/metrics"

// watchAlarms starts the alarm watch of [alarms], with its webhook when one is set; Close stops both.
func (a *App) watchAlarms(cfg *config.Config) {
	if !cfg.Alarms.Enabled || a.Service == nil {
		return
	}
	var notify verify.AlarmNotifier
	if url := cfg.Alarms.Webhook; url != "" {
		w := alarms.NewWebhook(url, nil, a.Logger.With("component", "alarms"))
		a.closers = append(a.closers, w.Close)
		notify = w
	}
	a.Alarms = a.Service.WatchAlarms(cfg.Alarms.Settings(), cfg.Alarms.Interval.Duration, notify, cfg.Alarms.Pause)
	a.closers = append(a.closers, a.Alarms.Stop)
}

// SetSessionCounter tells the metrics how to count the open SSH sessions (flashcall serve calls it).
func (a *App) SetSessionCounter(f func() int) { a.sessions.Store(&f) }

// sessionCount is the number of open SSH sessions, 0 when nothing serves them.
func (a *App) sessionCount() int {
	if f := a.sessions.Load(); f != nil {
		return (*f)()
	}
	return 0
}
