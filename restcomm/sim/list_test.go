package sim_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm/sim"
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
	if p.Calls == nil {
		h.t.Fatalf("list envelope without a calls array: %s", rec.Body.String())
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

// queued places n calls that stay QUEUED (last digit 4), one second apart, and returns their SIDs oldest first.
func (h *harness) queued(n int) []string {
	h.t.Helper()
	sids := make([]string, n)
	for i := range sids {
		sids[i] = h.createSID(fmt.Sprintf("+1202555%04d4", i), nil)
		h.clk.Advance(time.Second)
	}
	return sids
}

func TestListPaging(t *testing.T) {
	h := newHarness(t)
	numbers := []string{"+12025550120", "+12025550121", "+447700900122", "+12025550123", "+447700900124"}
	var sids []string
	for _, n := range numbers {
		sids = append(sids, h.createSID(n, nil))
		h.at(h.clk.Now().Sub(epoch()) + time.Second) // distinct creation times
	}
	path := "/2012-04-24/Accounts/" + h.srv.AccountSID() + "/Calls.json"
	link := func(p int) string { return fmt.Sprintf("%s?Page=%d&PageSize=2", path, p) }

	code, p0, calls := h.list("?PageSize=2")
	if code != http.StatusOK {
		t.Fatalf("HTTP %d", code)
	}
	if p0.Page != 0 || p0.NumPages != 2 || p0.PageSize != 2 || p0.Total != 5 {
		t.Fatalf("envelope %+v (num_pages is total / page_size)", p0)
	}
	if string(p0.Start) != `"0"` || string(p0.End) != `"1"` {
		t.Fatalf("start %s end %s, want the strings \"0\" and \"1\"", p0.Start, p0.End)
	}
	// uri is the bare path; the links name Page and PageSize, and next_page_uri the last SID of this page.
	if p0.URI != path || p0.PreviousPageURI != "null" || p0.NextPageURI != link(1)+"&AfterSid="+sids[3] ||
		p0.FirstPageURI != link(0) || p0.LastPageURI != link(2) {
		t.Fatalf("links %+v", p0)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+447700900124", "+12025550123"}) {
		t.Fatalf("page 0 %v, want newest first", got)
	}

	_, p1, calls := h.list("?Page=1&PageSize=2")
	if string(p1.Start) != `"2"` || string(p1.End) != `"3"` || p1.PreviousPageURI != link(0) ||
		p1.NextPageURI != link(2)+"&AfterSid="+sids[1] {
		t.Fatalf("page 1 %+v", p1)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+447700900122", "+12025550121"}) {
		t.Fatalf("page 1 %v", got)
	}

	// The last page's end is exclusive.
	_, p2, calls := h.list("?Page=2&PageSize=2")
	if string(p2.Start) != `"4"` || string(p2.End) != `"5"` || p2.NextPageURI != "null" || p2.PreviousPageURI != link(1) {
		t.Fatalf("page 2 %+v", p2)
	}
	if got := tos(calls); !slices.Equal(got, []string{"+12025550120"}) {
		t.Fatalf("page 2 %v", got)
	}

	if raw := h.do(http.MethodGet, h.callsURL()+"?PageSize=2", nil).Body.String(); !strings.Contains(raw,
		`"first_page_uri":"`+link(0)+`"`) {
		t.Fatalf("links are not written plainly: %s", raw)
	}
	rec := h.do(http.MethodGet, h.callsURL()+"?Page=3&PageSize=2", nil)
	if rec.Code != http.StatusBadRequest || rec.Body.Len() != 0 {
		t.Fatalf("page past the end: HTTP %d %q, want 400 empty", rec.Code, rec.Body.String())
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=-1", nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("negative page: HTTP %d", rec.Code)
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
	if all.PageSize != 50 || all.NumPages != 0 || len(calls) != 5 || string(all.End) != `"5"` ||
		all.NextPageURI != "null" || all.LastPageURI != path+"?Page=0&PageSize=50" {
		t.Fatalf("default page %+v", all)
	}
}

func TestListTotalAMultipleOfThePageSize(t *testing.T) {
	h := newHarness(t)
	sids := h.queued(4)
	_, p1, calls := h.list("?Page=1&PageSize=2")
	// Page 1 is full and not the last: end inclusive, and a link to page 2.
	if p1.NumPages != 2 || string(p1.Start) != `"2"` || string(p1.End) != `"3"` || len(calls) != 2 ||
		!strings.HasSuffix(p1.NextPageURI, "?Page=2&PageSize=2&AfterSid="+sids[0]) {
		t.Fatalf("page 1 %+v", p1)
	}
	// Page total/size is an empty 200.
	code, p2, calls := h.list("?Page=2&PageSize=2")
	if code != http.StatusOK || len(calls) != 0 || string(p2.Start) != `"4"` || string(p2.End) != `"4"` ||
		p2.NextPageURI != "null" || !strings.HasSuffix(p2.PreviousPageURI, "?Page=1&PageSize=2") {
		t.Fatalf("page 2: HTTP %d %+v", code, p2)
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=3&PageSize=2", nil); rec.Code != http.StatusBadRequest {
		t.Fatalf("page 3: HTTP %d", rec.Code)
	}
}

func TestListStartAndEndOfTheDocumentedExample(t *testing.T) {
	// restcomm.md: 448 calls, PageSize 100, Page 4: start "400", end "448".
	h := newHarness(t)
	h.queued(448)
	_, p4, calls := h.list("?Page=4&PageSize=100")
	if p4.NumPages != 4 || string(p4.Start) != `"400"` || string(p4.End) != `"448"` || len(calls) != 48 {
		t.Fatalf("page 4 %+v with %d calls", p4, len(calls))
	}
	_, p0, _ := h.list("?Page=0&PageSize=100")
	if string(p0.Start) != `"0"` || string(p0.End) != `"99"` {
		t.Fatalf("page 0 start %s end %s", p0.Start, p0.End)
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
	if m["total"] != 0.0 || m["num_pages"] != 0.0 || m["next_page_uri"] != "null" || m["previous_page_uri"] != "null" ||
		m["start"] != "0" || m["end"] != "0" {
		t.Fatalf("envelope %v", m)
	}
	if rec := h.do(http.MethodGet, h.callsURL()+"?Page=1", nil); rec.Code != http.StatusBadRequest || rec.Body.Len() != 0 {
		t.Fatalf("page 1 of nothing: HTTP %d %q", rec.Code, rec.Body.String())
	}
}

func TestListBadPaging(t *testing.T) {
	h := newHarness(t)
	h.queued(3)
	for _, q := range []string{"?PageSize=0", "?PageSize=-1", "?PageSize=", "?PageSize=ten", "?Page=one"} {
		rec := h.do(http.MethodGet, h.callsURL()+q, nil)
		if rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(rec.Body.String(), "<html") {
			t.Errorf("%s: HTTP %d %q, want 500 with the container's error page", q, rec.Code,
				rec.Header().Get("Content-Type"))
		}
	}
	for _, q := range []string{"?StartTime=30/06/2017", "?StartTime="} {
		if rec := h.do(http.MethodGet, h.callsURL()+q, nil); rec.Code != http.StatusBadRequest || rec.Body.Len() != 0 {
			t.Errorf("%s: HTTP %d %q, want 400 empty", q, rec.Code, rec.Body.String())
		}
	}
}

func TestListFilters(t *testing.T) {
	h := newHarness(t, func(o *sim.Options) { o.Version = "8.2" }) // so NO_ANSWER is stored
	h.createSID("+12025550120", url.Values{"From": {"447418340465"}})
	h.createSID("+12025550128", url.Values{"From": {"447418340466"}})
	h.createSID("+447700900120", url.Values{"From": {"447418340465"}})
	h.createSID("+447700900130", url.Values{"From": {"447418340465"}, "Timeout": {"1"}})
	h.at(2 * time.Second) // the 8 is FAILED and the 130 NO_ANSWER by now; the others ring

	cases := []struct {
		query string
		want  []string
	}{
		{"?To=0120", []string{"+447700900120", "+12025550120"}},
		{"?To=%2B12025550120", []string{"+12025550120"}},
		{"?To=1202555", nil}, // not the end of the number
		{"?To=0_20", []string{"+447700900120", "+12025550120"}},                // "_" is any one character
		{"?To=%2B44%25120", []string{"+447700900120"}},                         // "%" is any run
		{"?To=_0", []string{"+447700900130", "+447700900120", "+12025550120"}}, // suffix "?0"
		{"?From=0466", []string{"+12025550128"}},
		{"?From=465&To=5550120", []string{"+12025550120"}},
		// Status is LIKE on the raw stored spelling.
		{"?Status=FAILED", []string{"+12025550128"}},
		{"?Status=failed", nil},
		{"?Status=NO_ANSWER", []string{"+447700900130"}},
		{"?Status=no-answer", nil},
		{"?Status=N__ANSWER", []string{"+447700900130"}}, // "_" is a wildcard in Status too
		{"?Status=RINGING", []string{"+447700900120", "+12025550120"}},
		{"?Status=ringing", nil},
		{"?Status=%25ING", []string{"+447700900120", "+12025550120"}},
		{"?Status=", nil},
		{"?Status=completed", nil},
		{"?StartTime=2017-06-30", []string{"+447700900130", "+447700900120", "+12025550128", "+12025550120"}},
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

	// The links drop every filter: following next_page_uri of a filtered list leaves the filter behind.
	_, p, _ := h.list("?To=0120&PageSize=1")
	u, _ := url.Parse(p.NextPageURI)
	if q := u.Query(); q.Get("Page") != "1" || q.Get("PageSize") != "1" || q.Get("AfterSid") == "" || q.Has("To") {
		t.Errorf("next_page_uri %q", p.NextPageURI)
	}
	if strings.Contains(p.FirstPageURI+p.LastPageURI+p.URI, "To=") {
		t.Errorf("links keep the filter: %+v", p)
	}
}

func TestListStartTimeInTheServerZone(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	// Created at 01:39 UTC on 1 July, which is still 30 June (21:39) in New York.
	for _, tc := range []struct {
		loc  *time.Location
		want []string
	}{{time.UTC, []string{"+12025550124"}}, {newYork, nil}} {
		h := newHarness(t, func(o *sim.Options) { o.Location = tc.loc })
		h.at(16 * time.Hour)
		h.createSID("+12025550124", nil)
		if _, _, calls := h.list("?StartTime=2017-07-01"); !slices.Equal(tos(calls), tc.want) {
			t.Errorf("%s: %v, want %v", tc.loc, tos(calls), tc.want)
		}
	}
}
