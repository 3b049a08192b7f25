package restcomm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Call is a Restcomm call resource. Fields the server left out (it omits
// nulls) are zero; dates it sent in a shape no layout reads are zero too.
type Call struct {
	SID            string // CA+32, or ID<32>-CA<32> on newer servers
	InstanceID     string // wire key "InstanceId"
	ParentCallSID  string
	AccountSID     string
	To             string // user part only: "sam" for client:sam
	From           string
	PhoneNumberSID string
	Status         Status // normalised from RawStatus
	RawStatus      string // as sent, e.g. "NO_ANSWER"
	DateCreated    time.Time
	DateUpdated    time.Time
	StartTime      time.Time
	EndTime        time.Time
	Duration       int  // seconds; meaningful when HasDuration. Data only: a rung-out call has one too
	RingDuration   int  // seconds; 0 until set (on answer and busy only). Data only
	HasDuration    bool // the reply carried a duration
	Price          string
	PriceUnit      string
	Direction      string // inbound, outbound-api, outbound-dial
	AnsweredBy     string // non-empty once the callee answered
	APIVersion     string
	ForwardedFrom  string
	CallerName     string
	URI            string // relative to the base URL, ends in .json
	// SubresourceURIs maps names such as "recordings" to paths relative to
	// the base URL.
	SubresourceURIs map[string]string
}

// Answered reports whether this record shows the callee picked up:
// answered_by is set, or the call is in-progress. Duration never says so: a
// call that rang out on a current server ends canceled with a duration of
// about the ring time. A tracker that saw in-progress earlier knows more
// than one record does. A flash call that is answered was billed and played
// its RCML.
func (c Call) Answered() bool { return c.AnsweredBy != "" || c.Status == StatusInProgress }

// wireCall is the JSON shape of a call. Scalars are read leniently (a number
// where a string is expected and the reverse) since servers differ.
type wireCall struct {
	SID             flexString                 `json:"sid"`
	InstanceID      flexString                 `json:"InstanceId"`
	DateCreated     flexString                 `json:"date_created"`
	DateUpdated     flexString                 `json:"date_updated"`
	ParentCallSID   flexString                 `json:"parent_call_sid"`
	AccountSID      flexString                 `json:"account_sid"`
	To              flexString                 `json:"to"`
	From            flexString                 `json:"from"`
	PhoneNumberSID  flexString                 `json:"phone_number_sid"`
	Status          flexString                 `json:"status"`
	StartTime       flexString                 `json:"start_time"`
	EndTime         flexString                 `json:"end_time"`
	Duration        flexInt                    `json:"duration"`
	Price           flexString                 `json:"price"`
	PriceUnit       flexString                 `json:"price_unit"`
	Direction       flexString                 `json:"direction"`
	AnsweredBy      flexString                 `json:"answered_by"`
	APIVersion      flexString                 `json:"api_version"`
	ForwardedFrom   flexString                 `json:"forwarded_from"`
	CallerName      flexString                 `json:"caller_name"`
	URI             flexString                 `json:"uri"`
	RingDuration    flexInt                    `json:"ring_duration"`
	SubresourceURIs map[string]json.RawMessage `json:"subresource_uris"`
}

// UnmarshalJSON reads a call as Restcomm sends it: the wire keys of
// restcomm.md, RFC 1123-like or ISO 8601 dates, any status spelling, absent
// null fields, an optional price. Unknown keys are ignored.
func (c *Call) UnmarshalJSON(data []byte) error {
	var w wireCall
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("restcomm: decoding call: %w", err)
	}
	*c = Call{
		SID:            string(w.SID),
		InstanceID:     string(w.InstanceID),
		ParentCallSID:  string(w.ParentCallSID),
		AccountSID:     string(w.AccountSID),
		To:             string(w.To),
		From:           string(w.From),
		PhoneNumberSID: string(w.PhoneNumberSID),
		Status:         ParseStatus(string(w.Status)),
		RawStatus:      string(w.Status),
		Duration:       w.Duration.n,
		HasDuration:    w.Duration.set,
		RingDuration:   w.RingDuration.n,
		Price:          string(w.Price),
		PriceUnit:      string(w.PriceUnit),
		Direction:      string(w.Direction),
		AnsweredBy:     string(w.AnsweredBy),
		APIVersion:     string(w.APIVersion),
		ForwardedFrom:  string(w.ForwardedFrom),
		CallerName:     string(w.CallerName),
		URI:            string(w.URI),
	}
	c.DateCreated, _ = parseTime(string(w.DateCreated))
	c.DateUpdated, _ = parseTime(string(w.DateUpdated))
	c.StartTime, _ = parseTime(string(w.StartTime))
	c.EndTime, _ = parseTime(string(w.EndTime))
	for name, raw := range w.SubresourceURIs {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			continue // not a string: not a URI
		}
		if c.SubresourceURIs == nil {
			c.SubresourceURIs = make(map[string]string, len(w.SubresourceURIs))
		}
		c.SubresourceURIs[name] = s
	}
	return nil
}

