package sim_test

// Listing calls from the simulator with the restcomm client: paging, filters and pages that move.

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/flashcall/flashcall/restcomm"
)

func TestClientListCalls(t *testing.T) {
	e := newSimEnv(t)
	c := e.client()
	ctx := t.Context()

	// Seven calls, one second apart: digits 0, 0, 7, 0, 7, 0, 8 after distinct prefixes; two callers.
	numbers := []string{"+447700900110", "+447700900120", "+447700900137", "+12025550140", "+12025550157",
		"+12025550160", "+12025550178"}
	var created []string
	for i, to := range numbers {
		e.at(time.Duration(i) * time.Second)
		p := params(to)
		if i%2 == 1 {
			p.From = "+15551230000"
		}
		created = append(created, create(t, c, p).SID)
	}
	e.at(30 * time.Second) // everything has ended
	newestFirst := slices.Clone(created)
	slices.Reverse(newestFirst)

	list := func(f restcomm.ListFilter) []restcomm.Call {
		t.Helper()
		var out []restcomm.Call
		for call, err := range c.ListCalls(ctx, f) {
			if err != nil {
				t.Fatalf("ListCalls(%+v): %v", f, checkErr(t, err))
			}
			out = append(out, call)
		}
		return out
	}
	sidsOf := func(calls []restcomm.Call) []string {
		var s []string
		for _, call := range calls {
			s = append(s, call.SID)
		}
		return s
	}

	t.Run("pages", func(t *testing.T) {
		before := e.tap.lists()
		calls := list(restcomm.ListFilter{PageSize: 3})
		if got := sidsOf(calls); !slices.Equal(got, newestFirst) {
			t.Fatalf("listed\n%v\nwant (newest first, each once)\n%v", got, newestFirst)
		}
		if n := e.tap.lists() - before; n != 3 {
			t.Errorf("%d list requests for 7 calls in pages of 3, want 3", n)
		}
		for i := 1; i < len(calls); i++ {
			if !calls[i].DateCreated.Before(calls[i-1].DateCreated) {
				t.Errorf("call %d created %v, not before %v", i, calls[i].DateCreated, calls[i-1].DateCreated)
			}
		}
		p, err := c.ListCallsPage(ctx, restcomm.ListFilter{PageSize: 3}, 2)
		if err != nil {
			t.Fatal(err)
		}
		// The last page's end is exclusive: 6 + 1 call.
		if p.Page != 2 || p.NumPages != 2 || p.PageSize != 3 || p.Total != 7 || p.Start != 6 || p.End != 7 ||
			p.NextPageURI != "" || p.PreviousPageURI == "" || len(p.Calls) != 1 || p.Calls[0].SID != created[0] {
			t.Errorf("last page: %+v", p)
		}
	})

	t.Run("filters", func(t *testing.T) {
		cases := []struct {
			name string
			f    restcomm.ListFilter
			want []string
		}{
			{"To suffix", restcomm.ListFilter{To: "900120"}, []string{created[1]}},
			{"To country prefix is not a suffix", restcomm.ListFilter{To: "+4477"}, nil},
			{"To full number", restcomm.ListFilter{To: "+12025550157"}, []string{created[4]}},
			{"From suffix", restcomm.ListFilter{From: "1230000", PageSize: 2}, []string{created[5], created[3], created[1]}},
			// Status is LIKE on the raw stored spelling: the normalised "busy" or "failed" matches nothing,
			// the lower-case "canceled" of a rung-out call does.
			{"Status canceled", restcomm.ListFilter{Status: restcomm.StatusCanceled, PageSize: 2},
				[]string{created[5], created[3], created[1], created[0]}},
			{"Status busy", restcomm.ListFilter{Status: restcomm.StatusBusy}, nil},
			{"Status BUSY as stored", restcomm.ListFilter{Status: "BUSY"}, []string{created[4], created[2]}},
			{"Status failed", restcomm.ListFilter{Status: restcomm.StatusFailed, From: "340465"}, nil},
			{"Status FAILED and From", restcomm.ListFilter{Status: "FAILED", From: "340465"}, []string{created[6]}},
			{"StartTime that day", restcomm.ListFilter{StartTime: epoch(), PageSize: 5}, newestFirst},
			{"StartTime the next day", restcomm.ListFilter{StartTime: epoch().AddDate(0, 0, 1)}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				calls := list(tc.f)
				if got := sidsOf(calls); !slices.Equal(got, tc.want) {
					t.Fatalf("listed %v, want %v", got, tc.want)
				}
				for _, call := range calls {
					if tc.f.Status != "" && call.RawStatus != string(tc.f.Status) {
						t.Errorf("%s has status %q (%q)", call.SID, call.Status, call.RawStatus)
					}
				}
			})
		}
	})

	t.Run("page past the end", func(t *testing.T) {
		_, err := c.ListCallsPage(ctx, restcomm.ListFilter{PageSize: 3}, 3)
		ae := apiError(t, checkErr(t, err), http.StatusBadRequest)
		if ae.Message != "" {
			t.Errorf("Message %q, want empty (the body is empty)", ae.Message)
		}
	})
}

func TestClientListEndsWhenCallsLeaveTheFilter(t *testing.T) {
	e := newSimEnv(t)
	c := e.client()
	for _, to := range []string{"+12025550120", "+12025550121", "+12025550122", "+12025550123"} {
		create(t, c, params(to))
	}
	e.at(500 * ms) // all four ringing

	// Page 0 holds three ringing calls and links to page 1; by the time page 1 is asked for, no call is
	// ringing any more, so the simulator answers 400 for a page past the end: the listing simply ends. (The
	// filter is LIKE on the stored spelling, so it names RINGING as stored.)
	before := len(e.tap.requests())
	n := 0
	for call, err := range c.ListCalls(t.Context(), restcomm.ListFilter{Status: "RINGING", PageSize: 3}) {
		if err != nil {
			t.Fatalf("ListCalls: %v", err)
		}
		wantStatus(t, "listed", &call, "RINGING", restcomm.StatusRinging)
		if n++; n == 3 {
			e.at(20 * time.Second)
		}
	}
	if n != 3 {
		t.Errorf("listed %d calls, want 3", n)
	}
	reqs := e.tap.requests()[before:]
	if len(reqs) != 2 || reqs[0].Code != http.StatusOK || reqs[1].Code != http.StatusBadRequest {
		t.Fatalf("requests %+v, want page 0 (200) then page 1 (400)", reqs)
	}
}

func TestClientListKeepsGoingWhenNewCallsShiftThePages(t *testing.T) {
	e := newSimEnv(t)
	c := e.client()
	var oldest []string
	for i := range 7 {
		oldest = append(oldest, create(t, c, params("+1202555010"+strconv.Itoa(i))).SID)
	}
	slices.Reverse(oldest)

	// Three calls placed after page 0 was read push page 0's calls onto page 1: page 1 holds nothing new, yet
	// the four oldest calls are still to come on the pages after it.
	var got []string
	for call, err := range c.ListCalls(t.Context(), restcomm.ListFilter{PageSize: 3}) {
		if err != nil {
			t.Fatalf("ListCalls: %v", err)
		}
		got = append(got, call.SID)
		if len(got) == 3 {
			for i := range 3 {
				create(t, c, params("+1202555020"+strconv.Itoa(i)))
			}
		}
	}
	if !slices.Equal(got, oldest) {
		t.Fatalf("listed %d calls\n%v\nwant every call that existed when listing began, once, newest first\n%v",
			len(got), got, oldest)
	}
}
