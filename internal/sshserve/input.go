package sshserve

import (
	"errors"
	"io"
	"sync"
)

// errQueryTimeout ends a terminal query that the client did not answer in time.
var errQueryTimeout = errors.New("the terminal did not answer in time")

// sessionInput is a session's keyboard, read by one goroutine that it owns. It exists for three reasons:
// every chunk of input marks the session active (idle_timeout counts key presses, not screen updates); a
// read can be abandoned (the renderer's terminal query must not wait forever on a client that does not
// answer, and the program's reader must end when the program does, not when the client disconnects); and
// only one reader is ever blocked on the SSH channel.
type sessionInput struct {
	chunks chan []byte   // closed by the pump when the channel ends
	done   chan struct{} // closed by Close
	once   sync.Once
	touch  func()

	// pending is what is left of the last chunk. Only one goroutine reads at a time (the renderer's query,
	// then the program), and the program's reader starts after the query returned.
	pending []byte
}

// newSessionInput starts pumping r; touch is called on every chunk read.
func newSessionInput(r io.Reader, touch func()) *sessionInput {
	in := &sessionInput{chunks: make(chan []byte, 8), done: make(chan struct{}), touch: touch}
	go in.pump(r)
	return in
}

// pump copies r into chunks until r ends or the input is closed. It returns when the SSH channel closes,
// which the server does as soon as the session's handler returns.
func (in *sessionInput) pump(r io.Reader) {
	defer close(in.chunks)
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			in.touch()
			select {
			case in.chunks <- append([]byte(nil), buf[:n]...):
			case <-in.done:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// Read returns the next input, or io.EOF once the client has gone or the input was closed.
func (in *sessionInput) Read(p []byte) (int, error) { return in.read(p, nil) }

// read is Read that also gives up with errQueryTimeout when stop is closed.
func (in *sessionInput) read(p []byte, stop <-chan struct{}) (int, error) {
	if len(in.pending) == 0 {
		select {
		case c, ok := <-in.chunks:
			if !ok {
				return 0, io.EOF
			}
			in.pending = c
		case <-in.done:
			return 0, io.EOF
		case <-stop:
			return 0, errQueryTimeout
		}
	}
	n := copy(p, in.pending)
	in.pending = in.pending[n:]
	return n, nil
}

// Close makes every read, present and future, return io.EOF.
func (in *sessionInput) Close() {
	in.once.Do(func() { close(in.done) })
}