// wireCallOut is the shape MarshalJSON writes.
type wireCallOut struct {
	SID             string            `json:"sid,omitempty"`
	InstanceID      string            `json:"InstanceId,omitempty"`
	DateCreated     string            `json:"date_created,omitempty"`
	DateUpdated     string            `json:"date_updated,omitempty"`
	ParentCallSID   string            `json:"parent_call_sid,omitempty"`
	AccountSID      string            `json:"account_sid,omitempty"`
	To              string            `json:"to,omitempty"`
	From            string            `json:"from,omitempty"`
	PhoneNumberSID  string            `json:"phone_number_sid,omitempty"`
	Status          string            `json:"status,omitempty"`
	StartTime       string            `json:"start_time,omitempty"`
	EndTime         string            `json:"end_time,omitempty"`
	Duration        *int              `json:"duration,omitempty"`
	Price           string            `json:"price,omitempty"`
	PriceUnit       string            `json:"price_unit,omitempty"`
	Direction       string            `json:"direction,omitempty"`
	AnsweredBy      string            `json:"answered_by,omitempty"`
	APIVersion      string            `json:"api_version,omitempty"`
	ForwardedFrom   string            `json:"forwarded_from,omitempty"`
	CallerName      string            `json:"caller_name,omitempty"`
	URI             string            `json:"uri,omitempty"`
	RingDuration    int               `json:"ring_duration,omitempty"`
	SubresourceURIs map[string]string `json:"subresource_uris,omitempty"`
}

// MarshalJSON writes the call with Restcomm's wire keys (so that it reads
// back with UnmarshalJSON), leaving out empty fields as the server does.
// Dates are written in UTC: date_created and date_updated RFC 1123-like,
// start_time and end_time ISO 8601.
func (c Call) MarshalJSON() ([]byte, error) {
	w := wireCallOut{
		SID:             c.SID,
		InstanceID:      c.InstanceID,
		DateCreated:     formatRFC1123(c.DateCreated),
		DateUpdated:     formatRFC1123(c.DateUpdated),
		ParentCallSID:   c.ParentCallSID,
		AccountSID:      c.AccountSID,
		To:              c.To,
		From:            c.From,
		PhoneNumberSID:  c.PhoneNumberSID,
		Status:          c.RawStatus,
		StartTime:       formatISO(c.StartTime),
		EndTime:         formatISO(c.EndTime),
		Price:           c.Price,
		PriceUnit:       c.PriceUnit,
		Direction:       c.Direction,
		AnsweredBy:      c.AnsweredBy,
		APIVersion:      c.APIVersion,
		ForwardedFrom:   c.ForwardedFrom,
		CallerName:      c.CallerName,
		URI:             c.URI,
		RingDuration:    c.RingDuration,
		SubresourceURIs: c.SubresourceURIs,
	}
	if w.Status == "" {
		w.Status = string(c.Status)
	}
	if c.HasDuration {
		d := c.Duration
		w.Duration = &d
	}
	return json.Marshal(w)
}

// formatRFC1123 writes t the way Restcomm writes date_created; a time with
// a sub-second part is written ISO 8601 so that nothing is lost.
func formatRFC1123(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Nanosecond() != 0 {
		return formatISO(t)
	}
	return t.UTC().Format("Mon, 2 Jan 2006 15:04:05 -0700")
}

// formatISO writes t as ISO 8601 in UTC.
func formatISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// flexString reads a JSON string, number or boolean as text; null leaves it
// empty.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		return nil
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case data[0] == '{' || data[0] == '[':
		return fmt.Errorf("expected a string, got %s", excerpt(data))
	default: // number, true, false
		*f = flexString(data)
	}
	return nil
}

// flexInt reads a JSON integer, or a string holding one; null or "" leave
// it unset.
type flexInt struct {
	n   int
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	text := string(data)
	if data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return err
		}
		if text = strings.TrimSpace(text); text == "" {
			return nil
		}
	}
	n, err := parseInt(text)
	if err != nil {
		return fmt.Errorf("expected an integer, got %s", excerpt(data))
	}
	f.n, f.set = n, true
	return nil
}

// parseInt reads a decimal integer, also written as an integral float
// ("5.0", "1e3").
func parseInt(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || v > math.MaxInt32 || v < math.MinInt32 {
		return 0, strconv.ErrSyntax
	}
	return int(v), nil
}

// excerpt shortens raw JSON for an error message.
func excerpt(data []byte) string {
	const max = 40
	if len(data) > max {
		return strconv.Quote(string(data[:max])) + "..."
	}
	return strconv.Quote(string(data))
}
