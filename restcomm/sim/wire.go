package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// apiVersion is the only API version Restcomm serves.
const apiVersion = "2012-04-24"

// apiPrefix is the path every API request starts with; the client's base URL is the server root + "/restcomm".
const apiPrefix = "/restcomm/" + apiVersion + "/Accounts/"

const (
	// dateLayout is Restcomm's date_created/date_updated format (1- or 2-digit day, numeric offset).
	dateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"
	// isoLayout is Restcomm's start_time/end_time format: ISO 8601 with milliseconds and the zone's offset
	// ("Z" when it is zero).
	isoLayout = "2006-01-02T15:04:05.000Z07:00"
	// stampLayout is a status callback's Timestamp before its zone ID: Restcomm writes the zone's name
	// (UTC, Europe/Madrid) where date_created has an offset.
	stampLayout = "Mon, 2 Jan 2006 15:04:05"
)

// Status values exactly as the real server writes them: some by enum name, some by display name.
const (
	wireQueued     = "QUEUED"
	wireRinging    = "RINGING"
	wireInProgress = "in-progress"
	wireCompleted  = "completed"
	wireCanceled   = "canceled" // rung out or hung up before the answer, 8.4 and later
	wireBusy       = "BUSY"
	wireFailed     = "FAILED"
	// Spellings only servers before 8.4 leave in a record.
	wireNoAnswer       = "NO_ANSWER"
	wireCanceledLegacy = "CANCELED"
	wireNotFound       = "NOT_FOUND"
)

// live reports whether a wire status is one a call can still leave.
func live(status string) bool {
	return status == wireQueued || status == wireRinging || status == wireInProgress
}

// normStatus folds a status spelling the way Restcomm's clients do: lower case, "_" -> "-".
func normStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "_", "-")
	if s == "inprogress" {
		s = "in-progress"
	}
	return s
}

// wireCall is the Call resource as Restcomm's JSON converter writes it: key order as on the wire, null fields
// left out (hence the pointers and omitempty).
type wireCall struct {
	SID             string          `json:"sid"`
	InstanceID      string          `json:"InstanceId"`
	DateCreated     string          `json:"date_created"`
	DateUpdated     string          `json:"date_updated"`
	ParentCallSID   string          `json:"parent_call_sid,omitempty"`
	AccountSID      string          `json:"account_sid"`
	To              string          `json:"to"`
	From            string          `json:"from"`
	PhoneNumberSID  string          `json:"phone_number_sid,omitempty"`
	Status          string          `json:"status"`
	StartTime       string          `json:"start_time,omitempty"`
	EndTime         string          `json:"end_time,omitempty"`
	Duration        *int            `json:"duration,omitempty"`
	PriceUnit       string          `json:"price_unit"`
	Direction       string          `json:"direction"`
	AnsweredBy      string          `json:"answered_by,omitempty"`
	APIVersion      string          `json:"api_version"`
	ForwardedFrom   string          `json:"forwarded_from,omitempty"`
	CallerName      string          `json:"caller_name,omitempty"`
	URI             string          `json:"uri"`
	RingDuration    *int            `json:"ring_duration,omitempty"`
	SubresourceURIs subresourceURIs `json:"subresource_uris"`
}

// subresourceURIs are the links every Call carries.
type subresourceURIs struct {
	Notifications string `json:"notifications"`
	Recordings    string `json:"recordings"`
}

// wirePage is the list envelope. start and end are strings on the real server; absent links read "null".
type wirePage struct {
	Page            int        `json:"page"`
	NumPages        int        `json:"num_pages"`
	PageSize        int        `json:"page_size"`
	Total           int        `json:"total"`
	Start           string     `json:"start"`
	End             string     `json:"end"`
	URI             string     `json:"uri"`
	FirstPageURI    string     `json:"first_page_uri"`
	PreviousPageURI string     `json:"previous_page_uri"`
	NextPageURI     string     `json:"next_page_uri"`
	LastPageURI     string     `json:"last_page_uri"`
	Calls           []wireCall `json:"calls"`
}

// fmtDate formats a time as date_created does, in the server's time zone.
func (s *Server) fmtDate(t time.Time) string { return t.In(s.loc).Format(dateLayout) }

// fmtISO formats a time as start_time does, in the server's time zone.
func (s *Server) fmtISO(t time.Time) string { return t.In(s.loc).Format(isoLayout) }

// fmtStamp formats a time as a status callback's Timestamp: the server's local time, then its zone's name.
func (s *Server) fmtStamp(t time.Time) string {
	return t.In(s.loc).Format(stampLayout) + " " + s.loc.String()
}

// callsPath is the Calls collection path relative to the base URL, without the .json suffix.
func callsPath(accountSID string) string {
	return "/" + apiVersion + "/Accounts/" + accountSID + "/Calls"
}

// userPart reduces an address to what Restcomm stores in to/from: "client:sam" -> "sam",
// "sip:alice@example.com" -> "alice", and a "?X-Header=v" suffix dropped.
func userPart(addr string) string {
	addr = strings.TrimSpace(addr)
	if i := strings.IndexByte(addr, '?'); i >= 0 {
		addr = addr[:i]
	}
	lower := strings.ToLower(addr)
	for _, scheme := range []string{"client:", "sips:", "sip:", "tel:"} {
		if strings.HasPrefix(lower, scheme) {
			addr = addr[len(scheme):]
			if i := strings.IndexByte(addr, '@'); i >= 0 && scheme != "client:" {
				addr = addr[:i]
			}
			break
		}
	}
	return addr
}

// writeJSON replies code with v as JSON ("&" in links written as is, for readable curl output).
func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeText(w, http.StatusInternalServerError, "The reply could not be encoded.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// writeText replies code with a plain-text body (no trailing newline, as Restcomm writes it).
func writeText(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(msg))
}

// writeEmpty replies code with an empty body.
func writeEmpty(w http.ResponseWriter, code int) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(code)
}
