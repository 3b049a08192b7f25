package restcomm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// decodeCall unmarshals one call, failing the test on error.
func decodeCall(t testing.TB, body string) Call {
	t.Helper()
	var c Call
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	return c
}

func TestDecodeCallCapturedCreateReply(t *testing.T) {
	c := decodeCall(t, wireFile(t, "create_reply.json"))
	want := Call{
		SID:         "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
		InstanceID:  "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII",
		AccountSID:  "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
		To:          "sam",
		From:        "5065",
		Status:      StatusQueued,
		RawStatus:   "QUEUED",
		DateCreated: time.Date(2017, 6, 30, 9, 39, 16, 0, time.UTC),
		DateUpdated: time.Date(2017, 6, 30, 9, 39, 16, 0, time.UTC),
		StartTime:   time.Date(2017, 6, 30, 9, 39, 16, 0, time.UTC),
		PriceUnit:   "USD",
		Direction:   "outbound-api",
		APIVersion:  "2012-04-24",
		CallerName:  "5065",
		URI:         "/2012-04-24/Accounts/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC.json",
		SubresourceURIs: map[string]string{
			"notifications": "/2012-04-24/Accounts/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC/Notifications.json",
			"recordings":    "/2012-04-24/Accounts/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC/Recordings.json",
		},
	}
	assertCall(t, c, want)
	if c.HasDuration || c.Duration != 0 || !c.EndTime.IsZero() || c.AnsweredBy != "" || c.RingDuration != 0 || c.Price != "" {
		t.Errorf("fields absent from the reply must be zero: %+v", c)
	}
	if c.Answered() {
		t.Error("a queued call is not answered")
	}
}

func TestDecodeCallOldServerISODatesAndPrice(t *testing.T) {
	c := decodeCall(t, wireFile(t, "call_answered_old_server.json"))
	plusOne := time.FixedZone("", 3600)
	want := Call{
		SID:             sidCA,
		ParentCallSID:   "CAffffffffffffffffffffffffffffffff",
		AccountSID:      testAccount,
		To:              "+447700900123",
		From:            "+15551230000",
		PhoneNumberSID:  "PN0123456789abcdef0123456789abcdef",
		Status:          StatusCompleted,
		RawStatus:       "completed",
		DateCreated:     time.Date(2016, 2, 29, 23, 59, 58, 123e6, plusOne),
		DateUpdated:     time.Date(2016, 3, 1, 0, 0, 30, 0, plusOne),
		StartTime:       time.Date(2016, 2, 29, 23, 59, 59, 500e6, plusOne),
		EndTime:         time.Date(2016, 3, 1, 0, 0, 30, 0, plusOne),
		Duration:        25,
		HasDuration:     true,
		RingDuration:    6,
		Price:           "0.0",
		PriceUnit:       "USD",
		Direction:       "outbound-api",
		AnsweredBy:      "human",
		APIVersion:      "2012-04-24",
		ForwardedFrom:   "+15550000000",
		CallerName:      "Flash",
		URI:             "/2012-04-24/Accounts/" + testAccount + "/Calls/" + sidCA + ".json",
		SubresourceURIs: nil,
	}
	assertCall(t, c, want)
	if !c.Answered() {
		t.Error("a call with answered_by and a duration is answered")
	}
}

func TestDecodeCallInstancePrefixedSIDAndOneDigitDay(t *testing.T) {
	c := decodeCall(t, wireFile(t, "call_no_answer.json"))
	if c.SID != sidID || !ValidCallSID(c.SID) {
		t.Errorf("SID = %q", c.SID)
	}
	if c.Status != StatusNoAnswer || c.RawStatus != "NO_ANSWER" || !c.Status.Final() {
		t.Errorf("status = %q (raw %q)", c.Status, c.RawStatus)
	}
	if want := time.Date(2017, 7, 1, 8, 5, 9, 0, time.UTC); !c.DateCreated.Equal(want) {
		t.Errorf("DateCreated = %v, want %v", c.DateCreated, want)
	}
	if want := time.Date(2017, 7, 1, 8, 5, 41, 0, time.UTC); !c.DateUpdated.Equal(want) {
		t.Errorf("DateUpdated = %v, want %v", c.DateUpdated, want)
	}
	if c.HasDuration || c.Answered() || c.RingDuration != 30 {
		t.Errorf("unanswered call: HasDuration %v, Answered %v, RingDuration %d", c.HasDuration, c.Answered(), c.RingDuration)
	}
}

func TestDecodeCallEveryStatusSpelling(t *testing.T) {
	for _, tc := range statusSpellings() {
		for _, sid := range []string{sidCA, sidID} {
			c := decodeCall(t, callJSON(sid, tc.wire))
			if c.Status != tc.want || c.RawStatus != tc.wire || c.SID != sid {
				t.Errorf("status %q sid %s: got %q raw %q sid %q", tc.wire, sid, c.Status, c.RawStatus, c.SID)
			}
		}
	}
}

