package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flashcall/flashcall/internal/stats/statstest"
	"github.com/flashcall/flashcall/internal/store"
)

// reportHome is a home whose history holds statstest's hand-counted day, with the clock's zone UTC.
func reportHome(t *testing.T) *home {
	t.Helper()
	h := newHome(t)
	h.env = append(h.env, "TZ=UTC")
	st, err := store.Open(context.Background(), filepath.Join(h.dir, ".local/share/flashcall/history.db"))
	if err != nil {
		t.Fatal(err)
	}
	statstest.Seed(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestReportFigures: `flashcall report` prints the hand-counted figures of the seeded day as CSV, JSON and a
// table, the same as the dashboard's code counts them, with caller IDs as ranges and no phone number.
func TestReportFigures(t *testing.T) {
	h := reportHome(t)
	span := []string{"--since", "2026-11-30", "--until", "2026-12-01"}
	out, stderr, code := h.run(t, "", append([]string{"report", "--by", "country", "--format", "csv"}, span...)...)
	wantCSV := "country,verifications,verified,verified_rate,calls,ended,delivered,delivered_rate,answered,answered_rate,blocked,locked\n" +
		"GB,4,2,0.5000,6,5,4,0.8000,1,0.2000,0,1\n" +
		"FR,1,0,0.0000,1,1,0,0.0000,0,0.0000,1,0\n" +
		"total,5,2,0.4000,7,6,4,0.6667,1,0.1667,1,1\n"
	if code != 0 || out != wantCSV {
		t.Fatalf("report --format csv (exit %d, %s):\n%s\nwant\n%s", code, stderr, out, wantCSV)
	}

	out, _, code = h.run(t, "", append([]string{"report", "--by", "cli", "--format", "json"}, span...)...)
	var got struct {
		By                string  `json:"by"`
		MedianToVerifiedS float64 `json:"median_to_verified_s"`
		Total             struct {
			Verifications, Calls, Delivered, Answered, Blocked, Locked int
		} `json:"total"`
		Rows []struct {
			Key   string `json:"key"`
			Calls int    `json:"calls"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("report --format json (exit %d, %v):\n%s", code, err, out)
	}
	if got.By != "cli" || got.MedianToVerifiedS != 120 || got.Total.Verifications != 5 || got.Total.Calls != 7 ||
		got.Total.Delivered != 4 || got.Total.Answered != 1 || got.Total.Blocked != 1 || got.Total.Locked != 1 {
		t.Errorf("JSON figures: %+v", got)
	}
	var keys []string
	for _, r := range got.Rows {
		keys = append(keys, r.Key)
	}
	if strings.Join(keys, " ") != "+44741834•••• +3370000•••• +44741835•••• none" || got.Rows[0].Calls != 3 {
		t.Errorf("caller-ID rows %v (%+v), want the three ranges by volume, then none", keys, got.Rows)
	}

	out, _, code = h.run(t, "", append([]string{"report", "--by", "operator"}, span...)...)
	for _, want := range []string{"verifications started  5", "verified 2 (40.0%)", "delivered 4 of 6 ended (66.7%)",
		"answered 1 (16.7%)", "median time to verified 2m0s", "alice", "bob"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("table (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	for _, text := range []string{out, wantCSV} {
		if strings.Contains(text, "7400100") || strings.Contains(text, "600100") || strings.Contains(text, "SHA256") {
			t.Errorf("the report shows a number or a key fingerprint:\n%s", text)
		}
	}
}

// TestReportFlags: a bad flag says which and what it accepts, with the usage exit code.
func TestReportFlags(t *testing.T) {
	h := reportHome(t)
	for args, want := range map[string]string{
		"--by country-code":                     `"country-code" is not a breakdown: use one of country, cli, operator, hour, day, line-type, result`,
		"--format xml":                          `--format must be table, csv or json, not "xml"`,
		"--since yesterday":                     `--since "yesterday": use YYYY-MM-DD or an RFC 3339 time`,
		"--until 2026-13-01":                    `--until "2026-13-01": use YYYY-MM-DD`,
		"--since 2026-12-01 --until 2026-11-30": "is not before --until",
		"extra":                                 `unexpected argument "extra"`,
	} {
		_, stderr, code := h.run(t, "", append([]string{"report"}, strings.Fields(args)...)...)
		if code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("report %s: exit %d, %q; want %q", args, code, stderr, want)
		}
	}
}
