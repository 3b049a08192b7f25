package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// getenvOf reads a variable from an environment list such as home.env.
func getenvOf(envList []string) func(string) string {
	return func(key string) string {
		for i := len(envList) - 1; i >= 0; i-- {
			if k, v, ok := strings.Cut(envList[i], "="); ok && k == key {
				return v
			}
		}
		return ""
	}
}

// runInProcess runs one subcommand in this process (so the race detector sees it) with h's environment.
func (h *home) runInProcess(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), env{args: args, stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: getenvOf(h.env)})
	return out.String(), errb.String(), code
}

// doctorLines splits the doctor's output and checks every line has one of the four prefixes.
func doctorLines(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "ok   "), strings.HasPrefix(l, "warn "), strings.HasPrefix(l, "FAIL "),
			strings.HasPrefix(l, "note "):
		default:
			t.Errorf("line without an ok/warn/FAIL/note prefix: %q", l)
		}
	}
	return lines
}

func linesWith(lines []string, prefix, part string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, part) {
			n++
		}
	}
	return n
}

func TestDoctorEndToEndWithTheSimulator(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "")
	runs := map[string]func(t *testing.T, args ...string) (string, string, int){
		"binary":     func(t *testing.T, args ...string) (string, string, int) { return h.run(t, "", args...) },
		"in-process": h.runInProcess,
	}
	for name, runDoctorCmd := range runs {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runDoctorCmd(t, "doctor", "--config", cfg)
			if code != exitOK {
				t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			lines := doctorLines(t, out)
			for _, want := range []struct{ prefix, part string }{
				{"ok   ", "configuration: " + cfg},
				{"ok   ", "credentials: SIMULATOR accepted account"},
				{"ok   ", "RCML document: http://127.0.0.1:"},
				{"ok   ", "/rcml.xml serves a valid document (GET, HTTP 200 text/xml; about 2.5 s of speech, under the ring Timeout of 10 s)"},
				{"note ", "outboudproxy-user-at-from-header"},
				{"note ", "must be false: when on, callees see the proxy user instead of your From"},
				{"note ", "normalize-numbers-for-outbound-calls"},
				{"note ", "flashcall sends From with a leading + so it survives: check the caller ID shown on a test call"},
			} {
				if linesWith(lines, want.prefix, want.part) != 1 {
					t.Errorf("want one %q line with %q in:\n%s", want.prefix, want.part, out)
				}
			}
			if linesWith(lines, "FAIL ", "") != 0 || linesWith(lines, "warn ", "") != 0 {
				t.Errorf("the default configuration has failures or warnings:\n%s", out)
			}
			if strings.Contains(out+errOut, sim.DefaultAuthToken) {
				t.Error("the auth token is printed")
			}
		})
	}
}

func TestDoctorExplainsABrokenRCMLDocument(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte(rcml.Declaration + `<Response><Say language="en-GB">` +
			strings.Repeat("Your code is one two three four. ", 6) + `</Say></Response>`))
	}))
	defer doc.Close()
	path := filepath.Join(h.dir, "broken.toml")
	body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
		"[call]\nrcml_url = \"" + doc.URL + "/rcml.xml?key=hidden1234\"\nrcml_method = \"GET\"\ntimeout = 10\n" +
		"[server]\nlisten = \"127.0.0.1:0\"\n[policy]\nallowed_countries = [\"GB\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env, "FLASHCALL_AUTH_TOKEN="+sim.DefaultAuthToken)

	out, errOut, code := h.runInProcess(t, "doctor", "--config", path)
	if code != exitNotDone {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitNotDone, out, errOut)
	}
	lines := doctorLines(t, out)
	where := "FAIL RCML document at " + doc.URL + "/rcml.xml?…: "
	for _, want := range []struct{ prefix, part string }{
		{"ok   ", "credentials: 127.0.0.1"},
		{where, "query string (?key) and Restcomm drops it when it fetches with GET: put it in the path"},
		{where, "Content-Type text/plain with a Content-Length: Restcomm fails the call: serve the document as text/xml"},
		{where, "about 13.1 s of speech (197 characters at 15 a second) is not shorter than the ring Timeout of 10 s"},
		{"warn ", `language "en-GB" must be lower case: use "en-gb"`},
		{"note ", "status callbacks are off"},
		{"note ", "outboudproxy-user-at-from-header"},
		{"note ", "normalize-numbers-for-outbound-calls"},
	} {
		if linesWith(lines, want.prefix, want.part) != 1 {
			t.Errorf("want one %q line with %q in:\n%s", want.prefix, want.part, out)
		}
	}
	if n := linesWith(lines, "FAIL ", ""); n != 3 {
		t.Errorf("%d FAIL lines, want 3:\n%s", n, out)
	}
	if linesWith(lines, "ok   ", "RCML document") != 0 {
		t.Errorf("an ok line for a broken document:\n%s", out)
	}
	if strings.Contains(out+errOut, sim.DefaultAuthToken) || strings.Contains(out, "hidden1234") {
		t.Errorf("a secret is printed:\n%s", out)
	}
}

