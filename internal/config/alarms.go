package config

import (
	"net/url"
	"strings"
	"time"

	"github.com/flashcall/flashcall/internal/alarms"
)

// AlarmsConfig is the [alarms] table: what the service watches in its own figures and does about it.
type AlarmsConfig struct {
	// Enabled turns every alarm on or off.
	Enabled bool `toml:"enabled"`
	// Interval is how often the alarms are judged.
	Interval Duration `toml:"interval"`
	// Window is the recent span judged, Baseline the trailing span before it compared with.
	Window Span `toml:"window"`
	// Baseline is the trailing span before Window.
	Baseline Span `toml:"baseline"`
	// MinCalls is the least number of calls in the window for a country, prefix or caller-ID range to be
	// judged.
	MinCalls int `toml:"min_calls"`
	// ConversionDrop and VolumeRise: a country or prefix whose conversion falls below ConversionDrop of its
	// baseline's while its calls per hour rise to VolumeRise times the baseline's raises an alarm (0: off).
	ConversionDrop float64 `toml:"conversion_drop"`
	// VolumeRise is the multiple of the baseline's calls per hour that counts as a rise.
	VolumeRise float64 `toml:"volume_rise"`
	// Pause stops new calls to the country or prefix of a conversion alarm until a supervisor resumes it.
	Pause bool `toml:"pause"`
	// AnsweredRate raises an alarm when more than this share of the window's calls were answered (0: off).
	AnsweredRate float64 `toml:"answered_rate"`
	// CallerIDDrop raises an alarm when a caller-ID range's delivered rate falls below this share of the
	// pool's (0: off); RestCallerIDs then stops picking it.
	CallerIDDrop float64 `toml:"caller_id_drop"`
	// RestCallerIDs stops picking a caller-ID range a carrier has probably blocked, until a supervisor
	// restores it.
	RestCallerIDs bool `toml:"rest_caller_ids"`
	// Webhook, when set, receives every alarm raised and cleared as a JSON POST.
	Webhook string `toml:"webhook"`
}

// defaultAlarms returns the [alarms] defaults.
func defaultAlarms() AlarmsConfig {
	return AlarmsConfig{Enabled: true, Interval: Duration{Duration: time.Minute}, Window: Span{Duration: time.Hour}, Baseline: Span{Duration: 7 * 24 * time.Hour},
		MinCalls: 20, ConversionDrop: 0.5, VolumeRise: 2, Pause: true, AnsweredRate: 0.2, CallerIDDrop: 0.5,
		RestCallerIDs: true}
}

// Settings are the thresholds for alarms.Evaluate (all off when the alarms are disabled).
func (a AlarmsConfig) Settings() alarms.Settings {
	if !a.Enabled {
		return alarms.Settings{Window: a.Window.Duration, Baseline: a.Baseline.Duration, MinCalls: a.MinCalls}
	}
	return alarms.Settings{Window: a.Window.Duration, Baseline: a.Baseline.Duration, MinCalls: a.MinCalls,
		ConversionDrop: a.ConversionDrop, VolumeRise: a.VolumeRise, AnsweredRate: a.AnsweredRate,
		CallerIDDrop: a.CallerIDDrop}
}

// validateAlarms checks the [alarms] table.
func (c *Config) validateAlarms(ps *problems) {
	a := c.Alarms
	if i := a.Interval.Duration; i < 5*time.Second || i > time.Hour {
		ps.add("alarms.interval", "is %s: use between 5s and 1h, e.g. \"1m\"", i)
	}
	if w := a.Window.Duration; w < 10*time.Minute || w > 24*time.Hour {
		ps.add("alarms.window", "is %s: use between 10m and 1d, e.g. \"1h\"", w)
	}
	if b := a.Baseline.Duration; b < a.Window.Duration || b > 90*24*time.Hour {
		ps.add("alarms.baseline", "is %s: use at least alarms.window and at most 90d, e.g. \"7d\"", b)
	}
	if a.MinCalls < 5 || a.MinCalls > 100000 {
		ps.add("alarms.min_calls", "is %d: use 5 or more (a handful of calls says nothing), e.g. 20", a.MinCalls)
	}
	for _, r := range []struct {
		key  string
		v    float64
		hint string
	}{
		{"alarms.conversion_drop", a.ConversionDrop, "0.5 alarms when conversion halves"},
		{"alarms.answered_rate", a.AnsweredRate, "0.2 alarms when a fifth of the calls are answered"},
		{"alarms.caller_id_drop", a.CallerIDDrop, "0.5 alarms when a range delivers half as well as the pool"},
	} {
		if !(r.v >= 0 && r.v < 1) {
			ps.add(r.key, "is %g: use a share from 0 (off) to below 1: %s", r.v, r.hint)
		}
	}
	if !(a.VolumeRise >= 1 && a.VolumeRise <= 1000) {
		ps.add("alarms.volume_rise", "is %g: use a multiple of at least 1, e.g. 2 (calls per hour doubled)", a.VolumeRise)
	}
	if w := strings.TrimSpace(a.Webhook); w != "" {
		u, err := url.Parse(w)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			ps.add("alarms.webhook", "is not an absolute http(s) URL: e.g. \"https://hooks.example.com/flashcall\"")
		case u.User != nil:
			ps.add("alarms.webhook", "must not contain a user name or password: put a secret in its path instead")
		}
	}
}
