package main

/*
#include <stdint.h>
#include <stdlib.h>
#include "producers.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"runtime/cgo"
	"sync/atomic"
	"time"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

// ---- Latency at a device-like pace ----

type latencySummary struct {
	p50, p99, p999, p9999, max time.Duration
	post50, post999            time.Duration
	fromPost50, fromPost999    time.Duration
	sched999                   time.Duration
	cpuPerEvent                time.Duration
	events                     uint64
	wakePct                    float64 // mailbox: producer wake-ups per 100 events (median)
	gcs                        uint32
}

func latencySection(modes []mode, gc int) map[string]latencySummary {
	spec := runSpec{
		producers: *producersFlag, size: *sizeFlag, period: *interval, burst: 1,
		bursts: uint32(max(1, int64(*duration / *interval))), gcWorkers: gc, timePosts: true,
		giveUpAfter: *duration,
	}
	rate := float64(spec.producers) / interval.Seconds()
	fmt.Printf("\n== End-to-end latency, %s: %d producers, each one %d-byte event every %v (%.0f events/s), "+
		"%d rounds of %v per mode, modes alternated; load average %s\n",
		gcLabel(gc), spec.producers, spec.size, *interval, rate, *repeat, *duration, loadavg())
	runs := map[string][]result{}
	e2eAll := map[string]*hist{}
	for round := 0; round < *repeat; round++ {
		for i := range modes {
			m := modes[(i+round)%len(modes)]
			r := runOnce(m, spec)
			check(r)
			runs[m.name] = append(runs[m.name], r)
			if e2eAll[m.name] == nil {
				e2eAll[m.name] = &hist{}
			}
			e2eAll[m.name].merge(&r.e2e)
		}
	}
	out := map[string]latencySummary{}
	fmt.Println("  medians over the rounds. e2e: from the event's due time to the handler's start (a delivery that\n" +
		"  blocks the producer delays the events behind it, and that counts); post->h: from the post or call\n" +
		"  to the handler's start (what an event sees once handed over); producer: time in one post or call;\n" +
		"  sched: Go's own runnable->running wait (runtime/metrics /sched/latencies); wake%: mailbox wake-up\n" +
		"  system calls per 100 events; cpu/ev: the process's CPU time per event (with GC load, most of it is\n" +
		"  the allocating goroutine's); lost+dup over all rounds (must be 0)")
	fmt.Printf("  %-15s %8s %8s %8s %8s %8s | %8s %8s | %8s %8s | %8s | %5s %7s %4s %4s\n",
		"mode", "e2e p50", "p99", "p99.9", "p99.99", "max", "post->h", "p99.9", "producer", "p99.9",
		"sched", "wake%", "cpu/ev", "GCs", "lost")
	fmt.Printf("  %-15s %8s %8s %8s %8s %8s | %8s %8s | %8s %8s | %8s |\n",
		"", "", "", "", "", "", "p50", "", "p50", "", "p99.9")
	for _, m := range modes {
		rs := runs[m.name]
		pick := func(f func(r *result) time.Duration) time.Duration {
			var xs []time.Duration
			for i := range rs {
				xs = append(xs, f(&rs[i]))
			}
			return median(xs)
		}
		s := latencySummary{
			p50:         pick(func(r *result) time.Duration { return r.e2e.quantile(0.5) }),
			p99:         pick(func(r *result) time.Duration { return r.e2e.quantile(0.99) }),
			p999:        pick(func(r *result) time.Duration { return r.e2e.quantile(0.999) }),
			p9999:       pick(func(r *result) time.Duration { return r.e2e.quantile(0.9999) }),
			max:         pick(func(r *result) time.Duration { return time.Duration(r.e2e.max) }),
			post50:      pick(func(r *result) time.Duration { return r.post.quantile(0.5) }),
			post999:     pick(func(r *result) time.Duration { return r.post.quantile(0.999) }),
			fromPost50:  pick(func(r *result) time.Duration { return r.fromPost.quantile(0.5) }),
			fromPost999: pick(func(r *result) time.Duration { return r.fromPost.quantile(0.999) }),
			sched999:    pick(func(r *result) time.Duration { return r.sched.quantile(0.999) }),
			cpuPerEvent: pick(func(r *result) time.Duration { return r.cpu / time.Duration(max(r.received, 1)) }),
		}
		var lost, dup uint64
		var gcs []time.Duration
		for _, r := range rs {
			s.events += r.received
			lost += r.lost
			dup += r.dup
			gcs = append(gcs, time.Duration(r.gcs))
		}
		s.gcs = uint32(median(gcs))
		var wakes []time.Duration
		for _, r := range rs {
			wakes = append(wakes, time.Duration(1000*r.wakeups/max(r.received, 1)))
		}
		s.wakePct = float64(median(wakes)) / 10
		out[m.name] = s
		fmt.Printf("  %-15s %8s %8s %8s %8s %8s | %8s %8s | %8s %8s | %8s | %5s %7s %4d %4d\n", m.name,
			shortDur(s.p50), shortDur(s.p99), shortDur(s.p999), shortDur(s.p9999), shortDur(s.max),
			shortDur(s.fromPost50), shortDur(s.fromPost999), shortDur(s.post50), shortDur(s.post999),
			shortDur(s.sched999), wakeCell(m, s.wakePct), shortDur(s.cpuPerEvent), s.gcs, lost+dup)
	}
	fmt.Println("  e2e histogram, all rounds (% of events per bucket; + below 0.05%):")
	fmt.Printf("  %-15s%s\n", "", coarseHeader())
	for _, m := range modes {
		fmt.Printf("  %-15s%s\n", m.name, e2eAll[m.name].coarse())
	}
	d := out["direct"]
	fmt.Println("  ratios to direct (e2e: mode/direct, lower is better; producer: direct/mode, higher is better):")
	for _, m := range modes[1:] {
		s := out[m.name]
		fmt.Printf("  %-15s e2e p50 %7.2fx  p99 %7.2fx  p99.9 %7.2fx | post->h p99.9 %7.2fx | producer p99.9 %8.1fx lower\n",
			m.name, ratio(s.p50, d.p50), ratio(s.p99, d.p99), ratio(s.p999, d.p999), ratio(s.fromPost999, d.fromPost999),
			ratio(d.post999, s.post999))
	}
	return out
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		b = 1
	}
	return float64(a) / float64(b)
}

// ---- Throughput at a latency target ----

// throughputResult is, per mode, the highest offered rate (events/s) that
// met each latency target (index as in sloList), and the highest at which
// it kept up at all (every event posted in time: its capacity here).
type throughputResult struct {
	atTarget map[string][]float64
	capacity map[string]float64
}

// ladderBursts are the burst sizes of the throughput ladder: about a factor
// of sqrt(2) apart, so that ratios between modes are not all powers of 2.
func ladderBursts(maxBurst int) []int {
	var out []int
	for f := 1.0; int(math.Round(f)) <= maxBurst; f *= math.Sqrt2 {
		if b := int(math.Round(f)); len(out) == 0 || b != out[len(out)-1] {
			out = append(out, b)
		}
	}
	return out
}

// throughputSection raises the offered rate (a burst per producer per
// ladder period, the burst growing by about sqrt(2) per level) and reports,
// per mode and latency target, the highest rate at which every event was
// delivered and the median e2e latency at the -slo-pct percentile stayed
// within the target. A mode stops climbing once it fell behind (could not
// post its events in time) at two levels in a row; a level over a target
// does not stop it (on a shared machine a low level can miss by bad luck).
func throughputSection(modes []mode, gc int, slos []time.Duration) throughputResult {
	pct := fmt.Sprintf("p%g", *sloPct*100)
	fmt.Printf("\n== Throughput at a latency target, %s: %d producers, one burst each per %v, %d rounds of %v per "+
		"level, modes alternated; load average %s\n",
		gcLabel(gc), *producersFlag, *ladderPeriod, *ladderRepeat, *ladderDur, loadavg())
	fmt.Printf("  median e2e %s per offered rate (* = over %v; behind = could not post every event in time):\n",
		pct, shortDur(slos[0]))
	fmt.Printf("  %12s", "events/s")
	for _, m := range modes {
		fmt.Printf(" %15s", m.name)
	}
	fmt.Println()
	const behind = time.Duration(math.MaxInt64)
	res := throughputResult{atTarget: map[string][]float64{}, capacity: map[string]float64{}}
	for _, m := range modes {
		res.atTarget[m.name] = make([]float64, len(slos))
	}
	behindLevels := map[string]int{}
	for _, b := range ladderBursts(*ladderMax) {
		spec := runSpec{
			producers: *producersFlag, size: *sizeFlag, period: *ladderPeriod, burst: uint32(b),
			bursts: uint32(max(1, int64(*ladderDur / *ladderPeriod))), gcWorkers: gc, giveUpAfter: *ladderDur,
		}
		offered := float64(spec.producers*b) / ladderPeriod.Seconds()
		lat := map[string][]time.Duration{}
		active := 0
		for _, m := range modes {
			if behindLevels[m.name] < 2 {
				active++
			}
		}
		if active == 0 {
			break
		}
		for round := 0; round < *ladderRepeat; round++ {
			for i := range modes {
				m := modes[(i+round)%len(modes)]
				if behindLevels[m.name] >= 2 {
					continue
				}
				r := runOnce(m, spec)
				check(r)
				v := r.e2e.quantile(*sloPct)
				if r.skipped > 0 || r.received < r.offered {
					v = behind
				}
				lat[m.name] = append(lat[m.name], v)
			}
		}
		fmt.Printf("  %12.0f", offered)
		for _, m := range modes {
			xs := lat[m.name]
			if len(xs) == 0 {
				fmt.Printf(" %15s", "")
				continue
			}
			v := median(xs)
			if v == behind {
				behindLevels[m.name]++
			} else {
				behindLevels[m.name] = 0
				res.capacity[m.name] = max(res.capacity[m.name], offered)
			}
			for i, slo := range slos {
				if v <= slo {
					res.atTarget[m.name][i] = max(res.atTarget[m.name][i], offered)
				}
			}
			mark, cell := " ", "behind"
			if v > slos[0] {
				mark = "*"
			}
			if v != behind {
				cell = shortDur(v)
			}
			fmt.Printf(" %14s%s", cell, mark)
		}
		fmt.Println()
	}
	row := func(label string, val func(m mode) float64) {
		fmt.Printf("  %12s", label)
		for _, m := range modes {
			fmt.Printf(" %15.0f", val(m))
		}
		fmt.Print("   /direct:")
		for _, m := range modes[1:] {
			if d := val(modes[0]); d > 0 {
				fmt.Printf(" %.2fx", val(m)/d)
			} else {
				fmt.Print(" -")
			}
		}
		fmt.Println()
	}
	fmt.Println("  highest rate (events/s) with the median", pct, "within each target, and without falling behind:")
	for i, slo := range slos {
		row(pct+"<="+shortDur(slo), func(m mode) float64 { return res.atTarget[m.name][i] })
	}
	row("kept up", func(m mode) float64 { return res.capacity[m.name] })
	return res
}

// ---- Verdicts against the interop targets ----

func verdicts(modes []mode, gcs []int, lat map[int]map[string]latencySummary, thr map[int]throughputResult,
	slos []time.Duration) {
	loaded, idle := -1, -1
	for _, g := range gcs {
		if g == 0 && idle < 0 {
			idle = g
		}
		if g > 0 && loaded < 0 {
			loaded = g
		}
	}
	fmt.Printf("\n== Verdicts against the targets (%s, %d producers, %d-byte events; load average %s)\n",
		runtime.Version(), *producersFlag, *sizeFlag, loadavg())
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	for _, m := range modes {
		if m.mbx == nil {
			continue
		}
		fmt.Printf("  %s:\n", m.name)
		if l, ok := lat[loaded]; ok && loaded > 0 {
			d, s := l["direct"], l[m.name]
			x := ratio(d.post999, s.post999)
			fmt.Printf("    producer p99.9 >= 100x lower than direct, GC load:  %8.1fx (%s vs %s)  %s\n",
				x, shortDur(s.post999), shortDur(d.post999), verdict(x >= 100))
			x = ratio(s.p999, d.p999)
			fmt.Printf("    e2e p99.9 <= 1.5x direct, GC load:                  %8.2fx (%s vs %s)  %s\n",
				x, shortDur(s.p999), shortDur(d.p999), verdict(x <= 1.5))
			x = ratio(s.fromPost999, d.fromPost999)
			fmt.Printf("      ... counted from the post or call (post->h):      %8.2fx (%s vs %s)  %s\n",
				x, shortDur(s.fromPost999), shortDur(d.fromPost999), verdict(x <= 1.5))
		}
		if l, ok := lat[idle]; ok && idle == 0 {
			d, s := l["direct"], l[m.name]
			x := ratio(s.p999, d.p999)
			fmt.Printf("    e2e p99.9 <= 2x direct, no GC load:                 %8.2fx (%s vs %s)  %s\n",
				x, shortDur(s.p999), shortDur(d.p999), verdict(x <= 2))
			x = ratio(s.fromPost999, d.fromPost999)
			fmt.Printf("      ... counted from the post or call (post->h):      %8.2fx (%s vs %s)  %s\n",
				x, shortDur(s.fromPost999), shortDur(d.fromPost999), verdict(x <= 2))
		}
		for _, g := range gcs {
			t, ok := thr[g]
			if !ok {
				continue
			}
			// The tightest target at which the direct callback sustained
			// any rate on this machine (a target nobody meets compares
			// nothing).
			i := 0
			for i < len(slos)-1 && t.atTarget["direct"][i] == 0 {
				i++
			}
			d, x := t.atTarget["direct"][i], t.atTarget[m.name][i]
			ratio := 0.0
			switch {
			case d > 0:
				ratio = x / d
			case x > 0:
				ratio = math.Inf(1)
			}
			fmt.Printf("    throughput at %s<=%-6s >= 2x direct, %-11s %8.2fx (%.0f vs %.0f events/s)  %s\n",
				fmt.Sprintf("p%g", *sloPct*100), shortDur(slos[i]), gcShort(g)+":", ratio, x, d, verdict(ratio >= 2))
			if c := t.capacity["direct"]; c > 0 {
				fmt.Printf("      (kept up, any latency: %.2fx, %.0f vs %.0f events/s)\n",
					t.capacity[m.name]/c, t.capacity[m.name], c)
			}
		}
	}
}

func gcShort(gc int) string {
	if gc == 0 {
		return "no GC load"
	}
	return "GC load"
}

// ---- Extras: single callbacks, the receiver alone, handle lookups ----

// extraScale divides the extras' counts (-quick).
var extraScale = 1

func extras() {
	fmt.Printf("\n== One //export callback (16-byte event, no GC load, no per-call timing); load average %s\n", loadavg())
	goOwned, cFirst, cRepeated := callbackCost(uint32(200000 / extraScale))
	fmt.Printf("  from a Go-owned thread (Go -> C -> Go):        %v per call\n", goOwned)
	fmt.Printf("  from a C-created thread, first call:           %v\n", cFirst)
	fmt.Printf("  from a C-created thread, repeated calls:       %v per call\n", cRepeated)
	fmt.Println("  (bench/callback separates a new thread's first call that creates an M from one that reuses an exited thread's M)")
	fmt.Printf("\nReceiving goroutine alone, per 16-byte event (Recv's copy out of the ring + Batch.Next + handler): %.1f ns\n",
		float64(receiverCost(max(1, 100/extraScale)).Nanoseconds()))
	fmt.Println("\nHandle lookups:")
	handleCosts(uint64(5000000 / extraScale))
}

func callbackCost(count uint32) (goOwned, cFirst, cRepeated time.Duration) {
	eventSize = C.BENCH_HEADER
	runtime.LockOSThread()
	C.bench_callback_loop(C.BENCH_MAX_PRODUCERS-1, 1000) // warm up
	t0 := time.Now()
	C.bench_callback_loop(C.BENCH_MAX_PRODUCERS-1, C.uint32_t(count))
	goOwned = time.Since(t0) / time.Duration(count)
	runtime.UnlockOSThread()
	var first, loop C.int64_t
	C.bench_callback_thread(C.BENCH_MAX_PRODUCERS-2, C.uint32_t(count), &first, &loop)
	return goOwned, time.Duration(first), time.Duration(int64(loop) / int64(count))
}

// receiverCost is what the receiving goroutine spends per 16-byte event
// with nothing else running: Mailbox.Recv (one cgo call that copies a batch
// out of the ring) plus Batch.Next and the handler per event.
func receiverCost(rounds int) time.Duration {
	const n = 8192
	eventSize = C.BENCH_HEADER
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: n, MaxMessage: C.BENCH_HEADER})
	if err != nil {
		panic(err)
	}
	defer mb.Close()
	msg := make([]byte, C.BENCH_HEADER)
	buf := make([]byte, n*cgoguard.RecordSize(C.BENCH_HEADER))
	const id = C.BENCH_MAX_PRODUCERS - 1
	var spent time.Duration
	for r := 0; r < rounds; r++ {
		states[id].next = 0
		for seq := uint32(0); seq < n; seq++ {
			binary.NativeEndian.PutUint32(msg, id)
			binary.NativeEndian.PutUint32(msg[4:], seq)
			if err := mb.Post(msg); err != nil {
				panic(err)
			}
		}
		t0 := time.Now()
		b, err := mb.Recv(buf, 0)
		if err != nil || b.Len() != n {
			panic(fmt.Sprint("receiverCost: ", b.Len(), err))
		}
		for m, ok := b.Next(); ok; m, ok = b.Next() {
			deliver(m)
		}
		spent += time.Since(t0)
	}
	return spent / time.Duration(rounds*n)
}

func handleCosts(count uint64) {
	tab, err := cgoguard.NewHandleTable(1024, nil, nil)
	if err != nil {
		panic(err)
	}
	defer tab.Close()
	// 32 handles: slots 0-3 share cache lines (24-byte slots), 0, 8, 16, 24 do not.
	var hs [32]C.uint64_t
	for i := range hs {
		obj := C.malloc(64)
		defer C.free(obj)
		h, err := tab.New(obj)
		if err != nil {
			panic(err)
		}
		hs[i] = C.uint64_t(h)
	}
	spread := [4]C.uint64_t{hs[0], hs[8], hs[16], hs[24]}
	ns := C.bench_handle_lookups(tab.Ptr(), hs[0], C.uint64_t(count))
	fmt.Printf("  C   cg_handle_acquire+release, 1 thread:                    %6.1f ns/lookup\n", float64(ns)/float64(count))
	ns = C.bench_handle_lookups_threads(tab.Ptr(), &spread[0], 4, C.uint64_t(count))
	fmt.Printf("  C   ... 4 threads, 4 handles in different cache lines:      %6.1f ns/lookup per thread (wall)\n", float64(ns)/float64(count))
	ns = C.bench_handle_lookups_threads(tab.Ptr(), &hs[0], 4, C.uint64_t(count))
	fmt.Printf("  C   ... 4 threads, 4 adjacent handles (shared cache lines): %6.1f ns/lookup per thread (wall)\n", float64(ns)/float64(count))
	same := [4]C.uint64_t{hs[0], hs[0], hs[0], hs[0]}
	ns = C.bench_handle_lookups_threads(tab.Ptr(), &same[0], 4, C.uint64_t(count))
	fmt.Printf("  C   ... 4 threads, the same handle:                         %6.1f ns/lookup per thread (wall)\n", float64(ns)/float64(count))

	gh := cgo.NewHandle(&struct{ x int }{42})
	defer gh.Delete()
	var sink atomic.Pointer[struct{ x int }]
	t0 := time.Now()
	for i := uint64(0); i < count; i++ {
		sink.Store(gh.Value().(*struct{ x int }))
	}
	fmt.Printf("  Go  cgo.Handle.Value, 1 goroutine:                          %6.1f ns/lookup\n",
		float64(time.Since(t0).Nanoseconds())/float64(count))
	goCount := count / 10
	h := cgoguard.Handle(hs[0])
	t0 = time.Now()
	for i := uint64(0); i < goCount; i++ {
		if _, err := tab.Acquire(h); err != nil {
			panic(err)
		}
		_ = tab.Release(h)
	}
	fmt.Printf("  Go  HandleTable.Acquire+Release (2 cgo calls):             %6.1f ns/lookup\n",
		float64(time.Since(t0).Nanoseconds())/float64(goCount))
}

func wakeCell(m mode, pct float64) string {
	if m.mbx == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", pct)
}