func TestDecodeCallLenientScalars(t *testing.T) {
	c := decodeCall(t, `{"sid":"`+sidCA+`","duration":"7","ring_duration":3.0,"price":0.05,"from":5065,`+
		`"answered_by":null,"end_time":null,"date_created":"not a date","subresource_uris":{"a":"/x","b":5}}`)
	if c.Duration != 7 || !c.HasDuration || c.RingDuration != 3 || c.Price != "0.05" || c.From != "5065" {
		t.Errorf("lenient scalars: %+v", c)
	}
	if c.AnsweredBy != "" || !c.EndTime.IsZero() || !c.DateCreated.IsZero() {
		t.Errorf("nulls and bad dates must leave zero values: %+v", c)
	}
	if !reflect.DeepEqual(c.SubresourceURIs, map[string]string{"a": "/x"}) {
		t.Errorf("SubresourceURIs = %v", c.SubresourceURIs)
	}
	c = decodeCall(t, `{"sid":"`+sidCA+`","duration":null}`)
	if c.HasDuration {
		t.Error("duration null must leave HasDuration false")
	}
}

func TestDecodeCallRejectsWrongShapes(t *testing.T) {
	for _, body := range []string{
		`[]`, `"CA"`, `{"sid":{"a":1}}`, `{"duration":"seven"}`, `{"duration":1.5}`, `{"status":["x"]}`, `{`,
	} {
		var c Call
		if err := json.Unmarshal([]byte(body), &c); err == nil {
			t.Errorf("%s: want an error, got %+v", body, c)
		} else if !strings.HasPrefix(err.Error(), "restcomm: decoding call") && body != `[]` && body != `"CA"` && body != `{` {
			t.Errorf("%s: error %q does not say what was decoded", body, err)
		}
	}
}

