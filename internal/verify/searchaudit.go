package verify

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

// Searching the history by digits. The screen shows a number's country code and its last 3 digits; a search
// by 4 to 8 trailing digits (what customers give) or by a whole number finds rows by more of the number than
// that, so trying digit after digit could uncover hidden ones. Such searches are audited: who, how many
// digits, never more of them than the screen shows. One entry per operator and digits per searchMemory,
// since the console searches again on every keystroke and page.

// searchMemory is how long a search is remembered, not audited again.
const searchMemory = 10 * time.Minute

// maxSearchesRemembered bounds the memory of searches; the oldest are forgotten first.
const maxSearchesRemembered = 4096

// searchLog remembers the searches audited lately.
type searchLog struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// fresh reports whether key was not audited within searchMemory of now, and remembers it.
func (l *searchLog) fresh(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]time.Time{}
	}
	if at, ok := l.seen[key]; ok && now.Sub(at) < searchMemory && !now.Before(at) {
		return false
	}
	if len(l.seen) >= maxSearchesRemembered {
		for k, at := range l.seen {
			if now.Sub(at) >= searchMemory || len(l.seen) >= maxSearchesRemembered {
				delete(l.seen, k)
			}
		}
	}
	l.seen[key] = now
	return true
}

// auditSearch records a search by more digits than the screen shows.
func (s *Service) auditSearch(ctx context.Context, op record.Operator, f *record.HistoryFilter) {
	log := &s.searches
	now := s.clk.Now()
	var terms []string
	for _, t := range f.Tails {
		if len(t) > 3 {
			terms = append(terms, fmt.Sprintf("numbers ending in %d digits (…%s)", len(t), t[len(t)-3:]))
		}
	}
	for _, n := range f.Numbers {
		if n != "" {
			terms = append(terms, "the number "+record.MaskNumber(n))
		}
	}
	for _, t := range terms {
		if log.fresh(op.String()+"\x00"+t, now) {
			s.audit(ctx, op, record.AuditHistorySearched, "", 0, 0, "history searched for "+t)
		}
	}
}
