package tui

// A session's View runs after every message: a spinner tick, another session's call, a presence change.
// Most of the screen is the same as in the last frame, so the costly pieces (the history's rows, the detail
// pane, the header, the help line) are kept as rendered, with the inputs they were drawn from as their key,
// and drawn again only when those change. A key holds everything its piece depends on, so a memo is right
// by construction and never invalidated by hand.

// memo holds one rendered piece and its key.
type memo[K comparable] struct {
	key K
	out string
	ok  bool
}

// get returns the piece for key, drawing it only when the key differs from the last one. A nil memo draws
// every time.
func (c *memo[K]) get(key K, draw func() string) string {
	if c == nil {
		return draw()
	}
	if !c.ok || c.key != key {
		c.key, c.out, c.ok = key, draw(), true
	}
	return c.out
}

// memoSet holds pieces drawn in the last two frames (the history's rows), so it never holds more than two
// screens of them: begin starts a frame, and what the frame before it did not use again is dropped.
type memoSet[K comparable] struct {
	cur, prev map[K]string
}

func newMemoSet[K comparable]() *memoSet[K] {
	return &memoSet[K]{cur: map[K]string{}, prev: map[K]string{}}
}

// begin starts a frame.
func (c *memoSet[K]) begin() {
	if c == nil {
		return
	}
	c.prev, c.cur = c.cur, c.prev
	clear(c.cur)
}

// get returns the piece for key, drawn in this frame or the last one, or draws it. A nil set draws every
// time.
func (c *memoSet[K]) get(key K, draw func() string) string {
	if c == nil {
		return draw()
	}
	out, ok := c.cur[key]
	if !ok {
		if out, ok = c.prev[key]; !ok {
			out = draw()
		}
		c.cur[key] = out
	}
	return out
}
