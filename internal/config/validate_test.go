package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// realConfig is a valid configuration for a real Restcomm account.
func realConfig() *Config {
	c := Default()
	c.Restcomm.BaseURL = "https://cloud.restcomm.com/restcomm"
	c.Restcomm.AccountSID = "ACae6e420f425248d6a26948c17a9e2acf"
	c.Restcomm.AuthToken = "77f8c12cc7b8f8423e5c38b035249166"
	c.Server.PublicURL = "https://flashcall.example.com"
	c.Policy.AllowedCountries = []string{"GB"} // a real account must choose its countries (see geo_test.go)
	return c
}

func TestValidConfigurations(t *testing.T) {
	for name, c := range map[string]*Config{
		"defaults":          Default(),
		"real account":      realConfig(),
		"e-mail as account": func() *Config { c := realConfig(); c.Restcomm.AccountSID = "ops@example.com"; return c }(),
		"rcml_url, no public": func() *Config {
			c := realConfig()
			c.Server.PublicURL = ""
			c.Call.RCMLURL = "https://x.example/f.xml"
			return c
		}(),
		"empty base_url (sim)":         func() *Config { c := Default(); c.Restcomm.BaseURL = ""; return c }(),
		"short timeout with callbacks": func() *Config { c := realConfig(); c.Call.Timeout = 2; return c }(),
		"short timeout, fast polling": func() *Config {
			c := realConfig()
			c.Server.PublicURL = ""
			c.Call.RCMLURL = "https://x.example/f.xml"
			c.Call.Timeout = 3
			c.Call.PollInterval.Duration = time.Second
			return c
		}(),
		"guessable pool accepted on purpose": func() *Config {
			c := realConfig()
			c.Call.From = []string{"447418340465"}
			c.Call.AcceptGuessableCodes = true
			return c
		}(),
		"one caller ID on the simulator": func() *Config { c := Default(); c.Call.From = []string{"447418340465"}; return c }(),
		"a 1,000-number range":           func() *Config { c := realConfig(); c.Call.From = []string{"+447418340000-+447418340999"}; return c }(),
		"region and port 0":              func() *Config { c := Default(); c.Call.DefaultRegion = "GB"; c.Server.Listen = "127.0.0.1:0"; return c }(),
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v", name, err)
		}
	}
}

