package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// defaultPageSize is the page size when the request names none.
const defaultPageSize = 50

// listFilter is a list request's filters, as given in the query.
type listFilter struct {
	to, from  string
	status    string
	hasStatus bool
	startTime time.Time // zero: no filter
}

// matches reports whether c passes the filters as Restcomm's SQL does: To and From are LIKE '%value' on the
// stored user part (so they match the END of the number, and "%" and "_" in the value are wildcards), Status
// is LIKE 'value' on the RAW stored spelling (no-answer does not match NO_ANSWER, nor busy BUSY), and
// StartTime keeps calls whose start_time is on or after that day in the server's zone.
func (f listFilter) matches(c *call) bool {
	if f.to != "" && !like(c.to, "%"+f.to) {
		return false
	}
	if f.from != "" && !like(c.from, "%"+f.from) {
		return false
	}
	if f.hasStatus && !like(c.status, f.status) {
		return false
	}
	if !f.startTime.IsZero() && c.start.Before(f.startTime) {
		return false
	}
	return true
}

// list handles GET .../Calls.json?Page=&PageSize=&To=&From=&Status=&StartTime=: newest first, in Restcomm's
// envelope with its quirks (CallDetailRecordListConverter): num_pages is total / page_size, start and end
// are strings, end is exclusive on the last page and inclusive on the others, the links name only Page and
// PageSize (next_page_uri adds AfterSid, which the server itself never reads), an absent link reads "null",
// a page past num_pages is 400 with an empty body, and page num_pages is an empty 200 when the total is a
// multiple of the page size.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size, ok := intParam(w, q, "PageSize", defaultPageSize)
	if !ok {
		return
	}
	page, ok := intParam(w, q, "Page", 0)
	if !ok {
		return
	}
	f := listFilter{to: q.Get("To"), from: q.Get("From")}
	if vs, ok := q["Status"]; ok {
		f.status, f.hasStatus = vs[0], true
	}
	if vs, ok := q["StartTime"]; ok {
		t, err := time.ParseInLocation(time.DateOnly, vs[0], s.loc)
		if err != nil {
			writeEmpty(w, http.StatusBadRequest) // the filter's ParseException
			return
		}
		f.startTime = t
	}
	if size <= 0 {
		// total / PageSize throws; the container answers with its error page.
		writeContainerError(w, "java.lang.ArithmeticException: / by zero")
		return
	}

	s.mu.Lock()
	var matched []*call
	for i := len(s.order) - 1; i >= 0; i-- {
		if f.matches(s.order[i]) {
			matched = append(matched, s.order[i])
		}
	}
	total := len(matched)
	numPages := total / size
	if page < 0 || page > numPages {
		s.mu.Unlock()
		writeEmpty(w, http.StatusBadRequest)
		return
	}
	first := page * size
	shown := matched[first:min(first+size, total)]
	calls := make([]wireCall, 0, len(shown))
	for _, c := range shown {
		calls = append(calls, s.wire(c))
	}
	s.mu.Unlock()

	path := callsPath(s.accountSID) + ".json"
	link := func(p int) string { return fmt.Sprintf("%s?Page=%d&PageSize=%d", path, p, size) }
	end := first + size - 1
	if page == numPages {
		end = first + len(calls)
	}
	env := wirePage{
		Page:            page,
		NumPages:        numPages,
		PageSize:        size,
		Total:           total,
		Start:           strconv.Itoa(first),
		End:             strconv.Itoa(end),
		URI:             path,
		FirstPageURI:    link(0),
		PreviousPageURI: "null",
		NextPageURI:     "null",
		LastPageURI:     link(numPages),
		Calls:           calls,
	}
	if page > 0 {
		env.PreviousPageURI = link(page - 1)
	}
	if page < numPages {
		env.NextPageURI = link(page+1) + "&AfterSid=" + calls[len(calls)-1].SID
	}
	writeJSON(w, http.StatusOK, env)
}

// intParam reads an integer query parameter; a non-integer makes Java's parseInt throw, which the container
// turns into its 500 error page.
func intParam(w http.ResponseWriter, q url.Values, name string, def int) (int, bool) {
	vs, ok := q[name]
	if !ok {
		return def, true
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil {
		writeContainerError(w, fmt.Sprintf("java.lang.NumberFormatException: For input string: %q", vs[0]))
		return 0, false
	}
	return n, true
}
