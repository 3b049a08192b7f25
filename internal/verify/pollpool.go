package verify

import (
	"sync"
	"time"

	"github.com/flashcall/flashcall/internal/record"
	"github.com/flashcall/flashcall/restcomm"
)

// DefaultPollWorkers is the size of the poll pool when Settings.PollWorkers is zero, and call.poll_workers'
// default. Measured with BenchmarkTrackLiveCalls on 2 cores: 16 GET each of 100 live calls at 20 ms latency on
// its 1 s rate (about 100 requests a second, 0.09 core with the simulator); past what they can fetch one by
// one within an interval the tracker reads one list page per interval instead, so more workers would only
// add load on Restcomm.
const DefaultPollWorkers = 16

// workers is the size of the poll pool.
func (s *Service) workers() int {
	if s.set.PollWorkers > 0 {
		return s.set.PollWorkers
	}
	return DefaultPollWorkers
}

// tick runs on the schedule's timer: it hands the calls now due to the workers, reads a list page when one is
// due, and returns once all of that is done (on a fake clock, Advance therefore sees every effect). The next
// timer is armed before the work starts, so a slow pass never holds back the calls due after it.
func (s *Service) tick() {
	s.mu.Lock()
	s.sched.timer = nil
	s.sched.timerAt = time.Time{}
	if s.closed {
		s.mu.Unlock()
		return
	}
	fetch, list := s.takeDueLocked(s.clk.Now())
	s.armLocked()
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	jobs := make([]func(), 0, len(fetch))
	for _, t := range fetch {
		jobs = append(jobs, func() { s.fetch(t) })
	}
	wait := s.runJobs(jobs)
	if list {
		s.listLive()
	}
	wait()
}

// runJobs hands jobs to the bounded pool of poll workers (started on first use, s.workers() of them) and
// returns a function that waits for them to end. A job not yet handed out when the service closes is
// dropped.
func (s *Service) runJobs(jobs []func()) (wait func()) {
	if len(jobs) == 0 {
		return func() {}
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return func() {}
	}
	if s.jobs == nil {
		s.jobs = make(chan func())
		n := s.workers()
		s.wg.Add(n)
		for range n {
			go s.worker(s.jobs)
		}
	}
	ch := s.jobs
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		select {
		case ch <- func() { defer wg.Done(); j() }:
		case <-s.ctx.Done():
			wg.Done()
		}
	}
	return wg.Wait
}

// worker runs jobs until the service closes.
func (s *Service) worker(jobs <-chan func()) {
	defer s.wg.Done()
	for {
		select {
		case j := <-jobs:
			j()
		case <-s.ctx.Done():
			return
		}
	}
}

// fetch follows one due call: a GET by its SID, or, for a create of unknown outcome, a look-up in the call
// list; then the bounds of stuck calls.
func (s *Service) fetch(t tracked) {
	id := t.attempt.ID
	s.mu.Lock()
	if lt, ok := s.live[id]; ok {
		lt.lastFetch = s.clk.Now()
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if lt, ok := s.live[id]; ok {
			lt.inFlight = false
		}
		s.mu.Unlock()
	}()
	if s.ctx.Err() != nil {
		return
	}
	if t.attempt.CallSID == "" {
		s.lookUp(t)
	} else {
		s.refresh(t.attempt)
	}
	s.checkBounds(id)
}

// listLive reads one page of Restcomm's call list, newest first, big enough for every live call, and merges
// each live call it shows as a poll would; each call shown is due again only after the next page should have
// shown it. Calls the page does not show (older than the page reaches) keep their own due times and are
// fetched one by one. Then the bounds of stuck calls apply to every live call, as after a GET.
func (s *Service) listLive() {
	defer func() {
		s.mu.Lock()
		s.sched.listing = false
		s.armLocked()
		s.mu.Unlock()
	}()
	s.listMu.Lock()
	defer s.listMu.Unlock()
	s.mu.Lock()
	n := len(s.live)
	var oldest time.Time
	for _, t := range s.live {
		if oldest.IsZero() || t.sentAt.Before(oldest) {
			oldest = t.sentAt
		}
	}
	s.mu.Unlock()
	if n == 0 {
		return
	}
	size := min(n+listMargin, listPageMax)
	f := restcomm.ListFilter{StartTime: oldest.UTC().Add(-24 * time.Hour), PageSize: size}
	ctx, cancel := s.reqCtx(s.ctx)
	defer cancel()
	sent := s.clk.Now()
	var page []restcomm.Call
	for c, err := range s.calls.ListCalls(ctx, f) {
		if err != nil {
			s.log.Warn("call list page failed", "err", err)
			s.listFailed(err)
			return
		}
		page = append(page, c)
		if len(page) >= size {
			break // one page: the next one would be another request
		}
	}
	fetched := s.clk.Now()
	// The live calls the page shows are due again only after the next page should have shown them.
	iv := s.set.PollInterval
	ids, calls := make([]int64, 0, len(page)), make([]restcomm.Call, 0, len(page))
	s.mu.Lock()
	for _, c := range page {
		id, ok := s.bySID[c.SID]
		if t := s.live[id]; ok && t != nil {
			t.lastFetch = sent
			s.setDueLocked(id, sent.Add(iv+iv/4))
			ids, calls = append(ids, id), append(calls, c)
		}
	}
	s.mu.Unlock()
	s.applyAll(s.ctx, ids, calls, record.SourcePoll)
	s.log.Debug("call list page", "live", n, "shown", len(page), "live shown", len(ids), "fetch", fetched.Sub(sent), "took", s.clk.Now().Sub(sent))
	s.mu.Lock()
	all := make([]int64, 0, len(s.live))
	for id := range s.live {
		all = append(all, id)
	}
	s.mu.Unlock()
	for _, id := range all {
		s.checkBounds(id)
	}
}

// listFailed marks every live call stale after a list page failed, as a failed GET marks its call: each keeps
// its last known state, with the error, until a page or a GET reads it again.
func (s *Service) listFailed(err error) {
	s.mu.Lock()
	var calls []record.Attempt
	for _, t := range s.live {
		if t.attempt.CallSID != "" {
			calls = append(calls, t.attempt)
		}
	}
	s.mu.Unlock()
	for _, a := range calls {
		if s.ctx.Err() != nil {
			return
		}
		s.pollFailed(a, err)
	}
}
