package restcomm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pagerQuirks changes how listingHandler deviates from a well-behaved
// Restcomm, to exercise each stop condition on its own.
type pagerQuirks struct {
	neverNullNext bool // next_page_uri is never "null"
	omitNumPages  bool // no num_pages key
	emptyPastEnd  bool // a page past the end is 200 with no calls, not 400
}

// pagedSID is the SID of the i-th newest call in a listing.
func pagedSID(i int) string { return fmt.Sprintf("CA%032d", i) }

// listingHandler serves total calls the way Restcomm's CallsEndpoint does:
// start/end as strings, num_pages = last page index, "null" links, 400 with
// an empty body past the end.
func listingHandler(t testing.TB, total int, q pagerQuirks) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != callsPath || r.Method != http.MethodGet {
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
		page, err := strconv.Atoi(r.URL.Query().Get("Page"))
		if err != nil {
			t.Errorf("Page = %q", r.URL.Query().Get("Page"))
		}
		size := 50
		if s := r.URL.Query().Get("PageSize"); s != "" {
			size, _ = strconv.Atoi(s)
		}
		last := 0
		if total > 0 {
			last = (total - 1) / size
		}
		if page > last && !q.emptyPastEnd {
			send(w, http.StatusBadRequest, "", "")
			return
		}
		start := min(page*size, total)
		end := min(start+size, total)
		calls := make([]string, 0, end-start)
		for i := start; i < end; i++ {
			calls = append(calls, callJSON(pagedSID(i), "completed"))
		}
		link := func(p int) string {
			return fmt.Sprintf(`"/2012-04-24/Accounts/%s/Calls.json?Page=%d&PageSize=%d"`, testAccount, p, size)
		}
		prev, next := `"null"`, `"null"`
		if page > 0 {
			prev = link(page - 1)
		}
		if page < last || q.neverNullNext {
			next = link(page + 1)
		}
		numPages := fmt.Sprintf(`"num_pages":%d,`, last)
		if q.omitNumPages {
			numPages = ""
		}
		body := fmt.Sprintf(`{"page":%d,%s"page_size":%d,"total":%d,"start":"%d","end":"%d","uri":%s,`+
			`"first_page_uri":%s,"previous_page_uri":%s,"next_page_uri":%s,"last_page_uri":%s,"calls":[%s]}`,
			page, numPages, size, total, start, max(end-1, start), link(page), link(0), prev, next, link(last),
			strings.Join(calls, ","))
		send(w, http.StatusOK, "application/json", body)
	}
}

// collect runs the iterator to the end.
func collect(t testing.TB, c *Client, f ListFilter) ([]string, error) {
	t.Helper()
	var sids []string
	for call, err := range c.ListCalls(context.Background(), f) {
		if err != nil {
			return sids, err
		}
		sids = append(sids, call.SID)
	}
	return sids, nil
}

// wantSIDs checks that sids are the newest n paged SIDs, in order.
func wantSIDs(t testing.TB, sids []string, n int) {
	t.Helper()
	if len(sids) != n {
		t.Fatalf("got %d calls, want %d", len(sids), n)
	}
	for i, sid := range sids {
		if sid != pagedSID(i) {
			t.Fatalf("call %d is %s, want %s", i, sid, pagedSID(i))
		}
	}
}

