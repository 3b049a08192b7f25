package verify

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/rcml"
)

// callToken is a new call's token and the SHA-256 that Place stores with its attempt, in the transaction that
// writes it, when the document speaks the code (Settings.RCMLTokenBase) or status callbacks are on
// (Settings.StatusCallbackURL): the document can then speak the code and callbacks be accepted as soon as the
// call exists, by any process sharing the history. Without either, there is no token ("", nil). The token
// itself is kept nowhere but in the URLs handed to Restcomm: it is never logged, stored, shown or audited.
func (s *Service) callToken() (string, *store.RCMLTokenHash) {
	if s.set.RCMLTokenBase == "" && s.set.StatusCallbackURL == "" {
		return "", nil
	}
	token := rcml.NewToken()
	hash := rcmlTokenHash(token)
	return token, &hash
}

// callURLs are the Url and StatusCallback of the create of a call with this token (from callToken): the Url
// is RCMLTokenBase + token (else the shared RCMLURL) and the StatusCallback StatusCallbackURL + token (else
// none).
func (s *Service) callURLs(token string) (rcmlURL, statusURL string) {
	rcmlURL = s.set.RCMLURL
	if token == "" {
		return rcmlURL, ""
	}
	if s.set.RCMLTokenBase != "" {
		rcmlURL = s.set.RCMLTokenBase + token
	}
	if s.set.StatusCallbackURL != "" {
		statusURL = s.set.StatusCallbackURL + token
	}
	return rcmlURL, statusURL
}

// rcmlTokenHash is what the history keeps of an RCML token.
func rcmlTokenHash(token string) store.RCMLTokenHash { return sha256.Sum256([]byte(token)) }

// CodeFor is the rcml.CodeLookup of the document that speaks the code to a customer who answered: the code of
// the call whose own RCML address carries token, while that call is placing or live. A malformed token, one
// no attempt holds, or one whose call has ended gives ok false; so does a history that cannot be read (and
// that is logged, without the token). Only the token's SHA-256 is looked up, in the history, so any process
// sharing it answers for calls any of them placed. Every code served is audited first (record.AuditCodeSpoken,
// the attempt, its verification and the masked number; never the code or the token): when the entry cannot
// be written, ok is false and the neutral phrase is spoken instead.
func (s *Service) CodeFor(ctx context.Context, token string) (string, bool) {
	if !rcml.WellFormedToken(token) {
		return "", false
	}
	a, err := s.st.LiveAttemptByRCMLToken(ctx, rcmlTokenHash(token))
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("rcml code look-up failed: the neutral phrase is spoken instead", "err", err)
		}
		return "", false
	}
	if err := s.auditCodeSpoken(ctx, a); err != nil {
		s.log.Error("the code's fetch could not be audited: the neutral phrase is spoken instead", "attempt", a.ID, "err", err)
		return "", false
	}
	return s.codeOf(a.From), true
}
