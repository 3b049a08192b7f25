package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Warnings returns things that work but are probably unwise, one sentence each with the fix: a file holding
// the auth token that group or others can read, a token sent over plain http, an API root not ending in
// /restcomm, credentials that the simulator ignores, addresses Restcomm cannot reach. They never contain the
// token.
func (c *Config) Warnings() []string {
	var ws []string
	if c.source != "" && c.tokenInFile && c.sourceMode&0o044 != 0 {
		ws = append(ws, fmt.Sprintf("%s is readable by other users (mode %04o) and holds the auth token: chmod 600 %s",
			c.source, c.sourceMode.Perm(), c.source))
	}
	if c.UsesSimulator() {
		if c.Restcomm.AccountSID != "" || c.Restcomm.AuthToken != "" {
			ws = append(ws, `restcomm credentials are set but restcomm.base_url is "sim": calls go to the `+
				`simulator; set base_url to your Restcomm API root (e.g. https://cloud.restcomm.com/restcomm) `+
				`to use the account`)
		}
		return ws
	}
	if u, err := url.Parse(strings.TrimSpace(c.Restcomm.BaseURL)); err == nil && u.Host != "" && u.User == nil {
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			ws = append(ws, "restcomm.base_url uses plain http: the auth token crosses the network unencrypted; "+
				"use https unless the network between here and Restcomm is trusted")
		}
		if !strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/restcomm") {
			ws = append(ws, fmt.Sprintf("restcomm.base_url %q does not end in /restcomm, where Restcomm's API "+
				"lives: e.g. https://cloud.restcomm.com/restcomm", u.Redacted()))
		}
	}
	for _, k := range []struct{ key, value string }{
		{"server.public_url", c.Server.PublicURL},
		{"call.rcml_url", c.Call.RCMLURL},
	} {
		if u, err := url.Parse(k.value); err == nil && u.Host != "" && isLoopback(u.Hostname()) {
			ws = append(ws, fmt.Sprintf("%s points at this machine (%s): Restcomm cannot reach it unless it "+
				"runs here too; use an address Restcomm can reach", k.key, u.Hostname()))
		}
	}
	return ws
}

// isLoopback reports localhost and loopback addresses.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
