package config

import (
	"math"
	"strings"
	"testing"
)

// guessWarningsOf returns the warnings about guessable codes.
func guessWarningsOf(c *Config) []string {
	var out []string
	for _, w := range c.Warnings() {
		if strings.Contains(w, "guesses the code") {
			out = append(out, w)
		}
	}
	return out
}

func TestGuessWarningForAWeakPool(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // one warning, containing each
	}{
		{"a 1,000-number range", func(c *Config) { c.Call.From = []string{"+447418340000-+447418340999"} }, []string{
			`call.from gives 1,000 distinct 4-digit codes (1,000 numbers in 1 range): with verify.max_checks = 3 a ` +
				`caller who never got the call guesses the code with a chance of 1 in 333 per verification, above 1 in 1,000: ` +
				`use a bigger caller-ID range in call.from: 3,000 distinct codes or more keep it at 1 in 1,000 or better, ` +
				`and 10,000 consecutive numbers such as "+447418340000-+447418349999" give every code`,
		}},
		{"a weak country pool", func(c *Config) {
			c.Call.FromByCountry = map[string][]string{"us": {"+12025550000-+12025552499"}}
		}, []string{
			"call.from_by_country.US (calls to US) gives 2,500 distinct 4-digit codes (2,500 numbers in 1 range)",
			"a chance of 1 in 833 per verification",
			"use a bigger caller-ID range in call.from_by_country.US: 3,000 distinct codes",
			`10,000 consecutive numbers such as "+12025550000-+12025559999" give every code`,
		}},
		{"one caller ID, accepted on purpose", func(c *Config) {
			c.Call.From = []string{"447418340465"}
			c.Call.AcceptGuessableCodes = true
		}, []string{
			"call.from gives 1 distinct 4-digit code (1 number)",
			"a chance of 1 in 1 per verification",
			"(it starts only because call.accept_guessable_codes = true)",
			"use a bigger caller-ID range in call.from",
		}},
		{"more checks", func(c *Config) {
			c.Call.From = []string{"+447418340000-+447418344999"}
			c.Verify.MaxChecks = 10
		}, []string{"gives 5,000 distinct", "verify.max_checks = 10", "1 in 500", "10,000 distinct codes or more"}},
		{"3-digit codes cannot reach 1 in 1,000 with 3 checks", func(c *Config) { c.Call.CodeDigits = 3 }, []string{
			"call.from gives 1,000 distinct 3-digit codes (10,000 numbers in 1 range)",
			"1 in 333 per verification",
			`use a bigger caller-ID range in call.from (1,000 consecutive numbers such as ` +
				`"+447418340000-+447418340999" give every code), and raise call.code_digits or lower verify.max_checks: with every ` +
				`3-digit code a guess still passes 1 in 333`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := realConfig()
			tt.change(c)
			if err := c.Validate(); err != nil {
				t.Fatalf("the configuration is refused, it should only warn: %v", err)
			}
			ws := guessWarningsOf(c)
			if len(ws) != 1 {
				t.Fatalf("%d guess warnings, want 1: %q", len(ws), c.Warnings())
			}
			for _, want := range tt.want {
				if !strings.Contains(ws[0], want) {
					t.Errorf("the warning lacks %q:\n%s", want, ws[0])
				}
			}
			if strings.Contains(ws[0], c.Restcomm.AuthToken.Reveal()) {
				t.Error("the warning shows the token")
			}
		})
	}
}

func TestNoGuessWarningForAStrongPool(t *testing.T) {
	tests := map[string]func(*Config){
		"the default 10,000 range": func(*Config) {},
		"exactly 1 in 1,000":       func(c *Config) { c.Call.From = []string{"+447418340000-+447418342999"} },
		"a strong country pool": func(c *Config) {
			c.Call.FromByCountry = map[string][]string{"US": {"+12025550000-+12025559999"}}
		},
		"8-digit codes from a big range": func(c *Config) {
			c.Call.CodeDigits = 8
			c.Call.From = []string{"+447400000000-+447499999999"}
		},
	}
	for name, change := range tests {
		c := realConfig()
		change(c)
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ws := guessWarningsOf(c); len(ws) != 0 {
			t.Errorf("%s: %q", name, ws)
		}
	}
}

