package verify

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/restcomm"
)

// faultProxy sits between the client and the simulator and spoils GET replies on demand.
type faultProxy struct {
	mode  atomic.Int32 // 0 pass, 1 malformed JSON, 2 hang until the client gives up
	proxy *httputil.ReverseProxy
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		switch p.mode.Load() {
		case 1:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"sid": "CA123", "status": `))
			return
		case 2:
			<-r.Context().Done()
			return
		}
	}
	p.proxy.ServeHTTP(w, r)
}

func TestMalformedAndTimedOutGetsKeepTheLastStateStale(t *testing.T) {
	for _, c := range []struct {
		name string
		mode int32
	}{{"malformed JSON", 1}, {"timeout", 2}} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, nil)
			target, _ := url.Parse(r.simSrv.URL)
			fp := &faultProxy{proxy: httputil.NewSingleHostReverseProxy(target)}
			front := httptest.NewServer(fp)
			t.Cleanup(front.Close)
			client, err := restcomm.New(front.URL+"/restcomm", r.sim.AccountSID(), r.sim.AuthToken(),
				restcomm.WithRetry(restcomm.RetryPolicy{Attempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			r.svc.Close()
			svc, err := New(Deps{Calls: client, Store: r.st, Clock: r.clk, Settings: r.svc.set,
				RequestTimeout: 150 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(svc.Close)
			if err := svc.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			r.svc = svc
			res := r.place("+447400123450")
			r.advance(2 * time.Second)
			fp.mode.Store(c.mode)
			r.advance(3 * time.Second)
			a := r.attempt(res.Attempt.ID)
			if a.Status != "ringing" || a.StaleSince.IsZero() || a.State != record.StateLive {
				t.Fatalf("during the fault: %s/%s stale %v, want live ringing marked stale", a.State, a.Status, a.StaleSince)
			}
			fp.mode.Store(0)
			r.advance(10 * time.Second)
			a = r.attempt(res.Attempt.ID)
			if a.Outcome != record.OutcomeDelivered || !a.StaleSince.IsZero() {
				t.Fatalf("after the fault: outcome %q stale %v", a.Outcome, a.StaleSince)
			}
		})
	}
}

func TestLockedHistoryMeansNoCall(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	// Another process holds the write lock for longer than the service's store waits.
	st, err := store.OpenWith(ctx, r.dbPath, store.Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st.Close()
	r.st = st
	r.svc.Close()
	r.svc = r.newService(defaultSettings(), r.client)
	locker := lockDatabase(t, r.dbPath)
	_, err = r.svc.Place(ctx, r.op, "+447400123450")
	locker()
	if err == nil || !errors.Is(err, ErrHistory) {
		t.Fatalf("Place with a locked history: %v, want ErrHistory", err)
	}
	if n := len(r.sim.CallLog()); n != 0 {
		t.Fatalf("%d calls placed although the attempt could not be written", n)
	}
}

// lockDatabase takes SQLite's write lock from a connection of its own and returns the function that lets go.
func lockDatabase(t *testing.T, path string) func() {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
}
