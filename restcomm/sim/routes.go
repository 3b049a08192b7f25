package sim

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// ServeHTTP answers the Calls API under /restcomm/2012-04-24/Accounts/{AccountSid}/: Calls.json (GET list,
// POST create) and Calls/{CallSid}.json (GET fetch, POST modify). Checks run in Restcomm's order: credentials
// (401), the account SID's syntax (500 with a JSON message), the account (500 with the container's HTML error
// page, as an unknown account makes Restcomm's permission check throw), then the operation's own parameters.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !wait(r, s.latency()) {
		return // the client gave up during the injected latency
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		writeText(w, http.StatusServiceUnavailable, "The simulator has been shut down.")
		return
	}

	rest, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if !ok {
		writeEmpty(w, http.StatusNotFound)
		return
	}
	if !s.authorized(r) {
		s.log.Info("sim: request refused: bad or missing credentials", "method", r.Method, "path", r.URL.Path,
			"remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Basic realm="Restcomm realm"`)
		writeEmpty(w, http.StatusUnauthorized)
		return
	}
	parts := strings.Split(rest, "/")
	if acct := parts[0]; acct != s.accountSID {
		if !validAccountSID(acct) {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"message": acct + " is an INVALID_SID sid value."})
			return
		}
		// Restcomm's permission check dereferences the account it did not find; the container answers.
		s.log.Info("sim: request for an unknown account", "method", r.Method, "path", r.URL.Path)
		writeContainerError(w, unknownAccountException)
		return
	}

	var (
		op      Op
		handler func(http.ResponseWriter, *http.Request)
	)
	switch {
	case len(parts) == 2 && parts[1] == "Calls.json":
		switch r.Method {
		case http.MethodGet:
			op, handler = OpList, s.list
		case http.MethodPost:
			op, handler = OpCreate, s.create
		}
	case len(parts) == 3 && parts[1] == "Calls" && strings.HasSuffix(parts[2], ".json"):
		sid := strings.TrimSuffix(parts[2], ".json")
		switch r.Method {
		case http.MethodGet:
			op, handler = OpGet, func(w http.ResponseWriter, r *http.Request) { s.get(w, r, sid) }
		case http.MethodPost:
			op, handler = OpModify, func(w http.ResponseWriter, r *http.Request) { s.modify(w, r, sid) }
		}
	case (len(parts) == 2 || len(parts) == 3) && parts[1] == "Calls":
		// Real Restcomm answers XML here; flashcall always asks for JSON, so the simulator only says so.
		writeText(w, http.StatusNotFound, "This simulator serves JSON only: add .json to the path.")
		return
	default:
		writeEmpty(w, http.StatusNotFound)
		return
	}
	if handler == nil {
		w.Header().Set("Allow", "GET, POST")
		writeEmpty(w, http.StatusMethodNotAllowed)
		return
	}
	if s.injectError(op) {
		s.log.Warn("sim: injected fault: answering 500", "op", string(op), "path", r.URL.Path)
		writeText(w, http.StatusInternalServerError, "Simulated server error (fault injection, "+string(op)+").")
		return
	}
	handler(w, r)
}

// unknownAccountException is what the container's error page reports for an account SID Restcomm does not know.
const unknownAccountException = "java.lang.NullPointerException\n" +
	"\tat org.restcomm.connect.http.security.PermissionEvaluator.secure(PermissionEvaluator.java)"

// authorized checks HTTP Basic credentials: the account SID and the auth token, compared in constant time.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(s.accountSID)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(s.authToken)) == 1
	return userOK && passOK
}

// validAccountSID reports whether s has the shape of an account SID: "AC" and 32 letters or digits.
func validAccountSID(s string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, "AC") {
		return false
	}
	for _, r := range s[2:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
