package restcomm

// Expectations about Restcomm's wire format, kept as data so that the same
// tables can drive tests against the simulator (restcomm/sim) too. Canned
// replies live in testdata/wire/*.json.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// statusSpelling is one status as it appears on the wire and what the client
// must make of it.
type statusSpelling struct {
	wire        string
	want        Status
	live, final bool
}

// statusSpellings covers every spelling restcomm.md lists, plus the
// normalisation rules (trim, case, "_", "inprogress") and an unknown one.
func statusSpellings() []statusSpelling {
	return []statusSpelling{
		{"QUEUED", StatusQueued, true, false},
		{"RINGING", StatusRinging, true, false},
		{"in-progress", StatusInProgress, true, false},
		{"completed", StatusCompleted, false, true},
		{"BUSY", StatusBusy, false, true},
		{"FAILED", StatusFailed, false, true},
		{"NO_ANSWER", StatusNoAnswer, false, true},
		{"CANCELED", StatusCanceled, false, true},
		{"canceled", StatusCanceled, false, true},
		{"NOT_FOUND", StatusNotFound, false, true},
		{"WAIT_FOR_ANSWER", StatusWaitForAnswer, true, false},
		{"IN_PROGRESS", StatusInProgress, true, false},
		{"inprogress", StatusInProgress, true, false},
		{"InProgress", StatusInProgress, true, false},
		{" Ringing\n", StatusRinging, true, false},
		{"no-answer", StatusNoAnswer, false, true},
		{"Trying_Hard", Status("trying-hard"), false, false},
		{"", Status(""), false, false},
	}
}

// Call SIDs in both forms.
const (
	sidCA = "CA0123456789abcdef0123456789abcdef"
	sidID = "ID8deb35fc4a1c4a9b8f2e3d4c5b6a7980-CA5a1e0f5b2c8d4e6fa1b2c3d4e5f60718"
)

// callJSON returns a canned call reply whose status is status and whose
// SID is sid.
func callJSON(sid, status string) string {
	return `{"sid":"` + sid + `","account_sid":"` + testAccount + `","to":"+447700900123","from":"+15551230000",` +
		`"status":` + jsonString(status) + `,"date_created":"Sat, 1 Jul 2017 08:05:09 +0000",` +
		`"date_updated":"Sat, 1 Jul 2017 08:05:09 +0000","start_time":"2017-07-01T08:05:09.000Z",` +
		`"direction":"outbound-api","api_version":"2012-04-24",` +
		`"uri":"/2012-04-24/Accounts/` + testAccount + `/Calls/` + sid + `.json"}`
}

// jsonString encodes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// wireFile reads testdata/wire/name.
func wireFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "wire", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// errorShape is one error reply restcomm.md describes and what the client
// must make of it. Content types are deliberately sometimes wrong: Restcomm's
// bodies do not follow them.
type errorShape struct {
	name        string
	op          string // create, get, list, cancel, hangup
	status      int
	contentType string
	header      map[string]string
	body        string
	sentinel    error  // nil: none of the sentinels may match
	also        error  // a second sentinel that must match too
	message     string // want APIError.Message
	hint        string // substring of Error()
	permanent   bool   // a 5xx that a GET must not retry
}

