package sim_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// page is the list envelope, decoded with start and end kept as they came.
type page struct {
	Page            int               `json:"page"`
	NumPages        int               `json:"num_pages"`
	PageSize        int               `json:"page_size"`
	Total           int               `json:"total"`
	Start           json.RawMessage   `json:"start"`
	End             json.RawMessage   `json:"end"`
	URI             string            `json:"uri"`
	FirstPageURI    string            `json:"first_page_uri"`
	PreviousPageURI string            `json:"previous_page_uri"`
	NextPageURI     string            `json:"next_page_uri"`
	LastPageURI     string            `json:"last_page_uri"`
	Calls           []json.RawMessage `json:"calls"`
}

func (h *harness) list(query string) (int, page, []map[string]any) {
	h.t.Helper()
	rec := h.do(http.MethodGet, h.callsURL()+query, nil)
	if rec.Code != http.StatusOK {
		return rec.Code, page{}, nil
	}
	var p page
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		h.t.Fatalf("list envelope: %v: %s", err, rec.Body.String())
	}
	var calls []map[string]any
	for _, c := range p.Calls {
		calls = append(calls, decodeObject(h.t, c))
	}
	return rec.Code, p, calls
}

func tos(calls []map[string]any) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c["to"].(string))
	}
	return out
}

func TestListPaging(t *testing.T) {
	h := newHarness(t)
	numbers := []string{"+12025550120", "+12025550121", "+447700900122", "+12025550123", "+447700900124"}
	for _, n := range numbers {
		h.createSID(n, nil)
		h.at(h.clk.Now().Sub(epoch()) + time.Second) // distinct creation times
	}
	acct := h.srv.AccountSID()
	link := func(p int) string {
		return "/2012-04-24/Accounts/" + acct + "/Calls.json?Page=" + strconv.Itoa(p) + "&PageSize=2"
	}

	code, p0, calls := h.list("?PageSize=2")
	if code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	if p0.Page != 0 || p0.NumPages != 2 || p0.PageSize != 2 || p0.Total != 5 {
		t.Fatalf("envelope %+v (num_pages is the last page index)", p0)
	}
	if string(p0.Start) != `"0"` || string(p0.End) != `"1"` {
		t.Fatalf("start %s end %s, want the strings \"0\" and \"1\"", p0.Start, p0.End)
	}
	if p0.PreviousPageURI != "null" || p0.NextPageURI != link(1) || p0.FirstPageURI != link(0) ||
		p0.LastPageURI != link(2) || p0.URI != link(0) {
		t.Fatalf("links %+v", p0)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+447700900124", "+12025550123"}) {
		t.Fatalf("page 0 %v, want newest first", got)
	}

	_, p1, calls := h.list("?Page=1&PageSize=2")
	if string(p1.Start) != `"2"` || string(p1.End) != `"3"` || p1.PreviousPageURI != link(0) || p1.NextPageURI != link(2) {
		t.Fatalf("page 1 %+v", p1)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+447700900122", "+12025550121"}) {
		t.Fatalf("page 1 %v", got)
	}

	_, p2, calls := h.list("?Page=2&PageSize=2")
	if string(p2.Start) != `"4"` || string(p2.End) != `"4"` || p2.NextPageURI != "null" || p2.PreviousPageURI != link(1) {
		t.Fatalf("page 2 %+v", p2)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+12025550120"}) {
		t.Fatalf("page 2 %v", got)
	}

	if raw := h.do(http.MethodGet, h.callsURL()+"?PageSize=2", nil).Body.String(); !strings.Contains(raw,
		`"next_page_uri":"`+link(1)+`"`) {
		t.Fatalf("links are not written plainly: %s", raw)
	}
	rec := h.do(http.MethodGet, h.callsURL()+"?Page=3&PageSize=2", nil)
	if rec.Code != http.StatusBadRequest || rec.Body.Len() != 0 {
		t.Fatalf("page past the end: HTTP %d %q, want 400 empty", rec.Code, rec.Body.String())
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=-1", nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("negative page: HTTP %d", rec.Code)
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=one", nil); rec.Code != http.StatusInternalServerError {
		t.Fatalf("non-integer page: HTTP %d", rec.Code)
	}

	// Following next_page_uri from the base URL walks every call exactly once.
	var walked []string
	for q := "?PageSize=2"; ; {
		_, p, calls := h.list(q)
		walked = append(walked, tos(calls)...)
		if p.NextPageURI == "null" {
			break
		}
		u, err := url.Parse(p.NextPageURI)
		if err != nil {
			t.Fatal(err)
		}
		q = "?" + u.RawQuery
	}
	if len(walked) != 5 {
		t.Fatalf("walked %v", walked)
	}

	_, all, calls := h.list("")
	if all.PageSize != 50 || all.NumPages != 0 || len(calls) != 5 || string(all.End) != `"4"` {
		t.Fatalf("default page %+v", all)
	}
}

