package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flashcall/flashcall/rcml"
)

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// dbBytes is the size of the history database at path with its write-ahead log.
func dbBytes(path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// The bounds TestHostileHTTPClients holds the server to, with every idle connection still open.
const (
	floodHeapBound = 64 << 20 // bytes of heap the flood may leave behind
	floodDBBound   = 256 << 10
)

// TestHostileHTTPClients: 300 idle connections, some stalled half-way through their headers; a request whose
// body stalls half-way; 3,000 forged status callbacks (random tokens, wrong addresses, huge values). The
// stalled body is cut off (within httpReadTimeout), the heap and the database stay within the bounds above,
// and the RCML document is still served.
func TestHostileHTTPClients(t *testing.T) {
	a, _, _ := openSim(t, "")
	dbPath := a.Config.History.Path
	base, _ := strings.CutSuffix(a.RCMLURL, rcml.StaticPath)
	host := strings.TrimPrefix(base, "http://")
	heap0, db0 := heapInUse(), dbBytes(dbPath)

	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for i := range 300 {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		if i%3 == 0 {
			fmt.Fprintf(c, "GET /rcml.xml HTTP/1.1\r\nHost: %s\r\nX-Slow: ", host) // headers never end
		}
		idle = append(idle, c)
	}

	// A body that stalls half-way is cut off by the server, not held for ever.
	stalled, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	fmt.Fprintf(stalled, "POST /status/%064x HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 2000\r\n\r\nCallSid=CA", 1, host)
	cut := make(chan error, 1)
	go func() {
		_ = stalled.SetReadDeadline(time.Now().Add(3 * httpReadTimeout))
		_, err := io.Copy(io.Discard, bufio.NewReader(stalled))
		cut <- err
	}()

	// 3,000 forged callbacks from 16 clients.
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 30 * time.Second}
	var mu sync.Mutex
	codes := map[int]int{}
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 / 16 {
				n := w*1000 + i
				path := fmt.Sprintf("/status/%064x", n)
				switch i % 4 {
				case 1:
					path = fmt.Sprintf("/status/CA%032x", n)
				case 2:
					path = fmt.Sprintf("/status/%064x/more", n)
				}
				form := url.Values{"CallSid": {fmt.Sprintf("CA%032x", n)}, "CallStatus": {"ringing"},
					"SequenceNumber": {fmt.Sprint(n)}}
				if i%4 == 3 {
					form.Set("CallStatus", strings.Repeat("r", 60<<10))
				}
				resp, err := client.PostForm(base+path, form)
				if err != nil {
					t.Errorf("forged callback: %v", err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for code := range codes {
		if code < 400 {
			t.Errorf("%d forged callbacks answered %d", codes[code], code)
		}
	}

	resp, err := http.Get(base + rcml.StaticPath)
	if err != nil {
		t.Fatalf("RCML document under the flood: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<Response>") {
		t.Fatalf("RCML document under the flood: HTTP %d %q", resp.StatusCode, body)
	}

	if err := <-cut; err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("a stalled body was held for %s", 3*httpReadTimeout)
		}
	}
	if grew := int64(heapInUse()) - int64(heap0); grew > floodHeapBound {
		t.Errorf("the heap grew by %d MB, bound %d MB", grew>>20, floodHeapBound>>20)
	}
	if grew := dbBytes(dbPath) - db0; grew > floodDBBound {
		t.Errorf("the database grew by %d KB, bound %d KB", grew>>10, floodDBBound>>10)
	}
}

// TestIdleConnectionsMakeRoom: at the connection bound, the one idle longest is closed for a new one, and
// connections busy with a request are not.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	l := &connLimiter{max: 2, conns: map[net.Conn]*connInfo{}}
	a, b, c := &fakeConn{}, &fakeConn{}, &fakeConn{}
	l.track(a, http.StateNew)
	l.track(b, http.StateNew)
	l.track(b, http.StateActive)
	l.track(c, http.StateNew)
	if !a.closed || b.closed || l.open() != 2 {
		t.Fatalf("closed a=%v b=%v, %d open; want the idle a closed, busy b kept, 2 open", a.closed, b.closed, l.open())
	}
	d := &fakeConn{}
	l.track(c, http.StateActive)
	l.track(d, http.StateNew) // every one busy: nobody is closed, the bound is exceeded for the moment
	if b.closed || c.closed || l.open() != 3 {
		t.Fatalf("a busy connection was closed, or %d open", l.open())
	}
}

// fakeConn is a net.Conn that only records Close.
type fakeConn struct {
	net.Conn
	closed bool
}

func (f *fakeConn) Close() error { f.closed = true; return nil }
