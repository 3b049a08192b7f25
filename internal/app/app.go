// Package app wires flashcall together from a configuration: the log, the history, the Restcomm client (or
// the embedded simulator behind a loopback listener), the RCML and status-callback server, and the verify
// service. Every command and the SSH server start from here, so they all run the same flow.
package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/flashcall/flashcall/internal/clock"
	"github.com/flashcall/flashcall/internal/config"
	"github.com/flashcall/flashcall/internal/metrics"
	"github.com/flashcall/flashcall/internal/policy"
	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/internal/verify"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
	"github.com/flashcall/flashcall/restcomm/sim"
)

// Version is stamped into the User-Agent.
const Version = "0.1.0"

// Options tune Open for tests and commands.
type Options struct {
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Logger overrides the log file; nil opens the configured file.
	Logger *slog.Logger
	// Clock drives the service and the simulator; nil means the wall clock.
	Clock clock.Clock
	// NoServer skips the RCML/callback server (commands that only read the history).
	NoServer bool
	// NoHistory skips opening the store (the rcml and sim commands).
	NoHistory bool
	// WatchAlarms judges the alarms of [alarms] while the app runs. Only the long-running commands (console,
	// serve) do: a one-off command would raise every alarm that holds anew, each time it runs.
	WatchAlarms bool
}

// App is a running flashcall backend.
type App struct {
	// Config is the configuration it was built from.
	Config *config.Config
	// Store is the history: the SQLite file, or the PostgreSQL database of history.url.
	Store History
	// Client talks to Restcomm or the simulator.
	Client *restcomm.Client
	// Service is the verification flow shared by every screen.
	Service *verify.Service
	// Sim is the embedded simulator, nil with a real backend.
	Sim *sim.Server
	// SimURL is the simulator's base URL on loopback, empty with a real backend.
	SimURL string
	// RCMLURL is the document URL sent with every call. When every call gets an address of its own (the
	// document speaks the code, and flashcall serves it), it is that address's form with a token no call
	// holds: fetching it, as `flashcall doctor` does, gets the document with the neutral phrase.
	RCMLURL string
	// Logger is the log.
	Logger *slog.Logger

	// Metrics are the Prometheus counters, served at MetricsPath on server.listen.
	Metrics *metrics.Metrics
	// Alarms watches the service's figures (nil when [alarms] is off or there is no history).
	Alarms *verify.AlarmWatch

	sessions atomic.Pointer[func() int] // how many SSH sessions are open, once serve says
	closers  []func()
}