// TestDoctorPrintsTheGuessOddsOfEveryPool: doctor prints, for call.from and each call.from_by_country pool,
// the chance that a guess passes a verification; a weak pool is a note on the simulator.
func TestDoctorPrintsTheGuessOddsOfEveryPool(t *testing.T) {
	h := newHome(t)
	cfg := h.fastConfig(t, "[call.from_by_country]\nUS = [\"+12025550000-+12025559999\"]\ngb = [\"447418340465\"]\n")
	out, errOut, code := h.runInProcess(t, "doctor", "--config", cfg)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := doctorLines(t, out)
	for _, want := range []struct{ prefix, part string }{
		{"ok   ", "caller IDs call.from: 10,000 numbers in 1 range, 10,000 distinct 4-digit codes: a guess passes " +
			"1 in 3,333 per verification (verify.max_checks = 3)"},
		{"ok   ", "caller IDs call.from_by_country.US: 10,000 numbers in 1 range, 10,000 distinct 4-digit codes: " +
			"a guess passes 1 in 3,333 per verification"},
		{"note ", "caller IDs call.from_by_country.GB: 1 number, 1 distinct 4-digit code: a guess passes 1 in 1 " +
			"per verification (verify.max_checks = 3), above 1 in 1,000: fine for the simulator; with a real " +
			"account use a bigger caller-ID range in call.from_by_country.GB"},
	} {
		if linesWith(lines, want.prefix, want.part) != 1 {
			t.Errorf("want one %q line with %q in:\n%s", want.prefix, want.part, out)
		}
	}
	if n := linesWith(lines, "", "caller IDs "); n != 3 {
		t.Errorf("%d caller-ID lines, want 3 (one per pool):\n%s", n, out)
	}
	if linesWith(lines, "warn ", "") != 0 || linesWith(lines, "FAIL ", "") != 0 {
		t.Errorf("the simulator's pools give warnings or failures:\n%s", out)
	}
}

// TestDoctorWarnsAboutAGuessablePoolOfARealAccount: a real account (a standalone simulator behind a real
// base URL) whose pools are weak but allowed gets a warn line per weak pool with the figure and the fix,
// an ok line for the strong one, and the configuration warning on stderr; warnings do not fail the doctor.
func TestDoctorWarnsAboutAGuessablePoolOfARealAccount(t *testing.T) {
	h := newHome(t)
	addr := startSim(t, h)
	doc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(rcml.Declaration + `<Response><Say voice="woman" language="en-gb">` +
			`Your phone number has been confirmed.</Say></Response>`))
	}))
	defer doc.Close()
	path := filepath.Join(h.dir, "weak.toml")
	body := "[restcomm]\nbase_url = \"http://" + addr + "/restcomm\"\naccount_sid = \"" + sim.DefaultAccountSID + "\"\n" +
		"[call]\nrcml_url = \"" + doc.URL + "/rcml.xml\"\nrcml_method = \"GET\"\ntimeout = 10\n" +
		"from = [\"+447418340000-+447418340999\"]\naccept_guessable_codes = true\n" +
		"[call.from_by_country]\nUS = [\"+12025550000-+12025550019\"]\nFR = [\"+33612340000-+33612349999\"]\n" +
		"[server]\nlisten = \"127.0.0.1:0\"\n[policy]\nallowed_countries = [\"GB\", \"US\", \"FR\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = append(h.env, "FLASHCALL_AUTH_TOKEN="+sim.DefaultAuthToken)

	out, errOut, code := h.runInProcess(t, "doctor", "--config", path)
	if code != exitOK {
		t.Fatalf("exit %d, want 0 (warnings do not fail)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := doctorLines(t, out)
	for _, want := range []struct{ prefix, part string }{
		{"warn ", "caller IDs call.from: 1,000 numbers in 1 range, 1,000 distinct 4-digit codes: a guess passes " +
			"1 in 333 per verification (verify.max_checks = 3), above 1 in 1,000: use a bigger caller-ID range in " +
			"call.from: 3,000 distinct codes or more keep it at 1 in 1,000 or better, and 10,000 consecutive " +
			"numbers such as \"+447418340000-+447418349999\" give every code"},
		{"ok   ", "caller IDs call.from_by_country.FR: 10,000 numbers in 1 range, 10,000 distinct 4-digit codes: " +
			"a guess passes 1 in 3,333 per verification"},
		{"warn ", "caller IDs call.from_by_country.US: 20 numbers in 1 range, 20 distinct 4-digit codes: a guess " +
			"passes 1 in 6.7 per verification"},
		{"warn ", "use a bigger caller-ID range in call.from_by_country.US"},
	} {
		if linesWith(lines, want.prefix, want.part) != 1 {
			t.Errorf("want one %q line with %q in:\n%s", want.prefix, want.part, out)
		}
	}
	for _, want := range []string{
		"flashcall: warning: call.from gives 1,000 distinct 4-digit codes (1,000 numbers in 1 range)",
		"flashcall: warning: call.from_by_country.US (calls to US) gives 20 distinct 4-digit codes",
		"(it starts only because call.accept_guessable_codes = true)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "call.from_by_country.FR") {
		t.Errorf("the strong FR pool is warned about:\n%s", errOut)
	}
	if strings.Contains(out+errOut, sim.DefaultAuthToken) {
		t.Error("the auth token is printed")
	}
}
