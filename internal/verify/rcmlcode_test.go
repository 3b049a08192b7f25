package verify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/internal/syncbuf"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// codeText is a document that speaks the code.
const codeText = "Your code is {code}."

// said is the Say of codeText with spoken in place of the code.
func said(spoken string) string {
	return `<Say voice="woman" language="en-gb">Your code is ` + spoken + `.</Say>`
}

// served is one document the RCML server answered with: what the simulated callee heard.
type served struct {
	path, body string
}

// codeRig is the rig with a document that speaks the code, served the way internal/app serves it, every
// create's Url and every served document recorded, and the logs of the service and the handler kept.
type codeRig struct {
	*rig
	logs *syncbuf.Buffer

	mu     sync.Mutex
	urls   []string // the Url of every create, in order
	served []served
}

// newCodeRig builds the rig; wrap, when not nil, stands between the service and the history.
func newCodeRig(t *testing.T, wrap func(Store) Store) *codeRig {
	t.Helper()
	r := &codeRig{rig: &rig{t: t, clk: clock.NewFake(t0), op: record.Operator{Name: "alice", Remote: "local"}},
		logs: &syncbuf.Buffer{}}
	logger := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.sim = sim.New(sim.Options{Clock: r.clk, Seed: 7})
	r.simSrv = httptest.NewServer(r.sim)
	t.Cleanup(r.simSrv.Close)
	t.Cleanup(r.sim.Close)
	var err error
	r.client, err = restcomm.New(r.simSrv.URL+"/restcomm", r.sim.AccountSID(), r.sim.AuthToken(),
		restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	r.dbPath = filepath.Join(t.TempDir(), "history.db")
	if r.st, err = store.Open(context.Background(), r.dbPath); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.st.Close() })

	// The handler asks the service, which needs the handler's address first.
	var svc atomic.Pointer[Service]
	h, err := rcml.NewHandler(rcml.FlashOptions{Text: codeText}, func(ctx context.Context, token string) (string, bool) {
		if s := svc.Load(); s != nil {
			return s.CodeFor(ctx, token)
		}
		return "", false
	}, logger.With("component", "rcml"))
	if err != nil {
		t.Fatal(err)
	}
	rec := r.record(h)
	mux := http.NewServeMux()
	mux.Handle(rcml.StaticPath, rec)
	mux.Handle(rcml.TokenPattern, rec)
	mux.Handle(rcml.TokenPath, rec)
	r.rcml = httptest.NewServer(mux)
	t.Cleanup(r.rcml.Close)

	set := defaultSettings()
	set.RCMLTokenBase = r.rcml.URL + rcml.TokenPath
	var st Store = r.st
	if wrap != nil {
		st = wrap(st)
	}
	s, err := New(Deps{Calls: &urlCaller{Caller: r.client, r: r}, Store: st, Clock: r.clk, Settings: set,
		Logger: logger.With("component", "verify")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc.Store(s)
	r.svc = s
	return r
}

// record wraps h so that every document it serves is kept. It sits below the mux, so h sees the token.
func (r *codeRig) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		r.mu.Lock()
		r.served = append(r.served, served{path: req.URL.Path, body: rec.Body.String()})
		r.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// documents returns what was served so far.
func (r *codeRig) documents() []served {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]served(nil), r.served...)
}

// createURLs returns the Url of every create so far.
func (r *codeRig) createURLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// urlCaller records the Url of every create.
type urlCaller struct {
	Caller
	r *codeRig
}

func (c *urlCaller) CreateCall(ctx context.Context, p restcomm.CallParams) ([]restcomm.Call, error) {
	c.r.mu.Lock()
	c.r.urls = append(c.r.urls, p.URL)
	c.r.mu.Unlock()
	return c.Caller.CreateCall(ctx, p)
}

// tokenOf returns the token of a per-call Url, failing the test when the Url has not that form.
func (r *codeRig) tokenOf(u string) string {
	r.t.Helper()
	tok, ok := strings.CutPrefix(u, r.rcml.URL+rcml.TokenPath)
	if !ok || !rcml.WellFormedToken(tok) {
		r.t.Fatalf("create Url %q is not %s<token>", u, r.rcml.URL+rcml.TokenPath)
	}
	return tok
}