func TestListCallsPageEnvelopeQuirks(t *testing.T) {
	srv := newFake(t, listingHandler(t, 7, pagerQuirks{}))
	c := newClient(t, srv.base())
	p, err := c.ListCallsPage(context.Background(), ListFilter{PageSize: 3}, 1)
	if err != nil {
		t.Fatal(err)
	}
	link := func(n int) string {
		return fmt.Sprintf("/2012-04-24/Accounts/%s/Calls.json?Page=%d&PageSize=3", testAccount, n)
	}
	want := Page{
		Page: 1, NumPages: 2, PageSize: 3, Total: 7, Start: 3, End: 5,
		URI: link(1), FirstPageURI: link(0), PreviousPageURI: link(0), NextPageURI: link(2), LastPageURI: link(2),
	}
	got := *p
	got.Calls, got.numPagesSet = nil, false
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page =\n%+v\nwant\n%+v", got, want)
	}
	if len(p.Calls) != 3 || p.Calls[0].SID != pagedSID(3) || p.Calls[0].Status != StatusCompleted {
		t.Errorf("calls = %+v", p.Calls)
	}

	first, err := c.ListCallsPage(context.Background(), ListFilter{PageSize: 3}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if first.PreviousPageURI != "" {
		t.Errorf(`"null" previous link = %q, want ""`, first.PreviousPageURI)
	}
	lastPage, err := c.ListCallsPage(context.Background(), ListFilter{PageSize: 3}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if lastPage.NextPageURI != "" || len(lastPage.Calls) != 1 {
		t.Errorf(`last page: next %q, %d calls`, lastPage.NextPageURI, len(lastPage.Calls))
	}

	_, err = c.ListCallsPage(context.Background(), ListFilter{PageSize: 3}, 3)
	var apiErr *APIError
	if !errors.As(checkErr(t, err), &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		t.Errorf("past the end: want an APIError 400, got %v", err)
	}
}

func TestListCallsPageSendsFilter(t *testing.T) {
	srv := newFake(t, listingHandler(t, 0, pagerQuirks{}))
	c := newClient(t, srv.base())
	f := ListFilter{
		To: "+447700900123", From: "5065", Status: StatusNoAnswer, PageSize: 20,
		StartTime: time.Date(2017, 7, 1, 23, 30, 0, 0, time.FixedZone("", -5*3600)),
	}
	if _, err := c.ListCallsPage(context.Background(), f, 0); err != nil {
		t.Fatal(err)
	}
	want := url.Values{
		"Page": {"0"}, "PageSize": {"20"}, "To": {"+447700900123"}, "From": {"5065"},
		"Status": {"no-answer"}, "StartTime": {"2017-07-01"},
	}
	if got := srv.last(t).Query; !reflect.DeepEqual(got, want) {
		t.Errorf("query = %v, want %v", got, want)
	}
	if _, err := c.ListCallsPage(context.Background(), ListFilter{}, 0); err != nil {
		t.Fatal(err)
	}
	if got := srv.last(t).RawQuery; got != "Page=0" {
		t.Errorf("empty filter sent %q", got)
	}
	for _, bad := range []struct {
		f    ListFilter
		page int
	}{{ListFilter{}, -1}, {ListFilter{PageSize: -1}, 0}} {
		if _, err := c.ListCallsPage(context.Background(), bad.f, bad.page); checkErr(t, err) == nil {
			t.Error("want an error")
		}
	}
}

func TestListCallsIteratesEveryPage(t *testing.T) {
	for _, tc := range []struct {
		name         string
		total, size  int
		q            pagerQuirks
		wantRequests int64
	}{
		{"one short page", 2, 3, pagerQuirks{}, 1},
		{"exact pages", 9, 3, pagerQuirks{}, 3},
		{"ragged last page", 10, 3, pagerQuirks{}, 4},
		{"default page size", 120, 0, pagerQuirks{}, 3},
		{"empty", 0, 3, pagerQuirks{}, 1},
		{"null link is enough", 10, 3, pagerQuirks{omitNumPages: true}, 4},
		{"num_pages is enough", 10, 3, pagerQuirks{neverNullNext: true}, 4},
		{"400 past the end ends it", 10, 3, pagerQuirks{neverNullNext: true, omitNumPages: true}, 5},
		{"empty page ends it", 9, 3, pagerQuirks{neverNullNext: true, omitNumPages: true, emptyPastEnd: true}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, listingHandler(t, tc.total, tc.q))
			c := newClient(t, srv.base())
			sids, err := collect(t, c, ListFilter{PageSize: tc.size})
			if err != nil {
				t.Fatal(err)
			}
			wantSIDs(t, sids, tc.total)
			if n := srv.count.Load(); n != tc.wantRequests {
				t.Errorf("%d requests, want %d", n, tc.wantRequests)
			}
		})
	}
}

