package sshserve

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultKeyPollInterval is how often the server rereads the authorized_keys file (when it changed) to end
// the sessions of keys that were removed or changed.
const DefaultKeyPollInterval = 2 * time.Second

// A session lives as long as its key: when its key is no longer listed in authorized_keys under the same
// operator name (the line was removed, renamed, given an option flashcall cannot honour, or the file is gone
// or unreadable), the session is told and ended, and the audit log records it. So that a file caught half
// written by an editor does not end anybody's session, a key must be missing at two reads in a row, one
// poll interval apart, before its sessions end: within two to three intervals (4-6 s by default). SIGHUP
// (ReloadKeys) ends them at once.

// startKeyWatchLocked starts polling the authorized_keys file, once. The caller holds s.mu.
func (s *Server) startKeyWatchLocked() {
	if s.watching || s.closing || s.anonymous {
		return
	}
	s.watching = true
	s.watch = s.clk.AfterFunc(s.pollEvery, s.pollKeys)
}

// stopKeyWatchLocked stops the polling. The caller holds s.mu.
func (s *Server) stopKeyWatchLocked() {
	if s.watch != nil {
		s.watch.Stop()
		s.watch = nil
	}
}

// pollKeys rereads the file if it changed, checks every session's key, and polls again later.
func (s *Server) pollKeys() {
	set, _ := s.keys.refresh(false)
	s.checkSessionKeys(set, false)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.watch == nil {
		return
	}
	s.watch = s.clk.AfterFunc(s.pollEvery, s.pollKeys)
}

// checkSessionKeys ends the sessions whose key set no longer lists under their operator's name: at once
// when now is set, else when it was missing at the previous check too.
func (s *Server) checkSessionKeys(set *AuthorizedKeys, now bool) {
	if s.anonymous {
		return
	}
	s.auditKeysReload(now)
	s.mu.Lock()
	live := make([]*session, 0, len(s.sessions))
	for _, st := range s.sessions {
		live = append(live, st)
	}
	s.mu.Unlock()
	for _, st := range live {
		if st.key == nil {
			continue
		}
		name, ok := set.Allows(st.key)
		if ok && name == st.op.Name {
			st.keyMissing.Store(false)
			continue
		}
		if st.keyMissing.Swap(true) || now {
			st.log.Warn("ssh session ended: its key was removed from or changed in authorized_keys",
				"still_listed", ok)
			st.end(endRevoked)
		}
	}
}

// reloadAuditor is the part of the verification service that records configuration reloads in the audit log
// (*verify.Service has it).
type reloadAuditor interface {
	AuditConfigReloaded(ctx context.Context, remote, what string) error
}

// auditKeysReload records in the audit log a read of the authorized_keys file that changed what it allows,
// or any read on SIGHUP (sighup): how many keys, and which operators' keys were added or removed. A failure is
// logged; the keys read still apply.
func (s *Server) auditKeysReload(sighup bool) {
	auditor, ok := s.svc.(reloadAuditor)
	if !ok {
		return
	}
	was, now, err, ok := s.keys.takeReload(sighup)
	if !ok {
		return
	}
	why := "after it changed"
	if sighup {
		why = "on SIGHUP"
	}
	detail := fmt.Sprintf("ssh.authorized_keys %s reread %s: ", s.keys.path, why)
	if err != nil {
		detail += fmt.Sprintf("unreadable (%v): nobody can log in with a key", err)
	} else {
		detail += counted(now.Len(), "key") + ", " + counted(len(now.Problems()), "line") + " skipped"
	}
	added, removed := keyChanges(was, now)
	if len(added)+len(removed) == 0 {
		detail += "; no operator's key added or removed"
	}
	if len(added) > 0 {
		detail += "; added: " + nameList(added)
	}
	if len(removed) > 0 {
		detail += "; removed: " + nameList(removed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
	defer cancel()
	if aerr := auditor.AuditConfigReloaded(ctx, "ssh", detail); aerr != nil {
		s.log.Error("authorized keys reload not recorded in the audit log", "error", aerr)
	}
}

// keyChanges returns the names of the operators whose keys now lists and was did not (under that name), and
// of those was listed and now does not, each sorted and without repeats.
func keyChanges(was, now *AuthorizedKeys) (added, removed []string) {
	diff := func(a, b *AuthorizedKeys) []string {
		var out []string
		for k, e := range a.keys {
			if f, ok := b.keys[k]; !ok || f.name != e.name {
				out = append(out, e.name)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return diff(now, was), diff(was, now)
}

// maxNamesListed bounds how many operators' names one reload's audit entry lists.
const maxNamesListed = 20

// nameList joins names, at most maxNamesListed of them.
func nameList(names []string) string {
	if len(names) <= maxNamesListed {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxNamesListed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNamesListed)
}

// counted writes n and the noun, plural unless n is 1: "1 key", "3 keys".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
