package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/policy"
)

const realAccountFile = `[restcomm]
base_url = "https://cloud.restcomm.com/restcomm"
account_sid = "ACae6e420f425248d6a26948c17a9e2acf"
auth_token = "77f8c12cc7b8f8423e5c38b035249166"
[server]
public_url = "https://flashcall.example.com"
`

// TestRealAccountMustChooseCountries: geo permissions deny by default. A real account with an empty
// policy.allowed_countries does not start, and the message says how to fix it; listing countries or
// setting allow_all_countries on purpose does; the simulator needs neither.
func TestRealAccountMustChooseCountries(t *testing.T) {
	dir := t.TempDir()
	refused := []string{
		"policy.allowed_countries: is empty, and calls go to a real Restcomm account",
		`list the ISO codes of the countries you serve, e.g. allowed_countries = ["GB", "IE"]`,
		"or set policy.allow_all_countries = true on purpose",
	}
	for _, tt := range []struct {
		name, content string
		want          []string // nil: starts
	}{
		{"real account, no [policy]", realAccountFile, refused},
		{"real account, empty list", realAccountFile + "[policy]\nallowed_countries = []\n", refused},
		{"real account, countries listed", realAccountFile + "[policy]\nallowed_countries = [\"GB\", \"IE\"]\n", nil},
		{"real account, every country on purpose", realAccountFile + "[policy]\nallow_all_countries = true\n", nil},
		{"simulator, nothing set", "[restcomm]\nbase_url = \"sim\"\n", nil},
		{"simulator, empty file", "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := userSees(writeFile(t, dir, "c.toml", tt.content, 0o600))
			if tt.want == nil && got != "" {
				t.Fatalf("refused: %s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("message lacks %q; got:\n%s", w, got)
				}
			}
		})
	}
}

// TestGeoProblemIsOneProblem: the refusal is a *Problem keyed policy.allowed_countries, and the only one a
// sound real account without countries has.
func TestGeoProblemIsOneProblem(t *testing.T) {
	c := realConfig()
	c.Policy.AllowedCountries = nil
	err := c.Validate()
	var p *Problem
	if !errors.As(err, &p) || p.Key != "policy.allowed_countries" {
		t.Fatalf("Validate = %v", err)
	}
	if n := len(flatten(err)); n != 1 {
		t.Errorf("%d problems, want 1: %v", n, err)
	}
}

// TestPolicyRulesKnowsTheAccount: PolicyRules marks a real account, so policy.New refuses its rules too
// when no country is chosen, whoever forgets to call Validate.
func TestPolicyRulesKnowsTheAccount(t *testing.T) {
	if Default().PolicyRules(nil).RealAccount {
		t.Error("the simulator's rules claim a real account")
	}
	c := realConfig()
	r := c.PolicyRules(nil)
	if !r.RealAccount {
		t.Fatal("a real account's rules do not say so")
	}
	if _, err := policy.New(r); err != nil {
		t.Fatalf("policy.New: %v", err)
	}
	c.Policy.AllowedCountries = nil
	if _, err := policy.New(c.PolicyRules(nil)); err == nil {
		t.Error("policy.New accepted a real account with no countries")
	}
	c.Policy.AllowAllCountries = true
	c.Policy.AllowHighRisk = []string{"CU"}
	c.Policy.AllowPrefixes = []string{"+8816"}
	r = c.PolicyRules(nil)
	if !r.AllowAllCountries || strings.Join(r.AllowHighRisk, ",") != "CU" || strings.Join(r.AllowPrefixes, ",") != "+8816" ||
		strings.Join(r.HighRiskCountries, ",") != strings.Join(policy.DefaultHighRiskCountries(), ",") {
		t.Errorf("PolicyRules = %+v", r)
	}
	if _, err := policy.New(r); err != nil {
		t.Errorf("policy.New: %v", err)
	}
}