func TestValidateExplainsEachProblem(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		key    string
		want   string
	}{
		{"base_url not a URL", func(c *Config) { c.Restcomm.BaseURL = "cloud.restcomm.com" },
			"restcomm.base_url", `"cloud.restcomm.com" is not "sim" or an http(s) URL: use "sim" for the embedded simulator or the Restcomm API root, e.g. https://cloud.restcomm.com/restcomm`},
		{"base_url with credentials", func(c *Config) { c.Restcomm.BaseURL = "https://AC1:pw@cloud.restcomm.com/restcomm" },
			"restcomm.base_url", `must not contain credentials`},
		{"account_sid malformed", func(c *Config) { c.Restcomm.AccountSID = "AC123" },
			"restcomm.account_sid", "is not an Account SID (it has 5 characters)"},
		{"account_sid is a token", func(c *Config) { c.Restcomm.AccountSID = "0123456789abcdef0123456789abcdef" },
			"restcomm.account_sid", "are account_sid and auth_token swapped?"},
		{"no token", func(c *Config) { c.Restcomm.AuthToken = "" },
			"restcomm.auth_token", "or FLASHCALL_AUTH_TOKEN"},
		{"poll_workers zero", func(c *Config) { c.Call.PollWorkers = 0 },
			"call.poll_workers", "is 0: use between 1 and 256, e.g. 16"},
		{"poll_workers too many", func(c *Config) { c.Call.PollWorkers = 10000 },
			"call.poll_workers", "is 10000: use between 1 and 256"},
		{"max_requests_per_second negative", func(c *Config) { c.Call.MaxRequestsPerSecond = -1 },
			"call.max_requests_per_second", "is -1: use 0 (no cap) or a rate up to 100000"},
		{"max_requests_per_second below one", func(c *Config) { c.Call.MaxRequestsPerSecond = 0.5 },
			"call.max_requests_per_second", "at least 1 request a second"},
		{"request_timeout zero", func(c *Config) { c.Restcomm.RequestTimeout.Duration = 0 },
			"restcomm.request_timeout", `is 0s: use between 1s and 5m`},
		{"timeout too short to see ringing by polling", func(c *Config) {
			c.Server.PublicURL = ""
			c.Call.RCMLURL = "https://x.example/f.xml"
			c.Call.Timeout = 2
		}, "call.timeout", "is 2s with call.poll_interval 1s and no status callbacks: polling can miss the ringing of so short a call, and a missed call whose ringing nobody saw counts as not delivered: set call.poll_interval to at most 666ms, or server.public_url so that Restcomm reports ringing itself"},
		{"from too short", func(c *Config) { c.Call.From = []string{"123"} },
			"call.from[0]", `"123" has 3 digits: an E.164 caller ID has 8 to 15, country code included`},
		{"from too long", func(c *Config) { c.Call.From = []string{"+1234567890123456"} },
			"call.from[0]", "has 16 digits: an E.164 caller ID has 8 to 15"},
		{"one caller ID on a real account: the code is known", func(c *Config) { c.Call.From = []string{"447418340465", "+447418340465"} },
			"call.from", `gives 1 distinct 4-digit codes (1 number): with verify.max_checks = 3 a caller who never got the call guesses the code with a chance of 1 in 1: add caller IDs (a range such as "+447418340000-+447418349999" gives every code), or set call.accept_guessable_codes = true to accept the risk`},
		{"three caller IDs on a real account", func(c *Config) { c.Call.From = []string{"447418340465", "447418341234", "447418345678"} },
			"call.from", "with a chance of 1 in 1"},
		{"a guessable country pool", func(c *Config) {
			c.Call.FromByCountry = map[string][]string{"us": {"+12025550100-+12025550149"}}
		}, "call.from_by_country.US", "gives 50 distinct 4-digit codes (50 numbers in 1 range)"},
		{"timeout too long", func(c *Config) { c.Call.Timeout = 61 },
			"call.timeout", "is 61: use 1 to 60 seconds"},
		{"rcml_url relative", func(c *Config) { c.Call.RCMLURL = "/flash.xml" },
			"call.rcml_url", `"/flash.xml" is not an absolute http(s) URL`},
		{"rcml_method lower", func(c *Config) { c.Call.RCMLMethod = "post" },
			"call.rcml_method", `must be upper case: use "POST"`},
		{"rcml_method other", func(c *Config) { c.Call.RCMLMethod = "PUT" },
			"call.rcml_method", `"PUT" is not GET or POST`},
		{"poll too fast", func(c *Config) { c.Call.PollInterval.Duration = 100 * time.Millisecond },
			"call.poll_interval", "is 100ms: use between 200ms and 1m"},
		{"region lower case", func(c *Config) { c.Call.DefaultRegion = "gb" },
			"call.default_region", `must be upper case: use "GB"`},
		{"region nonsense", func(c *Config) { c.Call.DefaultRegion = "UK1" },
			"call.default_region", `"UK1" is not a region code`},
		{"nowhere to fetch RCML", func(c *Config) { c.Server.PublicURL = "" },
			"server.public_url", "Restcomm must be able to fetch the RCML document"},
		{"empty text", func(c *Config) { c.RCML.Text = " " },
			"rcml.text", "is empty"},
		{"voice", func(c *Config) { c.RCML.Voice = "female" },
			"rcml.voice", `"female" is not a voice: use "man" or "woman"`},
		{"voice case", func(c *Config) { c.RCML.Voice = "Woman" },
			"rcml.voice", `must be lower case: use "woman"`},
		{"language underscore", func(c *Config) { c.RCML.Language = "en_GB" },
			"rcml.language", `"en_GB" must be lower case: use "en-gb"`},
		{"loop forever", func(c *Config) { c.RCML.Loop = 0 },
			"rcml.loop", `repeat forever`},
		{"listen without port", func(c *Config) { c.Server.Listen = "127.0.0.1" },
			"server.listen", `"127.0.0.1" is not host:port`},
		{"listen bad port", func(c *Config) { c.Server.Listen = "127.0.0.1:99999" },
			"server.listen", "has no valid port"},
		{"public_url not http", func(c *Config) { c.Server.PublicURL = "flashcall.example.com" },
			"server.public_url", "is not an absolute http(s) URL"},
		{"max_checks", func(c *Config) { c.Verify.MaxChecks = 11 },
			"verify.max_checks", "is 11: allow 1 to 10"},
		{"expiry", func(c *Config) { c.Verify.Expiry.Duration = 10 * time.Second },
			"verify.expiry", "is 10s: use between 30s and 24h"},
		{"expiry shorter than ring and read-back", func(c *Config) { c.Call.Timeout = 30; c.Verify.Expiry.Duration = 80 * time.Second },
			"verify.expiry", "is 1m20s, but the phone rings for up to 30s (call.timeout)"},
		{"alarms interval", func(c *Config) { c.Alarms.Interval.Duration = time.Second },
			"alarms.interval", "is 1s: use between 5s and 1h"},
		{"alarms window", func(c *Config) { c.Alarms.Window.Duration = time.Minute },
			"alarms.window", "is 1m0s: use between 10m and 1d"},
		{"alarms baseline shorter than window", func(c *Config) { c.Alarms.Baseline.Duration = 30 * time.Minute },
			"alarms.baseline", "use at least alarms.window"},
		{"alarms share", func(c *Config) { c.Alarms.ConversionDrop = 1.5 },
			"alarms.conversion_drop", "is 1.5: use a share from 0 (off) to below 1"},
		{"alarms min calls", func(c *Config) { c.Alarms.MinCalls = 1 },
			"alarms.min_calls", "is 1: use 5 or more"},
		{"alarms webhook credentials", func(c *Config) { c.Alarms.Webhook = "https://u:p@hooks.example.com/x" },
			"alarms.webhook", "must not contain a user name or password"},
		{"speed", func(c *Config) { c.Sim.Speed = 0 },
			"sim.speed", "is 0: use a number above 0"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" },
			"log.level", `"verbose" is not a level`},
		{"operator control chars", func(c *Config) { c.Console.Operator = "bob\x1b[2J" },
			"console.operator", "printable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := realConfig()
			tt.change(c)
			err := c.Validate()
			if err == nil {
				t.Fatal("Validate() = nil")
			}
			var found bool
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var p *Problem
				if !errors.As(e, &p) {
					t.Fatalf("%v is not a *Problem", e)
				}
				if p.Key == tt.key && strings.Contains(p.Message, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem for %s containing %q; got:\n%v", tt.key, tt.want, err)
			}
			if !strings.HasPrefix(err.Error(), tt.key+": ") {
				t.Errorf("message does not start with the key %q: %q", tt.key, err)
			}
		})
	}
}