// fetch fetches the document at u with Restcomm's parameters for callSID: a GET replaces u's query string,
// a POST sends a form. It returns the body.
func (r *codeRig) fetch(method, u, callSID string) string {
	r.t.Helper()
	ps := url.Values{"CallSid": {callSID}, "AccountSid": {r.sim.AccountSID()}, "CallStatus": {"in-progress"},
		"Direction": {"outbound-api"}}
	var (
		resp *http.Response
		err  error
	)
	if method == http.MethodGet {
		pu, perr := url.Parse(u)
		if perr != nil {
			r.t.Fatal(perr)
		}
		pu.RawQuery = ps.Encode()
		resp, err = http.Get(pu.String())
	} else {
		resp, err = http.PostForm(u, ps)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("%s %s: HTTP %d, want 200 whatever the address", method, u, resp.StatusCode)
	}
	return string(b)
}

// spokenCode is how the document says the code of a caller ID.
func spokenCode(from string) string { return rcml.SpeakDigits(codeOfFrom(from)) }

func TestEachCallGetsItsOwnRCMLTokenSpentWhenTheCallEnds(t *testing.T) {
	r := newCodeRig(t, nil)
	ctx := context.Background()
	first := r.place("+447400123450")  // rings out
	second := r.place("+447400123451") // rings out
	urls := r.createURLs()
	if len(urls) != 2 {
		t.Fatalf("%d creates, want 2", len(urls))
	}
	t1, t2 := r.tokenOf(urls[0]), r.tokenOf(urls[1])
	if t1 == t2 {
		t.Fatal("two calls got the same RCML token")
	}
	for i, tok := range []string{t1, t2} {
		if len(tok)*4 < 128 { // hex: 4 bits a digit
			t.Errorf("token %d carries %d bits, want at least 128", i, len(tok)*4)
		}
		for _, a := range []record.Attempt{first.Attempt, second.Attempt} {
			if strings.Contains(strings.ToLower(a.CallSID), tok[:16]) || strings.Contains(tok, strings.ToLower(a.CallSID[2:])) {
				t.Errorf("token %d is derived from a call SID", i)
			}
		}
	}

	// While the calls are up each token gives its own call's code, and the history holds only the hash.
	for _, c := range []struct {
		tok string
		a   record.Attempt
	}{{t1, first.Attempt}, {t2, second.Attempt}} {
		code, ok := r.svc.CodeFor(ctx, c.tok)
		if !ok || code != codeOfFrom(c.a.From) {
			t.Fatalf("CodeFor(a live call's token) = %q, %v; want its code", code, ok)
		}
		a, err := r.st.LiveAttemptByRCMLToken(ctx, rcmlTokenHash(c.tok))
		if err != nil || a.ID != c.a.ID {
			t.Fatalf("the token's hash finds %+v, %v; want attempt %d", a, err, c.a.ID)
		}
	}
	for _, bad := range []string{"", first.Attempt.CallSID, strings.ToUpper(t1), rcml.NewToken(), t1[:63] + "x"} {
		if code, ok := r.svc.CodeFor(ctx, bad); ok || code != "" {
			t.Errorf("CodeFor(%q) = %q, %v; want nothing", bad, code, ok)
		}
	}

	r.advance(r.svc.queuedLimit() + 2*time.Second)
	for _, res := range []Result{first, second} {
		if a := r.attempt(res.Attempt.ID); a.State != record.StateEnded {
			t.Fatalf("attempt %d is %s, want ended", a.ID, a.State)
		}
	}
	for _, tok := range []string{t1, t2} {
		if code, ok := r.svc.CodeFor(ctx, tok); ok || code != "" {
			t.Errorf("CodeFor(the token of an ended call) = %q, %v; want nothing", code, ok)
		}
	}
	r.noTokenLeaks(t1, t2)
}

