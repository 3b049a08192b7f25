package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/rcml"
	"github.com/flashcall/flashcall/restcomm"
)

// runDoctor checks the configuration, the credentials and the RCML URL, and says how to fix what fails.
func runDoctor(ctx context.Context, e env) int {
	fs, cfgPath := flagSet("doctor", "doctor [--config PATH]", e.stderr)
	if code, done := parseNoArgs(fs, e.args, e.stderr); done {
		return code
	}
	cfg, code := loadConfig(*cfgPath, e)
	if cfg == nil {
		fmt.Fprintln(e.stdout, "FAIL configuration (see above)")
		return code
	}
	src := cfg.Source()
	if src == "" {
		src = "no file: defaults and environment (embedded simulator)"
	}
	fmt.Fprintf(e.stdout, "ok   configuration: %s\n", src)
	a, err := app.Open(ctx, cfg, app.Options{Getenv: e.getenv})
	if err != nil {
		fmt.Fprintf(e.stdout, "FAIL start-up: %v\n", err)
		return exitUsage
	}
	defer a.Close()
	fmt.Fprintf(e.stdout, "ok   history: %s\n", a.Store.Path())
	worst := exitOK

	cctx, cancel := context.WithTimeout(ctx, cfg.Restcomm.RequestTimeout.Duration)
	_, err = a.Client.ListCallsPage(cctx, restcomm.ListFilter{PageSize: 1}, 0)
	cancel()
	backend := a.Service.Info().Backend
	if err != nil {
		fmt.Fprintf(e.stdout, "FAIL credentials for %s: %v\n", backend, err)
		worst = exitAPI
	} else {
		fmt.Fprintf(e.stdout, "ok   credentials: %s accepted account %s\n", backend, a.Service.Info().AccountSID)
	}

	if err := checkRCML(ctx, a.RCMLURL, cfg.Call.RCMLMethod); err != nil {
		fmt.Fprintf(e.stdout, "FAIL RCML document at %s: %v\n", a.RCMLURL, err)
		if worst == exitOK {
			worst = exitNotDone
		}
	} else {
		fmt.Fprintf(e.stdout, "ok   RCML document: %s serves a valid document\n", a.RCMLURL)
	}
	if cfg.Server.PublicURL == "" && a.Sim == nil {
		fmt.Fprintln(e.stdout, "note status callbacks are off (server.public_url is empty): calls are tracked by polling only")
	}
	return worst
}

// checkRCML fetches the document the way Restcomm would and checks what Restcomm checks.
func checkRCML(ctx context.Context, url, method string) error {
	if url == "" {
		return errors.New("no RCML URL: set call.rcml_url, or server.public_url so flashcall serves it")
	}
	if method == "" {
		method = http.MethodPost
	}
	cctx, cancel := context.WithTimeout(ctx, 6*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(cctx, method, url, nil)
	if err != nil {
		return err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%v (Restcomm must be able to reach this URL)", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: Restcomm needs 200", resp.StatusCode)
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "text/xml" && mt != "application/xml" {
		return fmt.Errorf("Content-Type %q: serve it as text/xml", resp.Header.Get("Content-Type"))
	}
	doc, err := rcml.Parse(body)
	if err != nil {
		return err
	}
	return rcml.Validate(doc)
}
