// Package sshserve serves the operator console over SSH (`flashcall serve`): every session runs its own Bubble
// Tea program, drawn with the session's own renderer, on the one verification service the whole team shares,
// so limits, live calls and history are team-wide and a call placed in one session shows up live in the others.
//
// Who may log in is decided by an OpenSSH authorized_keys file, read again whenever it changes; each session's
// operator is the SSH user plus the key's fingerprint, recorded with every attempt. Anonymous access exists
// only on the simulator, for demos, and the screen then says so. The server never holds the Restcomm auth
// token: it only talks to the verification service.
//
//	srv, err := sshserve.New(sshserve.Options{Service: svc, HostKeyPath: ..., AuthorizedKeysPath: ...})
//	go srv.Serve(ln)
//	...
//	srv.Shutdown(ctx) // tells every session, then closes them
package sshserve
