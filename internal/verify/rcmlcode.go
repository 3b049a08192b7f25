package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/rcml"
)

// callURLs are the Url and StatusCallback of the create for attempt attemptID. When the document speaks the
// code (Settings.RCMLTokenBase) or status callbacks are on (Settings.StatusCallbackURL), the call gets a
// fresh token whose SHA-256 is stored with the attempt first, so that the document can speak the code and
// callbacks be accepted as soon as the call exists, by any process sharing the history: the Url is then
// RCMLTokenBase + token (else the shared RCMLURL) and the StatusCallback StatusCallbackURL + token (else
// none). The token itself is kept nowhere but in the URLs handed to Restcomm: it is never logged, stored,
// shown or audited.
func (s *Service) callURLs(ctx context.Context, attemptID int64) (rcmlURL, statusURL string, err error) {
	if s.set.RCMLTokenBase == "" && s.set.StatusCallbackURL == "" {
		return s.set.RCMLURL, "", nil
	}
	token := rcml.NewToken()
	if err := s.st.SetRCMLTokenHash(ctx, attemptID, rcmlTokenHash(token)); err != nil {
		return "", "", fmt.Errorf("%w (its own addresses: %v)", ErrHistory, err)
	}
	rcmlURL = s.set.RCMLURL
	if s.set.RCMLTokenBase != "" {
		rcmlURL = s.set.RCMLTokenBase + token
	}
	if s.set.StatusCallbackURL != "" {
		statusURL = s.set.StatusCallbackURL + token
	}
	return rcmlURL, statusURL, nil
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
