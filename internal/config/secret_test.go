package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestSecretNeverPrints(t *testing.T) {
	const token = "77f8c12cc7b8f8423e5c38b035249166"
	c := Default()
	c.Restcomm.AuthToken = Secret(token)
	s := c.Restcomm.AuthToken

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10s", "%T %v", "%d"} {
		outputs = append(outputs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c),
			fmt.Sprintf(verb, c.Restcomm))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(c.Restcomm), s.String(), s.GoString())

	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))

	var tb bytes.Buffer
	if err := toml.NewEncoder(&tb).Encode(c); err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, tb.String())

	var lb bytes.Buffer
	slog.New(slog.NewTextHandler(&lb, nil)).Info("x", "token", s, "restcomm", c.Restcomm)
	slog.New(slog.NewJSONHandler(&lb, nil)).Info("x", "token", s, "config", c)
	outputs = append(outputs, lb.String())

	for _, out := range outputs {
		if strings.Contains(out, token) || strings.Contains(out, token[:8]) {
			t.Errorf("output shows the token: %s", out)
		}
	}
	// And the mask is there instead, so the tests above are not vacuous.
	for _, out := range []string{fmt.Sprintf("%v", s), fmt.Sprintf("%+v", c), string(j), tb.String(), lb.String()} {
		if !strings.Contains(out, "********") {
			t.Errorf("output lacks the mask: %s", out)
		}
	}
	if got := fmt.Sprintf("%#v", s); got != `"********"` {
		t.Errorf("%%#v = %s", got)
	}
	if s.Reveal() != token {
		t.Errorf("Reveal() = %q", s.Reveal())
	}
}

func TestEmptySecretPrintsEmpty(t *testing.T) {
	var s Secret
	if got := fmt.Sprintf("%v|%s|%q", s, s, s); got != `||""` {
		t.Errorf("empty secret prints %s", got)
	}
	if j, _ := json.Marshal(s); string(j) != `""` {
		t.Errorf("empty secret marshals to %s", j)
	}
}
