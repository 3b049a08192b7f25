package rcml

import (
	"crypto/rand"
	"encoding/hex"
)

// Where the handler is mounted. StaticPath serves the one document every call shares when the text does not
// speak the code. When it does, each call gets its own address, TokenPath followed by a token of its own:
// the token travels in the PATH because Restcomm replaces the query string of a GET fetch with its own
// parameters (restcomm.md, "How Restcomm fetches the RCML").
const (
	// StaticPath is the address of the shared document.
	StaticPath = "/rcml.xml"
	// TokenPath is the prefix of the per-call addresses: TokenPath + token. Mount the handler on it too, so
	// that any other address under it is answered with the neutral phrase rather than a 404, which Restcomm
	// turns into a silent call.
	TokenPath = "/rcml/"
	// TokenPattern is the http.ServeMux pattern of the per-call addresses; the handler reads the token from
	// its {token} wildcard (http.Request.PathValue).
	TokenPattern = TokenPath + "{token}"
	// TokenBytes is how many random bytes a token carries: 256 bits, beyond any guessing.
	TokenBytes = 32
)

// NewToken returns a fresh per-call token: TokenBytes from crypto/rand, written as 2*TokenBytes lower-case
// hex digits. It is random, never derived from the call SID or anything else an operator sees.
func NewToken() string {
	b := make([]byte, TokenBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails: the program crashes if the system cannot supply randomness
	return hex.EncodeToString(b)
}

// WellFormedToken reports whether s has the form NewToken returns. It says nothing of whether a call holds
// it; it only lets the handler skip the look-up for an address no call was ever given.
func WellFormedToken(s string) bool {
	if len(s) != 2*TokenBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
