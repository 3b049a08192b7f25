// Package metrics serves flashcall's counters at /metrics in Prometheus' text format, through the official
// client library on a registry of its own: calls placed and their outcomes by country, read-backs by
// result, policy refusals by rule, live calls, SSH sessions, Restcomm requests (latency and errors by
// operation) and the alarms in force. No label ever holds a phone number or a caller ID: countries are ISO
// regions (anything else is "other"), outcomes, results, rules and operations come from fixed sets.
package metrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/flashcall/flashcall/internal/record"
)

// Metrics holds the counters. Its methods are safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	placed   *prometheus.CounterVec
	ended    *prometheus.CounterVec
	checks   *prometheus.CounterVec
	refused  *prometheus.CounterVec
	requests *prometheus.HistogramVec
	errors   *prometheus.CounterVec
}

// Gauges are read at each scrape: what is live now. A nil function leaves its gauge out.
type Gauges struct {
	// LiveCalls is how many calls are being followed now.
	LiveCalls func() int
	// Sessions is how many SSH console sessions are open.
	Sessions func() int
	// Alarms is how many alarms hold now.
	Alarms func() int
}

// New registers the counters and g's gauges, with the Go runtime's and the process's own.
func New(g Gauges) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.placed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flashcall_calls_placed_total",
		Help: "Flash calls whose create reached Restcomm, by destination country."}, []string{"country"})
	m.ended = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flashcall_calls_ended_total",
		Help: "Placed calls that ended, by destination country and outcome."}, []string{"country", "outcome"})
	m.checks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flashcall_code_checks_total",
		Help: "Read-backs checked, by result (right or wrong)."}, []string{"result"})
	m.refused = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flashcall_policy_refusals_total",
		Help: "Calls the fraud policy refused, by rule."}, []string{"rule"})
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "flashcall_restcomm_request_seconds",
		Help: "Requests to Restcomm, by operation, from send to reply.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)},
		[]string{"op"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "flashcall_restcomm_errors_total",
		Help: "Requests to Restcomm that failed, by operation and kind (network, 4xx, 5xx)."}, []string{"op", "kind"})
	m.reg.MustRegister(m.placed, m.ended, m.checks, m.refused, m.requests, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(name, help string, f func() int) {
		if f != nil {
			m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
				func() float64 { return float64(f()) }))
		}
	}
	gauge("flashcall_live_calls", "Calls being followed now.", g.LiveCalls)
	gauge("flashcall_ssh_sessions", "SSH console sessions open now.", g.Sessions)
	gauge("flashcall_alarms_active", "Alarms holding now.", g.Alarms)
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// country is a label value: an ISO region as two upper-case letters, anything else "other".
func country(c string) string {
	if len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' {
		return c
	}
	return "other"
}

// CallPlaced counts a placed call.
func (m *Metrics) CallPlaced(c string) { m.placed.WithLabelValues(country(c)).Inc() }

// CallEnded counts an ended call by its outcome.
func (m *Metrics) CallEnded(c string, o record.Outcome) {
	out := string(o)
	switch o {
	case record.OutcomeDelivered, record.OutcomeAnswered, record.OutcomeBusy, record.OutcomeFailed,
		record.OutcomeNotFound, record.OutcomeNotDelivered, record.OutcomeUnknown:
	default:
		out = "other"
	}
	m.ended.WithLabelValues(country(c), out).Inc()
}

// CodeChecked counts a read-back.
func (m *Metrics) CodeChecked(ok bool) {
	result := "wrong"
	if ok {
		result = "right"
	}
	m.checks.WithLabelValues(result).Inc()
}

// Refused counts a policy refusal; a rule that is not a word (it never is anything else) counts as "other".
func (m *Metrics) Refused(rule string) {
	if rule == "" || len(rule) > 40 || strings.ContainsFunc(rule, func(r rune) bool {
		return !(r == '_' || r == '.' || (r >= 'a' && r <= 'z'))
	}) {
		rule = "other"
	}
	m.refused.WithLabelValues(rule).Inc()
}

// Request records one request to Restcomm: its operation (create, get, list, modify), how long it took,
// and, when it failed, how (kind "network", "4xx" or "5xx"; "" for a success).
func (m *Metrics) Request(op string, took time.Duration, kind string) {
	switch op {
	case "create", "get", "list", "modify":
	default:
		op = "other"
	}
	m.requests.WithLabelValues(op).Observe(took.Seconds())
	if kind != "" {
		m.errors.WithLabelValues(op, kind).Inc()
	}
}