// The simulator calls no real phone: its pools are not warned about (Validate does not refuse them either).
func TestNoGuessWarningOnTheSimulator(t *testing.T) {
	c := Default()
	c.Call.From = []string{"447418340465"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if ws := guessWarningsOf(c); len(ws) != 0 {
		t.Errorf("the simulator warns: %q", ws)
	}
}

func TestEveryWeakPoolIsWarnedAbout(t *testing.T) {
	c := realConfig()
	c.Call.From = []string{"+447418340000-+447418340999"}
	c.Call.FromByCountry = map[string][]string{
		"FR": {"+33612340000-+33612349999"}, // strong
		"US": {"+12025550000-+12025550199"}, // 200 codes: 1 in 67, allowed only by accept_guessable_codes
		"DE": {"+4915112340000-+4915112341999"},
	}
	c.Call.AcceptGuessableCodes = true
	ws := guessWarningsOf(c)
	if len(ws) != 3 {
		t.Fatalf("%d guess warnings, want 3 (call.from, DE, US): %q", len(ws), ws)
	}
	for i, prefix := range []string{"call.from gives", "call.from_by_country.DE (calls to DE)",
		"call.from_by_country.US (calls to US)"} {
		if !strings.HasPrefix(ws[i], prefix) {
			t.Errorf("warning %d does not start with %q: %s", i, prefix, ws[i])
		}
	}
	if !strings.Contains(ws[2], "1 in 67 ") || !strings.Contains(ws[2], "call.accept_guessable_codes = true") {
		t.Errorf("the US warning: %s", ws[2])
	}
	if strings.Contains(ws[1], "accept_guessable_codes") {
		t.Errorf("the DE pool (1 in 667) is allowed without accept_guessable_codes, the warning says otherwise: %s", ws[1])
	}
}

func TestPoolGuesses(t *testing.T) {
	c := Default()
	c.Call.FromByCountry = map[string][]string{"us": {"+12025550100-+12025550149"}, "GB": {"447418340465"}}
	gs, err := c.PoolGuesses()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key, region string
		codes       uint64
		p           float64
		odds        string
		weak, guess bool
	}{
		{"call.from", "", 10000, 3.0 / 10000, "1 in 3,333", false, false},
		{"call.from_by_country.GB", "GB", 1, 1, "1 in 1", true, true},
		{"call.from_by_country.US", "US", 50, 3.0 / 50, "1 in 17", true, true},
	}
	if len(gs) != len(want) {
		t.Fatalf("%d pools, want %d: %+v", len(gs), len(want), gs)
	}
	for i, w := range want {
		g := gs[i]
		if g.Key != w.key || g.Region != w.region || g.Codes != w.codes || math.Abs(g.Probability-w.p) > 1e-12 ||
			g.Odds() != w.odds || g.CodeDigits != 4 || g.Weak() != w.weak || g.Guessable() != w.guess {
			t.Errorf("pool %d = %s %q %d codes p=%v %s weak=%v guessable=%v, want %+v", i, g.Key, g.Region,
				g.Codes, g.Probability, g.Odds(), g.Weak(), g.Guessable(), w)
		}
	}
	if got := gs[0].CodesText(); got != "10,000 distinct 4-digit codes" {
		t.Errorf("CodesText() = %q", got)
	}
	if got := gs[1].CodesText(); got != "1 distinct 4-digit code" {
		t.Errorf("CodesText() = %q", got)
	}
	c.Call.From = []string{"nonsense"}
	if _, err := c.PoolGuesses(); err == nil {
		t.Error("a pool that does not parse gives no error")
	}
	if got := guessWarningsOf(c); len(got) != 0 {
		t.Errorf("an unparsable pool warns: %q", got)
	}
}

func TestExampleRange(t *testing.T) {
	tests := []struct {
		entries []string
		digits  int
		want    string
	}{
		{[]string{"+12025550100-+12025550149"}, 4, "+12025550000-+12025559999"},
		{[]string{" 33612345678 "}, 3, "+33612345000-+33612345999"},
		{[]string{"+4915112341999"}, 5, "+4915112300000-+4915112399999"},
		{[]string{"12345678"}, 8, "+447400000000-+447499999999"}, // too short to hold a block: the UK example
		{nil, 4, "+447418340000-+447418349999"},
		{[]string{"nonsense"}, 4, "+447418340000-+447418349999"},
	}
	for _, tt := range tests {
		if got := exampleRange(tt.entries, tt.digits); got != tt.want {
			t.Errorf("exampleRange(%q, %d) = %q, want %q", tt.entries, tt.digits, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 33333: "33,333",
		100000000: "100,000,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
