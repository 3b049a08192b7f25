package sim

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// listFilter is a list request's filters, as given in the query.
type listFilter struct {
	to, from, status string
	startTime        time.Time
	rawStartTime     string
}

// matches reports whether c passes the filters: To and From match the END of the number (Restcomm builds a
// LIKE '%value'), Status compares normalised spellings, StartTime keeps calls started on or after that day.
func (f listFilter) matches(c *call) bool {
	if f.to != "" && !strings.HasSuffix(c.to, f.to) {
		return false
	}
	if f.from != "" && !strings.HasSuffix(c.from, f.from) {
		return false
	}
	if f.status != "" && normStatus(c.status) != f.status {
		return false
	}
	if !f.startTime.IsZero() && c.created.Before(f.startTime) {
		return false
	}
	return true
}

// query renders the filters for the envelope's links, so following next_page_uri keeps them.
func (f listFilter) query() string {
	q := url.Values{}
	if f.to != "" {
		q.Set("To", f.to)
	}
	if f.from != "" {
		q.Set("From", f.from)
	}
	if f.status != "" {
		q.Set("Status", f.status)
	}
	if f.rawStartTime != "" {
		q.Set("StartTime", f.rawStartTime)
	}
	if len(q) == 0 {
		return ""
	}
	return "&" + q.Encode()
}

// list handles GET .../Calls.json?Page=&PageSize=&To=&From=&Status=&StartTime=: newest first, in Restcomm's
// envelope with its quirks (start/end as strings, num_pages the last page index, "null" for absent links, 400
// with an empty body for a page past the end).
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, ok := intParam(w, q, "Page", 0)
	if !ok {
		return
	}
	size, ok := intParam(w, q, "PageSize", defaultPageSize)
	if !ok {
		return
	}
	if size <= 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	f := listFilter{
		to:     strings.TrimSpace(q.Get("To")),
		from:   strings.TrimSpace(q.Get("From")),
		status: normStatus(q.Get("Status")),
	}
	if raw := strings.TrimSpace(q.Get("StartTime")); raw != "" {
		t, err := time.Parse("2006-01-02", raw)
		if err != nil {
			writeText(w, http.StatusBadRequest, "StartTime must be a date, YYYY-MM-DD.")
			return
		}
		f.startTime, f.rawStartTime = t, raw
	}

	s.mu.Lock()
	var matched []*call
	for i := len(s.order) - 1; i >= 0; i-- {
		if f.matches(s.order[i]) {
			matched = append(matched, s.order[i])
		}
	}
	total := len(matched)
	last := 0
	if total > 0 {
		last = (total - 1) / size
	}
	if page < 0 || page > last {
		s.mu.Unlock()
		writeEmpty(w, http.StatusBadRequest)
		return
	}
	first := page * size
	calls := make([]wireCall, 0, size)
	for _, c := range matched[first:min(first+size, total)] {
		calls = append(calls, s.wire(c))
	}
	s.mu.Unlock()

	link := func(p int) string {
		return fmt.Sprintf("%s.json?Page=%d&PageSize=%d%s", callsPath(s.accountSID), p, size, f.query())
	}
	env := wirePage{
		Page:            page,
		NumPages:        last,
		PageSize:        size,
		Total:           total,
		Start:           strconv.Itoa(first),
		End:             strconv.Itoa(max(first, first+len(calls)-1)),
		URI:             link(page),
		FirstPageURI:    link(0),
		PreviousPageURI: "null",
		NextPageURI:     "null",
		LastPageURI:     link(last),
		Calls:           calls,
	}
	if page > 0 {
		env.PreviousPageURI = link(page - 1)
	}
	if page < last {
		env.NextPageURI = link(page + 1)
	}
	writeJSON(w, http.StatusOK, env)
}

// intParam reads an integer query parameter; a non-integer is a 500, as Java's parseInt makes it on Restcomm.
func intParam(w http.ResponseWriter, q url.Values, name string, def int) (int, bool) {
	raw := q.Get(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		writeText(w, http.StatusInternalServerError, fmt.Sprintf("For input string: %q", raw))
		return 0, false
	}
	return n, true
}
