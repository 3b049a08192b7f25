package config

import "testing"

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"timeout", "timeout", 0},
		{"tiemout", "timeout", 1}, // a swap is one edit
		{"timout", "timeout", 1},
		{"voyce", "voice", 1},
		{"kitten", "sitting", 3},
		{"", "abc", 3},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	ks := knownKeys()
	for _, tt := range []struct {
		name  string
		table bool
		want  string
	}{
		{"call.tiemout", false, "call.timeout"},
		{"rcml.langauge", false, "rcml.language"},
		{"restcomm.sid", false, "restcomm.account_sid"},
		{"auth_token", false, "restcomm.auth_token"},
		{"verify.zzz", false, ""},
		{"restcom", true, "restcomm"},
		{"fraud", true, ""},
		{"polcy", true, "policy"},
		{"policy.limit_per_numbr", false, "policy.limit_per_number"},
		{"history.retension", false, "history.retention"},
	} {
		if got := ks.suggest(tt.name, tt.table); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
