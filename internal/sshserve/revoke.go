package sshserve

import "time"

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
