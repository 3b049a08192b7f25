package restcomm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ListFilter narrows a call listing. Zero fields are not sent.
type ListFilter struct {
	To     string // matches the END of the callee's number
	From   string // matches the END of the caller's number
	Status Status // sent as written
	// StartTime sends its calendar date (in its own location) as
	// StartTime=YYYY-MM-DD.
	StartTime time.Time
	PageSize  int // 0 = Restcomm's default (50)
}

// Page is one page of a call listing. Restcomm's quirks are smoothed over:
// start and end (strings on the wire) are numbers, and a "null" link is "".
// NumPages is what the server sends: the index of the LAST page, not a count.
type Page struct {
	Page            int
	NumPages        int
	PageSize        int
	Total           int
	Start           int
	End             int
	URI             string
	FirstPageURI    string
	PreviousPageURI string
	NextPageURI     string
	LastPageURI     string
	Calls           []Call

	numPagesSet bool // the reply carried num_pages
}

// wirePage is the JSON envelope of a listing.
type wirePage struct {
	Page            flexInt    `json:"page"`
	NumPages        flexInt    `json:"num_pages"`
	PageSize        flexInt    `json:"page_size"`
	Total           flexInt    `json:"total"`
	Start           flexInt    `json:"start"`
	End             flexInt    `json:"end"`
	URI             flexString `json:"uri"`
	FirstPageURI    flexString `json:"first_page_uri"`
	PreviousPageURI flexString `json:"previous_page_uri"`
	NextPageURI     flexString `json:"next_page_uri"`
	LastPageURI     flexString `json:"last_page_uri"`
	Calls           []Call     `json:"calls"`
}

// decodePage reads a listing envelope.
func decodePage(body []byte) (*Page, error) {
	var w wirePage
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	return &Page{
		Page:            w.Page.n,
		NumPages:        w.NumPages.n,
		PageSize:        w.PageSize.n,
		Total:           w.Total.n,
		Start:           w.Start.n,
		End:             w.End.n,
		URI:             link(w.URI),
		FirstPageURI:    link(w.FirstPageURI),
		PreviousPageURI: link(w.PreviousPageURI),
		NextPageURI:     link(w.NextPageURI),
		LastPageURI:     link(w.LastPageURI),
		Calls:           w.Calls,
		numPagesSet:     w.NumPages.set,
	}, nil
}

// link turns Restcomm's literal "null" for an absent link into "".
func link(s flexString) string {
	v := strings.TrimSpace(string(s))
	if v == "null" {
		return ""
	}
	return v
}

// query encodes the filter and page with Restcomm's parameter names.
func (f ListFilter) query(page int) url.Values {
	q := url.Values{}
	q.Set("Page", strconv.Itoa(page))
	if f.PageSize > 0 {
		q.Set("PageSize", strconv.Itoa(f.PageSize))
	}
	if f.To != "" {
		q.Set("To", f.To)
	}
	if f.From != "" {
		q.Set("From", f.From)
	}
	if f.Status != "" {
		q.Set("Status", string(f.Status))
	}
	if !f.StartTime.IsZero() {
		q.Set("StartTime", f.StartTime.Format(time.DateOnly))
	}
	return q
}

// ListCallsPage fetches one page (0-based) of calls, newest first. A page
// past the end is an *APIError with status 400 (Restcomm's way of saying
// so); ListCalls treats it as the end. Retried like GetCall.
func (c *Client) ListCallsPage(ctx context.Context, f ListFilter, page int) (*Page, error) {
	const op = "list calls"
	if page < 0 {
		return nil, fmt.Errorf("restcomm: %s: page %d is negative", op, page)
	}
	if f.PageSize < 0 {
		return nil, fmt.Errorf("restcomm: %s: page size %d is negative", op, f.PageSize)
	}
	req := request{op: op, method: http.MethodGet, path: c.callsPath(), query: f.query(page), retry: retryIdempotent}
	rep, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if !rep.ok() {
		return nil, c.newAPIError(req, rep)
	}
	p, err := decodePage(rep.body)
	if err != nil {
		return nil, fmt.Errorf("restcomm: %s: page %d: %w", op, page, err)
	}
	return p, nil
}

// ListCalls iterates over every call matching f, page after page, newest
// first. It stops after the last page (next_page_uri "null", num_pages
// reached, an empty page, or a 400 for a page past the end). A call that
// shifts onto the next page while listing is yielded once, and a page made
// only of such calls does not end the listing; it ends only when the
// server ignores Page (a repeated page without num_pages, or numbered
// other than asked). An error is
// yielded once, with a zero Call, and ends the iteration.
func (c *Client) ListCalls(ctx context.Context, f ListFilter) iter.Seq2[Call, error] {
	return func(yield func(Call, error) bool) {
		seen := make(map[string]bool)
		for page := 0; ; page++ {
			p, err := c.ListCallsPage(ctx, f, page)
			if err != nil {
				var apiErr *APIError
				if page > 0 && errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusBadRequest {
					return // past the end
				}
				yield(Call{}, err)
				return
			}
			fresh := 0
			for _, call := range p.Calls {
				if call.SID != "" {
					if seen[call.SID] {
						continue
					}
					seen[call.SID] = true
				}
				fresh++
				if !yield(call, nil) {
					return
				}
			}
			switch {
			case len(p.Calls) == 0, p.NextPageURI == "":
				return
			case p.numPagesSet && page >= p.NumPages:
				return
			case fresh == 0 && (!p.numPagesSet || p.Page != page):
				// Nothing new, and either nothing bounds the pages or the
				// server ignored Page: asking again would repeat this page
				// for ever. (A page of calls already seen, correctly
				// numbered within num_pages, only means that new calls
				// pushed older ones down: the rest are still to come.)
				return
			}
		}
	}
}