func TestListEmpty(t *testing.T) {
	h := newHarness(t)
	rec := h.do(http.MethodGet, h.callsURL(), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d", rec.Code)
	}
	m := decodeObject(t, rec.Body.Bytes())
	if calls, ok := m["calls"].([]any); !ok || len(calls) != 0 {
		t.Fatalf("calls %v, want an empty array", m["calls"])
	}
	if m["total"] != 0.0 || m["num_pages"] != 0.0 || m["next_page_uri"] != "null" || m["start"] != "0" {
		t.Fatalf("envelope %v", m)
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=1", nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("page 1 of nothing: HTTP %d", rec.Code)
	}
}

func TestListFilters(t *testing.T) {
	h := newHarness(t)
	h.createSID("+12025550120", url.Values{"From": {"447418340465"}})
	h.createSID("+12025550129", url.Values{"From": {"447418340466"}})
	h.createSID("+447700900120", url.Values{"From": {"447418340465"}})
	h.at(time.Second) // the 9 is NOT_FOUND by now, the others ring

	cases := []struct {
		query string
		want  []string
	}{
		{"?To=0120", []string{"+447700900120", "+12025550120"}},
		{"?To=%2B12025550120", []string{"+12025550120"}},
		{"?To=1202555", nil}, // not the end of the number
		{"?From=0466", []string{"+12025550129"}},
		{"?From=465&To=5550120", []string{"+12025550120"}},
		{"?Status=not-found", []string{"+12025550129"}},
		{"?Status=NOT_FOUND", []string{"+12025550129"}},
		{"?Status=ringing", []string{"+447700900120", "+12025550120"}},
		{"?Status=completed", nil},
		{"?StartTime=2017-06-30", []string{"+447700900120", "+12025550129", "+12025550120"}},
		{"?StartTime=2017-07-01", nil},
	}
	for _, tc := range cases {
		code, p, calls := h.list(tc.query)
		if code != http.StatusOK {
			t.Errorf("%s: HTTP %d", tc.query, code)
			continue
		}
		if got := tos(calls); !slices.Equal(got, tc.want) || p.Total != len(tc.want) {
			t.Errorf("%s: %v (total %d), want %v", tc.query, got, p.Total, tc.want)
		}
	}

	// A day later only the new call is on or after the new day.
	h.at(24 * time.Hour)
	h.createSID("+12025550121", nil)
	if _, _, calls := h.list("?StartTime=2017-07-01"); !slices.Equal(tos(calls), []string{"+12025550121"}) {
		t.Errorf("StartTime next day: %v", tos(calls))
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?StartTime=30/06/2017", nil); rec.Code != http.StatusBadRequest {
		t.Errorf("bad StartTime: HTTP %d", rec.Code)
	}

	// Links keep the filters so paging through a filtered list stays filtered.
	_, p, _ := h.list("?To=0120&PageSize=1")
	u, _ := url.Parse(p.NextPageURI)
	if u.Query().Get("To") != "0120" || u.Query().Get("Page") != "1" {
		t.Errorf("next_page_uri %q lost the filter", p.NextPageURI)
	}
}