// errorShapes is the table of error replies.
func errorShapes() []errorShape {
	return []errorShape{
		{name: "400 plain text", op: "create", status: 400, contentType: "text/plain", body: "To can not be null.",
			message: "To can not be null."},
		{name: "400 plain text labelled JSON", op: "create", status: 400, contentType: "application/json", body: "From can not be null.\n",
			message: "From can not be null."},
		{name: "401 empty", op: "get", status: 401, header: map[string]string{"WWW-Authenticate": `Basic realm="Restcomm realm"`},
			sentinel: ErrUnauthorized, hint: "check restcomm.account_sid and restcomm.auth_token"},
		{name: "401 on create", op: "create", status: 401, header: map[string]string{"WWW-Authenticate": `Basic realm="Restcomm realm"`},
			sentinel: ErrUnauthorized, hint: "check restcomm.account_sid and restcomm.auth_token"},
		{name: "403 account not active", op: "list", status: 403, contentType: "application/json", body: "Provided Account is not active",
			sentinel: ErrForbidden, also: ErrAccountInactive, message: "Provided Account is not active", hint: "suspended, closed or not active"},
		{name: "403 no permission", op: "create", status: 403,
			sentinel: ErrForbidden, hint: "no permission"},
		{name: "404 wrong base URL on list", op: "list", status: 404,
			sentinel: ErrNotFound, hint: "restcomm.base_url is wrong (it should end in /restcomm)"},
		{name: "404 wrong base URL on create", op: "create", status: 404,
			sentinel: ErrNotFound, hint: "restcomm.base_url is wrong"},
		{name: "500 unknown account: a container's HTML page", op: "list", status: 500, contentType: "text/html;charset=utf-8",
			body:     "<!doctype html><html><head><title>HTTP Status 500 - </title></head><body><h1>java.lang.NullPointerException</h1></body></html>",
			sentinel: ErrUnknownAccount, hint: "the account SID is not known to this server", permanent: true},
		{name: "500 unknown account on create", op: "create", status: 500, contentType: "text/html",
			body:     "<html><body><pre>org.restcomm.connect.http.PermissionEvaluator NullPointerException</pre></body></html>",
			sentinel: ErrUnknownAccount, hint: "the account SID is not known to this server"},
		{name: "500 HTML page without a content type", op: "get", status: 500,
			body:     "\n<html><head><title>Error</title></head><body>boom</body></html>",
			sentinel: ErrUnknownAccount, hint: "not known to this server", permanent: true},
		{name: "500 futures timed out", op: "create", status: 500, contentType: "text/plain",
			body: "Futures timed out after [10 seconds]", message: "Futures timed out after [10 seconds]",
			sentinel: ErrCreateTimedOut, hint: "nothing was dialled"},
		{name: "404 unknown call", op: "get", status: 404,
			sentinel: ErrNotFound, hint: "no such call"},
		{name: "406 cancel unknown call", op: "cancel", status: 406,
			sentinel: ErrNotModifiable, hint: "does not know this call SID"},
		{name: "406 hang up unknown call", op: "hangup", status: 406,
			sentinel: ErrNotModifiable},
		{name: "410 call already completed", op: "hangup", status: 410, contentType: "text/plain", body: "Call is already completed.",
			sentinel: ErrCallGone, message: "Call is already completed."},
		{name: "410 on cancel", op: "cancel", status: 410, body: "Call is already completed.",
			sentinel: ErrCallGone, message: "Call is already completed."},
		{name: "500 JSON message labelled text", op: "create", status: 500, contentType: "text/plain",
			body:    `{"message":"` + testAccount + `x is an INVALID_SID sid value."}`,
			message: testAccount + "x is an INVALID_SID sid value.", hint: "restcomm.account_sid is malformed"},
		{name: "500 JSON message", op: "list", status: 500, contentType: "application/json",
			body:    `{"message":"` + testAccount + `x is an INVALID_SID sid value."}`,
			message: testAccount + "x is an INVALID_SID sid value.", permanent: true},
		{name: "500 server fault on list is retried", op: "list", status: 500, contentType: "text/plain",
			body: "java.lang.IllegalStateException", message: "java.lang.IllegalStateException", hint: "Restcomm server error"},
		{name: "500 no outbound proxy", op: "create", status: 500, contentType: "text/plain",
			body:     "Cannot create call to: +447700900123\r\nThe Active Outbound Proxy is null. Please check configuration",
			message:  "Cannot create call to: +447700900123 The Active Outbound Proxy is null. Please check configuration",
			sentinel: ErrNoOutboundRoute, hint: "outbound proxy"},
		{name: "500 not allowed labelled JSON", op: "create", status: 500, contentType: "application/json",
			body: "Not Allowed to make this outbound call", message: "Not Allowed to make this outbound call",
			sentinel: ErrRefusedByRestcomm, hint: "refused by Restcomm's own policy"},
		{name: "500 JSON without message", op: "create", status: 500, contentType: "application/json",
			body: `{"error":"x"}`, message: `{"error":"x"}`},
		{name: "server echoes the token", op: "create", status: 400, contentType: "text/plain",
			body: "bad password " + testToken + "\x1b[31m", message: "bad password ********[31m"},
	}
}
