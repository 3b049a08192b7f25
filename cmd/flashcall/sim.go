package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // --zone must load on a machine without a zoneinfo database

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/restcomm/sim"
)

const simSynopsis = `sim [--listen 127.0.0.1:8080] [--speed 1] [--restcomm-version 8.4] [--zone UTC] [--latency 0] [--error-rate op=rate,...] [--drop-after-create N] [--hold ops] [--config PATH]

Runs the Restcomm simulator on loopback. The outcome of a call depends on the last digit of the number
called (see the README). --restcomm-version 8.2 ends calls as servers before 8.4 did; --zone sets the
server's time zone, in which it writes every date. Fault flags make it misbehave for reliability tests.

--hold create (or list, get, modify, comma-separated, or none) holds every request of those operations
until a test releases it, and serves control endpoints on the same loopback address, with the simulator's
credentials:
  GET  /sim/held[?min=N&timeout=30s]        what is held (waits until at least N are)
  POST /sim/release?mode=process[&id=N]     process the oldest (or N) as if it had just arrived;
                                            mode=drop closes the connection unhandled (no call),
                                            mode=no-reply handles it and closes without the reply
  POST /sim/hold?ops=create,list|none       change what is held from now on`

// runSim serves the simulator until interrupted.
func runSim(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("sim", simSynopsis, e.stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "host:port to listen on (loopback)")
	speed := fs.Float64("speed", 0, "run the simulated clock this many times faster (default sim.speed, else 1)")
	latency := fs.Duration("latency", 0, "added delay per request")
	rates := fs.String("error-rate", "", "share of 5xx replies per operation, e.g. create=0.5,get=0.2 (ops: create, get, list, modify)")
	drop := fs.Int("drop-after-create", 0, "process the next N creates, then drop the connection without a reply")
	seed := fs.Int64("seed", 0, "seed for call SIDs and fault draws (default: the start time, so SIDs never repeat across runs)")
	version := fs.String("restcomm-version", sim.DefaultVersion, "Restcomm release to imitate: 8.2, or 8.4 and later (8.4, 8.8, 9)")
	zone := fs.String("zone", "UTC", "the server's time zone, an IANA name such as Europe/Madrid")
	hold := fs.String("hold", "", "hold requests of these operations until released through /sim/release (create, get, list, modify, or none: only the control endpoints)")
	pos, help, err := parseArgs(fs, e.args)
	if help {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(pos) > 0 {
		return usageError(fs, e.stderr, "unexpected argument %q", pos[0])
	}
	if *speed <= 0 {
		*speed = 1
		if *cfgPath != "" {
			cfg, code := loadConfig(*cfgPath, e)
			if cfg == nil {
				return code
			}
			*speed = cfg.Sim.Speed
		}
	}
	if err := sim.CheckVersion(*version); err != nil {
		return usageError(fs, e.stderr, "--restcomm-version: %v", err)
	}
	loc, err := loadZone(*zone)
	if err != nil {
		return usageError(fs, e.stderr, "--zone: %v", err)
	}
	faults := sim.Faults{Latency: *latency, DropAfterCreate: *drop}
	if *rates != "" {
		faults.ErrorRate, err = parseRates(*rates)
		if err != nil {
			return usageError(fs, e.stderr, "%v", err)
		}
	}
	var holdOps []sim.Op
	if *hold != "" {
		if holdOps, err = sim.ParseOps(*hold); err != nil {
			return usageError(fs, e.stderr, "--hold: %v", err)
		}
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano()
	}
	logger := app.NewLogger(e.stderr, "info")
	s := sim.New(sim.Options{Speed: *speed, Faults: faults, Seed: *seed, Logger: logger, Version: *version,
		Location: loc})
	defer s.Close()
	if !loopbackAddr(*listen) {
		return usageError(fs, e.stderr, "--listen %s is not a loopback address: the simulator prints its credentials "+
			"and serves anyone who connects, so it listens on this machine only (127.0.0.1:PORT or [::1]:PORT); to "+
			"reach it from elsewhere, tunnel to it (ssh -L 8080:127.0.0.1:8080 HOST)", *listen)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(e.stderr, "flashcall sim: %v (pick another --listen port)\n", err)
		return exitUsage
	}
	var handler http.Handler = s
	var holder *sim.Holder
	if *hold != "" {
		holder = sim.NewHolder(s, holdOps...)
		mux := http.NewServeMux()
		mux.Handle(sim.ControlPrefix, holder.ControlHandler())
		mux.Handle("/", holder)
		handler = mux
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(e.stdout, s.Describe("http://"+ln.Addr().String()+"/restcomm"))
	if holder != nil {
		fmt.Fprintf(e.stdout, "Holding %s requests until released: see http://%s%sheld (flashcall sim --help).\n",
			holdList(holder.Holding()), ln.Addr(), sim.ControlPrefix)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if holder != nil {
		// Held requests must not keep the server's shutdown waiting: they are dropped first.
		defer holder.Close()
	}
	select {
	case <-ctx.Done():
		if holder != nil {
			holder.Close()
		}
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return exitOK
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(e.stderr, "flashcall sim: %v\n", err)
			return exitNotDone
		}
		return exitOK
	}
}

// holdList names the held operations for the banner.
func holdList(ops []sim.Op) string {
	if len(ops) == 0 {
		return "no"
	}
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = string(op)
	}
	return strings.Join(names, ", ")
}

// loadZone reads the --zone flag: an IANA zone name ("Local" is refused, since a callback's Timestamp carries
// the zone's name and "Local" names nothing a receiver can look up).
func loadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("%q: name a zone such as UTC or Europe/Madrid", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not a known time zone (use an IANA name such as Europe/Madrid)", name)
	}
	return loc, nil
}

// parseRates reads "create=0.5,get=0.1".
func parseRates(s string) (map[sim.Op]float64, error) {
	out := map[sim.Op]float64{}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("--error-rate %q: use op=rate, e.g. create=0.5", part)
		}
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r < 0 || r > 1 {
			return nil, fmt.Errorf("--error-rate %q: the rate must be a number from 0 to 1", part)
		}
		op := sim.Op(strings.ToLower(k))
		switch op {
		case sim.OpCreate, sim.OpGet, sim.OpList, sim.OpModify:
		default:
			return nil, fmt.Errorf("--error-rate: unknown operation %q (create, get, list, modify)", k)
		}
		out[op] = r
	}
	return out, nil
}

// loopbackAddr reports whether host:port names this machine only: "localhost" or a loopback IP address.
func loopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
