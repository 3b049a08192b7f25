package main

import (
	"context"
	"os"
	"time"

	"github.com/flashcall/flashcall/internal/app"
	"github.com/flashcall/flashcall/internal/verify"
)

// instancesRecent is how far back doctor lists the instances that had the history open: a few heartbeats.
const instancesRecent = 4 * verify.InstanceBeat

// reportHistory prints where the history is, the engine's version, and the instances seen recently on it
// (doctor's own process among them, marked).
func reportHistory(ctx context.Context, out *doctorOut, h app.History) {
	ver, err := h.ServerVersion(ctx)
	if err != nil {
		out.printf("FAIL history: %s %s: %v", h.Engine(), h.Name(), err)
		return
	}
	out.printf("ok   history: %s %s at %s", h.Engine(), ver, h.Name())
	now := time.Now()
	ins, err := h.Instances(ctx, now.Add(-instancesRecent))
	if err != nil {
		out.printf("warn history: the instances seen recently cannot be listed: %v", err)
		return
	}
	host := verify.HostIdentity()
	others := 0
	for _, in := range ins {
		who := ""
		if in.Host == host && in.PID == os.Getpid() {
			who = " (this doctor)"
		} else {
			others++
		}
		out.printf("ok   instance %s pid %d%s: seen %s ago, up since %s, follows %d call(s)", in.Host, in.PID, who,
			now.Sub(in.SeenAt).Round(time.Second), in.StartedAt.Local().Format("2006-01-02 15:04:05"), in.Tracking)
	}
	if others == 0 {
		out.printf("ok   no other instance has used this history in the last %s", instancesRecent)
	} else {
		out.printf("ok   %d other instance(s) used this history in the last %s", others, instancesRecent)
	}
}
