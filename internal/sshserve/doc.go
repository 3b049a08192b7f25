// Package sshserve serves the operator console over SSH (`flashcall serve`): every session runs its own Bubble
// Tea program, drawn with the session's own renderer, on the one verification service the whole team shares,
// so limits, live calls and history are team-wide and a call placed in one session shows up live in the others.
//
// Who may log in is decided by an OpenSSH authorized_keys file, read again whenever it changes. Each line names
// its key's operator in its comment ("ssh-ed25519 AAAA... alice"); a session's operator is that name and the
// key's fingerprint, recorded with every attempt, never the user name the client sends. ssh.supervisors
// names the supervisors; everyone else is an operator (see record.Role). A key removed from the file, or
// renamed, ends its open sessions within seconds. Only ed25519, ECDSA and RSA keys of 2048 bits or more are
// accepted. Anonymous access exists only on the simulator, for demos, and the screen then says so. The server
// never holds the Restcomm auth token: it only talks to the verification service.
//
// What a client can make the server spend is bounded: terminal sizes are clamped to 400x200 and window
// changes coalesced (window.go); connections that have not authenticated are bounded in number, in total and
// per address, and in time (auth.go).
//
//	srv, err := sshserve.New(sshserve.Options{Service: svc, HostKeyPath: ..., AuthorizedKeysPath: ...})
//	go srv.Serve(ln)
//	...
//	srv.Shutdown(ctx) // tells every session, then closes them
package sshserve