func TestCallMarshalRoundTrip(t *testing.T) {
	for _, name := range []string{"create_reply.json", "call_answered_old_server.json", "call_no_answer.json"} {
		c := decodeCall(t, wireFile(t, name))
		data, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		assertCall(t, decodeCall(t, string(data)), c)
		if !strings.Contains(string(data), `"sid":`) || strings.Contains(string(data), `"SID"`) {
			t.Errorf("%s: MarshalJSON must use the wire keys: %s", name, data)
		}
	}
	data, err := json.Marshal(Call{SID: sidCA, Status: StatusBusy})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"sid":"` + sidCA + `","status":"busy"}`; string(data) != want {
		t.Errorf("Marshal = %s, want %s", data, want)
	}
}

func TestCallAnswered(t *testing.T) {
	for _, tc := range []struct {
		c    Call
		want bool
	}{
		{Call{}, false},
		{Call{AnsweredBy: "447700900123"}, true},
		{Call{Status: StatusInProgress}, true},
		// 8.4+: a call that rang out ends canceled with a duration of about the ring time. Not answered.
		{Call{Status: StatusCanceled, RawStatus: "canceled", Duration: 10, HasDuration: true}, false},
		{Call{Duration: 1, HasDuration: true}, false},
		{Call{Duration: 0, HasDuration: true, Status: StatusCompleted}, false},
		{Call{Status: StatusNoAnswer, RingDuration: 30}, false},
	} {
		if got := tc.c.Answered(); got != tc.want {
			t.Errorf("%+v: Answered() = %v", tc.c, got)
		}
	}
}

func TestValidCallSID(t *testing.T) {
	for sid, want := range map[string]bool{
		sidCA:                                 true,
		sidID:                                 true,
		"CA0123456789ABCDEF0123456789abcdeZ":  true,
		"CA0123456789abcdef0123456789abcde":   false, // 31
		"CA0123456789abcdef0123456789abcdef0": false, // 33
		"CB0123456789abcdef0123456789abcdef":  false,
		"ca0123456789abcdef0123456789abcdef":  false,
		"CA0123456789abcdef0123456789abcde-":  false,
		"CA0123456789abcdef0123456789abcdé":   false,
		"ID8deb35fc4a1c4a9b8f2e3d4c5b6a7980_CA5a1e0f5b2c8d4e6fa1b2c3d4e5f60718": false,
		"ID8deb35fc4a1c4a9b8f2e3d4c5b6a7980-CB5a1e0f5b2c8d4e6fa1b2c3d4e5f60718": false,
		"CA8deb35fc4a1c4a9b8f2e3d4c5b6a7980-CA5a1e0f5b2c8d4e6fa1b2c3d4e5f60718": false,
		"": false,
	} {
		if got := ValidCallSID(sid); got != want {
			t.Errorf("ValidCallSID(%q) = %v, want %v", sid, got, want)
		}
	}
}

func TestParseTimeLayouts(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, time.UTC)
	}
	for in, want := range map[string]time.Time{
		"Fri, 30 Jun 2017 09:39:16 +0000":   utc(2017, 6, 30, 9, 39, 16, 0),
		"Sat, 1 Jul 2017 08:05:09 +0000":    utc(2017, 7, 1, 8, 5, 9, 0),
		"Sat, 01 Jul 2017 08:05:09 +0000":   utc(2017, 7, 1, 8, 5, 9, 0),
		"Sat, 01 Jul 2017 10:05:09 +0200":   utc(2017, 7, 1, 8, 5, 9, 0),
		"Sat, 1 Jul 2017 08:05:09 GMT":      utc(2017, 7, 1, 8, 5, 9, 0),
		"Sat, 01 Jul 2017 08:05:09 UTC":     utc(2017, 7, 1, 8, 5, 9, 0),
		"1 Jul 2017 08:05:09 +0000":         utc(2017, 7, 1, 8, 5, 9, 0),
		"2017-06-30T09:39:16.000Z":          utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30T09:39:16.25Z":           utc(2017, 6, 30, 9, 39, 16, 250e6),
		"2017-06-30T11:39:16+02:00":         utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30T11:39:16.000+0200":      utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30T09:39:16":               utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30 09:39:16":               utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30 09:39:16.5+00:00":       utc(2017, 6, 30, 9, 39, 16, 500e6),
		"Fri Jun 30 09:39:16 UTC 2017":      utc(2017, 6, 30, 9, 39, 16, 0),
		"2017-06-30":                        utc(2017, 6, 30, 0, 0, 0, 0),
		"1498815556":                        utc(2017, 6, 30, 9, 39, 16, 0),
		"1498815556250":                     utc(2017, 6, 30, 9, 39, 16, 250e6),
		"  Fri, 30 Jun 2017 09:39:16 +0000": utc(2017, 6, 30, 9, 39, 16, 0),
		// The server's own zone, as restcomm.md shows it.
		"Sat, 3 Jun 2017 05:39:16 -0400":             utc(2017, 6, 3, 9, 39, 16, 0),
		"Sat, 3 Jun 2017 05:39:16 -04:00":            utc(2017, 6, 3, 9, 39, 16, 0),
		"2017-06-03T05:39:16.000-04:00":              utc(2017, 6, 3, 9, 39, 16, 0),
		"Fri, 30 Jun 2017 11:39:16 Europe/Madrid":    utc(2017, 6, 30, 9, 39, 16, 0),
		"Fri, 30 Jun 2017 05:39:16 America/New_York": utc(2017, 6, 30, 9, 39, 16, 0),
		"Fri, 30 Jun 2017 09:39:16 Etc/UTC":          utc(2017, 6, 30, 9, 39, 16, 0),
	} {
		got, ok := parseTime(in)
		if !ok || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, ok, want)
		}
		if got.Location() != time.UTC {
			t.Errorf("parseTime(%q) is in %v, want UTC", in, got.Location())
		}
	}
	for _, bad := range []string{"", " ", "yesterday", "30/06/2017", "2017", "Fri, 31 Jun 2017 09:39:16 +0000", "-5",
		// An abbreviation Go gives a zero offset would be hours wrong: better unread.
		"Fri, 30 Jun 2017 11:39:16 CEST", "Fri, 30 Jun 2017 11:39:16 Mars/Olympus"} {
		if got, ok := parseTime(bad); ok || !got.IsZero() {
			t.Errorf("parseTime(%q) = %v, %v; want failure", bad, got, ok)
		}
	}
}

// assertCall compares two calls field by field, times by instant.
func assertCall(t testing.TB, got, want Call) {
	t.Helper()
	times := []struct {
		name string
		g, w time.Time
	}{
		{"DateCreated", got.DateCreated, want.DateCreated},
		{"DateUpdated", got.DateUpdated, want.DateUpdated},
		{"StartTime", got.StartTime, want.StartTime},
		{"EndTime", got.EndTime, want.EndTime},
	}
	for _, tm := range times {
		if !tm.g.Equal(tm.w) {
			t.Errorf("%s = %v, want %v", tm.name, tm.g, tm.w)
		}
	}
	got.DateCreated, got.DateUpdated, got.StartTime, got.EndTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	want.DateCreated, want.DateUpdated, want.StartTime, want.EndTime = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if len(got.SubresourceURIs) == 0 && len(want.SubresourceURIs) == 0 {
		got.SubresourceURIs, want.SubresourceURIs = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("call mismatch:\n got %+v\nwant %+v", got, want)
	}
}

// FuzzDecodeCall feeds arbitrary bytes to Call.UnmarshalJSON. Whatever
// decodes must survive MarshalJSON and decode back to the same call.
func FuzzDecodeCall(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Call
		if err := json.Unmarshal(data, &c); err != nil {
			return
		}
		if c.Status != ParseStatus(c.RawStatus) {
			t.Fatalf("Status %q does not match RawStatus %q", c.Status, c.RawStatus)
		}
		if c.Duration != 0 && !c.HasDuration {
			t.Fatalf("Duration %d without HasDuration", c.Duration)
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var back Call
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("decoding our own output %s: %v", out, err)
		}
		assertCall(t, back, c)
	})
}