// TestAnsweredCallHearsItsCodeAndTheCallSIDRevealsNothing runs the whole way: the simulator answers, fetches
// the call's own Url with GET (its query replaced by Restcomm's parameters), and hears the caller ID's code;
// a fetch that knows only the CallSid hears the neutral phrase, and so does the token once the call is over.
func TestAnsweredCallHearsItsCodeAndTheCallSIDRevealsNothing(t *testing.T) {
	r := newCodeRig(t, nil)
	res := r.place("+447400123456") // answered after about 2 s
	tok := r.tokenOf(r.createURLs()[0])
	sid := res.Attempt.CallSID
	neutral := said(rcml.NoCodePhrase)

	// The call is live and its SID is on every operator's screen: the SID alone gives nothing.
	for _, u := range []string{r.rcml.URL + rcml.StaticPath, r.rcml.URL + rcml.TokenPath, r.rcml.URL + rcml.TokenPath + sid,
		r.rcml.URL + rcml.StaticPath + "?CallSid=" + sid} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if body := r.fetch(method, u, sid); !strings.Contains(body, neutral) {
				t.Errorf("%s %s with the live call's CallSid: %q, want the neutral phrase", method, u, body)
			}
		}
	}
	before := len(r.documents())

	r.advance(3 * time.Second)
	a := r.attempt(res.Attempt.ID)
	if a.Status != "in-progress" || a.AnsweredBy == "" {
		t.Fatalf("at 3 s the call is %s (answered by %q), want answered", a.Status, a.AnsweredBy)
	}
	heard := r.documents()[before:]
	if len(heard) != 1 || heard[0].path != rcml.TokenPath+tok {
		t.Fatalf("the simulator fetched %+v, want one fetch of the call's own address", heard)
	}
	if want := said(spokenCode(a.From)); !strings.Contains(heard[0].body, want) {
		t.Fatalf("the answered call heard %q, want %q", heard[0].body, want)
	}

	r.advance(r.svc.queuedLimit() + 10*time.Second)
	if a := r.attempt(res.Attempt.ID); a.State != record.StateEnded || a.Outcome != record.OutcomeAnswered {
		t.Fatalf("attempt is %s/%s, want ended/answered", a.State, a.Outcome)
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		if body := r.fetch(method, r.rcml.URL+rcml.TokenPath+tok, sid); !strings.Contains(body, neutral) {
			t.Errorf("%s of the token after the call ended: %q, want the neutral phrase", method, body)
		}
	}
	if out := r.logs.String(); !strings.Contains(out, "code_found=true") || strings.Count(out, "code_found=true") != 1 {
		t.Errorf("want exactly one fetch that found the code:\n%s", out)
	}
	r.noTokenLeaks(tok)
}

// TestCallWhoseTokenCannotBeStoredIsNotPlaced: without the hash in the history the document could not speak
// the code, so nothing is dialled.
func TestCallWhoseTokenCannotBeStoredIsNotPlaced(t *testing.T) {
	r := newCodeRig(t, func(st Store) Store { return tokenlessStore{Store: st} })
	_, err := r.svc.Place(context.Background(), r.op, "+447400123450")
	if err == nil || !strings.Contains(err.Error(), "NOT placed") {
		t.Fatalf("Place = %v, want a not-placed history error", err)
	}
	if n := len(r.createURLs()); n != 0 {
		t.Fatalf("%d creates, want none", n)
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("the simulator placed %d calls, want none", n)
	}
}

// tokenlessStore is a history whose token writes fail: a placement that carries a token is refused whole.
type tokenlessStore struct{ Store }

func (t tokenlessStore) InsertAttemptChecked(ctx context.Context, p store.Placement, check func(ctx context.Context, q store.LimitQuerier) error) error {
	if p.RCMLToken != nil {
		return &store.Error{Op: "insert attempt", Kind: store.ErrDiskFull, Err: errors.New("disk full")}
	}
	return t.Store.InsertAttemptChecked(ctx, p, check)
}

func (tokenlessStore) SetRCMLTokenHash(context.Context, int64, store.RCMLTokenHash) error {
	return &store.Error{Op: "store the RCML token", Kind: store.ErrDiskFull, Err: errors.New("disk full")}
}

// noTokenLeaks fails the test when a token appears in the logs, the attempts, their timelines, the audit log
// or an export.
func (r *codeRig) noTokenLeaks(tokens ...string) {
	r.t.Helper()
	ctx := context.Background()
	var where bytes.Buffer
	where.WriteString(r.logs.String())
	rows, err := r.st.History(ctx, store.HistoryQuery{})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, row := range rows {
		where.WriteString(strings.Join([]string{row.Attempt.CallSID, row.Attempt.Error, row.Attempt.Status}, " "))
		trs, err := r.st.Transitions(ctx, row.Attempt.ID)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, tr := range trs {
			where.WriteString(tr.Detail)
		}
	}
	audit, err := r.st.Audit(ctx, record.AuditQuery{})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, e := range audit {
		where.WriteString(e.Detail)
	}
	for _, format := range []string{"json", "csv"} {
		if err := r.st.Export(ctx, &where, store.ExportOptions{Format: format}); err != nil {
			r.t.Fatal(err)
		}
	}
	for _, tok := range tokens {
		if strings.Contains(where.String(), tok) {
			r.t.Errorf("a token is in the logs, the history, the audit log or an export")
		}
	}
}
