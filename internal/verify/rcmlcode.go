package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/flashcall/flashcall/internal/store"
	"github.com/flashcall/flashcall/rcml"
)

// rcmlURL is the Url of the create for attempt attemptID. With Settings.RCMLTokenBase set it is the call's own
// address, carrying a fresh token whose SHA-256 is stored with the attempt first (so the document can speak
// the code as soon as the call is answered, from any process sharing the history); otherwise the shared
// Settings.RCMLURL. The token itself is kept nowhere but in the URL handed to Restcomm: it is never logged,
// stored, shown or audited.
func (s *Service) rcmlURL(ctx context.Context, attemptID int64) (string, error) {
	if s.set.RCMLTokenBase == "" {
		return s.set.RCMLURL, nil
	}
	token := rcml.NewToken()
	if err := s.st.SetRCMLTokenHash(ctx, attemptID, rcmlTokenHash(token)); err != nil {
		return "", fmt.Errorf("%w (its RCML address: %v)", ErrHistory, err)
	}
	return s.set.RCMLTokenBase + token, nil
}

// rcmlTokenHash is what the history keeps of an RCML token.
func rcmlTokenHash(token string) store.RCMLTokenHash { return sha256.Sum256([]byte(token)) }

// CodeFor is the rcml.CodeLookup of the document that speaks the code to a customer who answered: the code of
// the call whose own RCML address carries token, while that call is placing or live. A malformed token, one
// no attempt holds, or one whose call has ended gives ok false; so does a history that cannot be read (and
// that is logged, without the token). Only the token's SHA-256 is looked up, in the history, so any process
// sharing it answers for calls any of them placed.
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
	return s.codeOf(a.From), true
}