func TestListCallsStopsWhenTheCallerDoes(t *testing.T) {
	srv := newFake(t, listingHandler(t, 100, pagerQuirks{}))
	c := newClient(t, srv.base())
	n := 0
	for call, err := range c.ListCalls(context.Background(), ListFilter{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if call.SID != pagedSID(n) {
			t.Fatalf("call %d is %s", n, call.SID)
		}
		if n++; n == 15 {
			break
		}
	}
	if got := srv.count.Load(); got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
}

func TestListCallsYieldsShiftedCallsOnce(t *testing.T) {
	// A new call arrives between page 0 and page 1, pushing call 2 onto page 1.
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		var body string
		switch r.URL.Query().Get("Page") {
		case "0":
			body = `{"page":0,"num_pages":1,"next_page_uri":"/x?Page=1","calls":[` +
				callJSON(pagedSID(0), "completed") + "," + callJSON(pagedSID(1), "completed") + `]}`
		case "1":
			body = `{"page":1,"num_pages":1,"next_page_uri":"null","calls":[` +
				callJSON(pagedSID(1), "completed") + "," + callJSON(pagedSID(2), "completed") + `]}`
		default:
			t.Errorf("page %s requested", r.URL.Query().Get("Page"))
		}
		send(w, http.StatusOK, "application/json", body)
	})
	sids, err := collect(t, newClient(t, srv.base()), ListFilter{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantSIDs(t, sids, 3)
}

func TestListCallsStopsOnARepeatedPage(t *testing.T) {
	// A server that ignores Page would loop for ever.
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json", `{"page":0,"next_page_uri":"/again","calls":[`+callJSON(pagedSID(0), "BUSY")+`]}`)
	})
	sids, err := collect(t, newClient(t, srv.base()), ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantSIDs(t, sids, 1)
	if n := srv.count.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestListCallsKeepsGoingPastAPageOfShiftedCalls(t *testing.T) {
	// Two new calls arrive after page 0 was read: page 1 repeats page 0, and
	// the oldest call is still to come on page 2.
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("Page")
		calls := callJSON(pagedSID(0), "completed") + "," + callJSON(pagedSID(1), "completed")
		next := `"/x?Page=` + page + `1"`
		switch page {
		case "2":
			calls, next = callJSON(pagedSID(2), "completed"), `"null"`
		case "0", "1":
		default:
			t.Errorf("page %s requested", page)
		}
		send(w, http.StatusOK, "application/json",
			`{"page":`+page+`,"num_pages":2,"next_page_uri":`+next+`,"calls":[`+calls+`]}`)
	})
	sids, err := collect(t, newClient(t, srv.base()), ListFilter{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantSIDs(t, sids, 3)
	if n := srv.count.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestListCallsStopsWhenPageIsIgnored(t *testing.T) {
	// num_pages promises many pages, but every reply is page 0.
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		send(w, http.StatusOK, "application/json",
			`{"page":0,"num_pages":1000,"next_page_uri":"/again","calls":[`+callJSON(pagedSID(0), "BUSY")+`]}`)
	})
	sids, err := collect(t, newClient(t, srv.base()), ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	wantSIDs(t, sids, 1)
	if n := srv.count.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestListCallsYieldsErrorsOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler func(page string, w http.ResponseWriter)
		want    int // calls before the error
		check   func(error) bool
	}{
		{"401 on the first page", func(_ string, w http.ResponseWriter) { send(w, http.StatusUnauthorized, "", "") }, 0,
			func(err error) bool { return errors.Is(err, ErrUnauthorized) }},
		{"400 on the first page is an error", func(_ string, w http.ResponseWriter) { send(w, http.StatusBadRequest, "", "bad StartTime") }, 0,
			func(err error) bool { var e *APIError; return errors.As(err, &e) && e.StatusCode == 400 }},
		{"garbage on page 1", func(page string, w http.ResponseWriter) {
			if page == "0" {
				send(w, http.StatusOK, "application/json", `{"num_pages":3,"next_page_uri":"/n","calls":[`+callJSON(pagedSID(0), "FAILED")+`]}`)
				return
			}
			send(w, http.StatusOK, "text/html", "<html>")
		}, 1, func(err error) bool { return strings.Contains(err.Error(), "page 1") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { tc.handler(r.URL.Query().Get("Page"), w) })
			c := newClient(t, srv.base())
			calls, errs := 0, 0
			for call, err := range c.ListCalls(context.Background(), ListFilter{}) {
				if err != nil {
					errs++
					checkErr(t, err)
					if !tc.check(err) {
						t.Errorf("unexpected error %v", err)
					}
					if call.SID != "" {
						t.Error("an error comes with a zero Call")
					}
					continue
				}
				calls++
			}
			if calls != tc.want || errs != 1 {
				t.Errorf("%d calls and %d errors, want %d and 1", calls, errs, tc.want)
			}
		})
	}
}