func TestValidateCollectsEveryProblem(t *testing.T) {
	c := Default()
	c.Call.Timeout = 0
	c.Call.CodeDigits = 0
	c.RCML.Voice = ""
	c.Verify.MaxChecks = 0
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 4 {
		t.Errorf("%d problems, want 4:\n%v", n, err)
	}
}

func TestValidateNeverShowsTheToken(t *testing.T) {
	const token = "77f8c12cc7b8f8423e5c38b035249166"
	for name, change := range map[string]func(*Config){
		"token in base_url userinfo": func(c *Config) {
			c.Restcomm.BaseURL = "https://ACae6e420f425248d6a26948c17a9e2acf:" + token + "@cloud.restcomm.com/restcomm"
		},
		"token in an unparsable base_url": func(c *Config) { c.Restcomm.BaseURL = "ht tp://AC:" + token + "@x" },
		"token pasted as account_sid":     func(c *Config) { c.Restcomm.AccountSID = token },
		"token pasted as operator":        func(c *Config) { c.Console.Operator = token + "\x00" },
		"token pasted into from":          func(c *Config) { c.Call.From = []string{token} },
		"token with a space":              func(c *Config) { c.Restcomm.AuthToken = Secret(token[:10] + " " + token[10:]) },
	} {
		c := realConfig()
		change(c)
		err := c.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil", name)
			continue
		}
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), token[:10]) {
			t.Errorf("%s: the error shows the token: %v", name, err)
		}
	}
}

func TestWarningsForTheRealBackend(t *testing.T) {
	c := realConfig()
	c.Restcomm.BaseURL = "http://restcomm.example.com/api"
	c.Server.PublicURL = "http://127.0.0.1:8780"
	ws := strings.Join(c.Warnings(), "\n")
	for _, want := range []string{
		"restcomm.base_url uses plain http",
		`restcomm.base_url "http://restcomm.example.com/api" does not end in /restcomm`,
		"server.public_url points at this machine (127.0.0.1)",
	} {
		if !strings.Contains(ws, want) {
			t.Errorf("warnings lack %q:\n%s", want, ws)
		}
	}
	if got := realConfig().Warnings(); len(got) != 0 {
		t.Errorf("a sound configuration warns: %q", got)
	}
	sim := Default()
	sim.Restcomm.AuthToken = "x-secret-x"
	if ws := strings.Join(sim.Warnings(), "\n"); !strings.Contains(ws, `restcomm.base_url is "sim"`) ||
		strings.Contains(ws, "x-secret-x") {
		t.Errorf("simulator with credentials: %q", ws)
	}
}