// Open builds and starts everything the configuration describes. Close undoes it.
func Open(ctx context.Context, cfg *config.Config, o Options) (_ *App, err error) {
	// a is not the named result: "return nil, err" must leave it to the cleanup below.
	a := &App{Config: cfg}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	getenv := o.Getenv
	if getenv == nil {
		getenv = defaultGetenv
	}
	clk := o.Clock
	if clk == nil {
		clk = clock.Real()
	}
	if o.Logger != nil {
		a.Logger = o.Logger
	} else {
		lg, closeLog, err := OpenLog(cfg, getenv)
		if err != nil {
			return nil, err
		}
		a.Logger = lg
		a.closers = append(a.closers, closeLog)
	}
	base, sid, token := cfg.Restcomm.BaseURL, cfg.Restcomm.AccountSID, cfg.Restcomm.AuthToken.Reveal()
	if cfg.UsesSimulator() {
		// A fresh seed per run: the history outlives the embedded simulator, and call SIDs must never repeat.
		a.Sim = sim.New(sim.Options{Clock: clk, Speed: cfg.Sim.Speed, Seed: time.Now().UnixNano(),
			Logger: a.Logger.With("component", "sim")})
		url, stop, err := serveLoopback(a.Sim)
		if err != nil {
			return nil, fmt.Errorf("starting the embedded simulator: %w", err)
		}
		a.closers = append(a.closers, stop, a.Sim.Close)
		a.SimURL = url + "/restcomm"
		base, sid, token = a.SimURL, a.Sim.AccountSID(), a.Sim.AuthToken()
	}
	a.Metrics = metrics.New(metrics.Gauges{
		LiveCalls: func() int {
			if s := a.Service; s != nil {
				return len(s.Live())
			}
			return 0
		},
		Sessions: a.sessionCount,
		Alarms: func() int {
			if s := a.Service; s != nil {
				return len(s.ActiveAlarms())
			}
			return 0
		},
	})
	a.Client, err = restcomm.New(base, sid, token,
		restcomm.WithUserAgent("flashcall/"+Version),
		restcomm.WithLogger(a.Logger.With("component", "restcomm")),
		restcomm.WithRateLimit(cfg.Call.MaxRequestsPerSecond, cfg.Call.PollWorkers),
		restcomm.WithIdleConns(cfg.Call.PollWorkers),
		restcomm.WithTransportWrapper(a.Metrics.Transport))
	if err != nil {
		return nil, err
	}
	if o.NoHistory {
		return a, nil
	}
	a.Store, err = OpenHistory(ctx, cfg, getenv, false)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = a.Store.Close() })
	// The chain's head goes to the log at every start: a log rewritten from scratch, cut short or deleted
	// shows as a head that no longer matches (flashcall audit verify --head).
	if head, err := a.Store.AuditHead(ctx); err == nil {
		a.Logger.Info("audit chain", "entries", head.Entries, "last", head.LastID, "head", hex.EncodeToString(head.Hash[:]))
	} else {
		a.Logger.Warn("audit chain head unreadable", "err", err)
	}

	var ln net.Listener
	if !o.NoServer {
		ln, err = listen(cfg)
		if err != nil {
			return nil, err
		}
	}
	pol, err := policy.New(cfg.PolicyRules(getenv))
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("the [policy] settings: %w", err)
	}
	pools, err := cfg.CallerIDs()
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("the caller-ID pool: %w", err)
	}
	set := verify.Settings{
		From: cfg.Call.From, CallerIDs: pools, CodeDigits: cfg.Call.CodeDigits, Timeout: cfg.Call.Timeout,
		RCMLURL: cfg.Call.RCMLURL, RCMLMethod: cfg.Call.RCMLMethod,
		PollInterval: cfg.Call.PollInterval.Duration, MaxChecks: cfg.Verify.MaxChecks,
		PollWorkers: cfg.Call.PollWorkers, MaxRequestsPerSecond: cfg.Call.MaxRequestsPerSecond,
		Expiry: cfg.Verify.Expiry.Duration, DefaultRegion: cfg.Call.DefaultRegion,
		LookupWindow: cfg.Call.LookupWindow.Duration, Policy: pol, Retention: cfg.History.Retention.Duration,
		RetentionDelete: cfg.History.RetentionMode == config.RetainDelete, Shared: true,
		Observer: a.Metrics, RestCallerIDs: cfg.Alarms.Enabled && cfg.Alarms.RestCallerIDs,
	}
	public := strings.TrimRight(cfg.Server.PublicURL, "/")
	if public == "" && ln != nil && cfg.UsesSimulator() {
		public = "http://" + ln.Addr().String()
	}
	flash := FlashOptions(cfg)
	switch {
	case set.RCMLURL == "" && public != "" && flash.HasCode():
		// The document speaks the code: each call gets an address of its own with an unguessable token in
		// the path (Restcomm drops the query of a GET fetch), and only that address, while the call is up,
		// hears the code. Knowing a call's SID, which every operator sees, is worth nothing.
		set.RCMLTokenBase = public + rcml.TokenPath
		a.RCMLURL = set.RCMLTokenBase + probeToken
	case set.RCMLURL == "" && public != "":
		// Nothing in the document depends on the call: one shared address, no token needed.
		set.RCMLURL = public + rcml.StaticPath
		a.RCMLURL = set.RCMLURL
	default:
		a.RCMLURL = set.RCMLURL
		if set.RCMLURL != "" && flash.HasCode() {
			a.Logger.Warn("rcml.text speaks " + rcml.CodePlaceholder + ", but call.rcml_url is set: customers hear " +
				"the document at that address; flashcall speaks the code only at the per-call addresses it " +
				"gives when call.rcml_url is empty")
		}
	}
	if public != "" {
		// Each call's StatusCallback is this followed by the call's own token: see verify.CallbackPattern.
		set.StatusCallbackURL = public + "/status/"
	}
	set.AccountSID = sid
	info := verify.Info{Simulated: cfg.UsesSimulator(), Backend: "SIMULATOR", AccountSID: record.MaskSID(sid), SimSpeed: cfg.Sim.Speed,
		Version: Version}
	if !info.Simulated {
		info.Backend = verify.HostOf(base)
	}
	a.Service, err = verify.New(verify.Deps{
		Calls: a.Client, Store: a.Store, Clock: clk, Settings: set, Info: info,
		Logger: a.Logger.With("component", "verify"), RequestTimeout: cfg.Restcomm.RequestTimeout.Duration,
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	a.closers = append(a.closers, a.Service.Close)
	if ln != nil {
		h, err := rcml.NewHandler(flash, a.Service.CodeFor, a.Logger.With("component", "rcml"))
		if err != nil {
			ln.Close()
			return nil, err
		}
		mux := http.NewServeMux()
		mux.Handle(rcml.StaticPath, h)
		mux.Handle(rcml.TokenPattern, h)
		mux.Handle(rcml.TokenPath, h) // any other address under it: the neutral document, never a silent 404
		mux.Handle(verify.CallbackPattern, a.Service.CallbackHandler())
		mux.Handle(MetricsPath, a.Metrics.Handler())
		a.closers = append(a.closers, serveOn(ln, mux))
	}
	if err := a.Service.Start(ctx); err != nil {
		return nil, err
	}
	if o.WatchAlarms {
		a.watchAlarms(cfg)
	}
	return a, nil
}

// Close stops everything Open started, newest first.
func (a *App) Close() {
	if a == nil {
		return
	}
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// probeToken is a well-formed RCML token that no call is ever given (rcml.NewToken draws 256 random bits).
const probeToken = "0000000000000000000000000000000000000000000000000000000000000000"

// FlashOptions turns the [rcml] table into the document options.
func FlashOptions(cfg *config.Config) rcml.FlashOptions {
	return rcml.FlashOptions{Text: cfg.RCML.Text, Voice: cfg.RCML.Voice, Language: cfg.RCML.Language, Loop: cfg.RCML.Loop}
}

// listen opens the RCML/callback listener. With the simulator a busy default port is not worth failing for:
// any loopback port will do, since only the in-process simulator fetches from it.
func listen(cfg *config.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err == nil {
		return ln, nil
	}
	if cfg.UsesSimulator() {
		return net.Listen("tcp", "127.0.0.1:0")
	}
	return nil, fmt.Errorf("server.listen %s: %w (another flashcall running? pick a free port)", cfg.Server.Listen, err)
}

// serveLoopback serves h on a fresh loopback port and returns its root URL and a stop function.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	return "http://" + ln.Addr().String(), serveOn(ln, h), nil
}
