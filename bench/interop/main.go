// Command interop is the benchmark of how events get from threads that C
// created to Go code, end to end: from the moment a producer thread hands an
// event over (or, when an earlier delivery held it up, the moment the event
// was due) to the moment the Go handler starts on it. It compares
//
//   - direct:  one //export callback per event (the pattern CG017 flags);
//   - chan:    a callback per event that sends a copy to a Go channel,
//     drained by a goroutine;
//   - batch:   the C thread collects events and makes one callback per batch;
//   - mailbox: cg_mailbox_post per event, one goroutine receiving (the Go
//     binding's defaults: wake-up coalescing on);
//   - mbx-nocoal: the same with a wake-up per message (WakeBatch 1);
//   - mbx-park, mbx-park-nocoal (A/B, on request): the receiving goroutine
//     parked in Go instead of its thread waiting in a futex;
//
// with and without garbage-collector load, with the modes alternated within
// each round and the median of the rounds printed. It prints latency
// histograms at a device-like pace, the throughput each mode sustains while
// its p99.9 stays under a latency target, the ratios to the direct callback
// and a verdict per target. See README.md.
//
// It exits 1 when any event was lost, duplicated or corrupted.
package main

/*
#cgo CFLAGS: -O2
#cgo pkg-config: --static cgoguard-static
#include <stdint.h>
#include <stdlib.h>
#include "producers.h"
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

// ---- The clock: Go's monotonic clock shifted onto C's CLOCK_MONOTONIC ----

var (
	epoch   time.Time
	epochNs int64
)

// calibrate pairs Go's monotonic clock with C's CLOCK_MONOTONIC (the same
// clock on Linux, different origins): the pair read closest together wins.
func calibrate() {
	best := int64(1 << 62)
	for i := 0; i < 200; i++ {
		a := int64(C.bench_now_ns())
		t := time.Now()
		b := int64(C.bench_now_ns())
		if b-a < best {
			best, epoch, epochNs = b-a, t, a+(b-a)/2
		}
	}
}

func nowNs() int64 { return epochNs + int64(time.Since(epoch)) }

// ---- The handler every mode runs per event ----

// Per-producer receive state. In direct and batch mode producer i's state is
// touched only by callbacks on producer i's thread; in chan and mailbox mode
// only by the receiving goroutine.
type producerState struct {
	next      uint32
	received  uint64
	dup, gaps uint64
	e2e       hist    // from the event's due time
	fromPost  hist    // from the moment it was handed over (latency runs)
	late      []int64 // latency runs: the producer's late_ns (C memory), else nil
	_         [64]byte
}

var (
	states    [C.BENCH_MAX_PRODUCERS]producerState
	eventSize int
	corrupt   atomic.Uint64
)

// deliver is the handler: it takes the time first (that is "handler
// start"), records the event's end-to-end latency, and checks sequence and
// payload.
func deliver(msg []byte) {
	now := nowNs()
	id, seq := binary.NativeEndian.Uint32(msg), binary.NativeEndian.Uint32(msg[4:])
	t := int64(binary.NativeEndian.Uint64(msg[8:]))
	if len(msg) != eventSize || int(id) >= len(states) {
		corrupt.Add(1)
		return
	}
	for i := C.BENCH_HEADER; i < len(msg); i++ {
		if msg[i] != byte(i) {
			corrupt.Add(1)
			break
		}
	}
	s := &states[id]
	d := now - t
	if s.late != nil && int(seq) < len(s.late) {
		s.fromPost.add(d)
		d += s.late[seq]
	}
	s.e2e.add(d)
	switch {
	case seq == s.next:
		s.next++
	case seq < s.next:
		s.dup++
		return
	default:
		s.gaps += uint64(seq - s.next)
		s.next = seq + 1
	}
	s.received++
}

//export benchDirect
func benchDirect(p unsafe.Pointer, n C.int) {
	deliver(unsafe.Slice((*byte)(p), int(n)))
}

// The chan mode's channel: the callback copies the event (as
// C.GoBytes would) and sends it; a goroutine drains it.
var events chan []byte

//export benchChan
func benchChan(p unsafe.Pointer, n C.int) {
	events <- append([]byte(nil), unsafe.Slice((*byte)(p), int(n))...)
}

//export benchBatch
func benchBatch(p unsafe.Pointer, count, size C.int) {
	all := unsafe.Slice((*byte)(p), int(count)*int(size))
	for i := 0; i < int(count); i++ {
		deliver(all[i*int(size) : (i+1)*int(size)])
	}
}

// ---- Modes ----

type mode struct {
	name string
	kind C.int
	mbx  func(*cgoguard.MailboxConfig) // mailbox modes: adjusts the binding's defaults
}

func allModes() []mode {
	return []mode{
		{name: "direct", kind: C.BENCH_DIRECT},
		{name: "chan", kind: C.BENCH_CHAN},
		{name: "batch", kind: C.BENCH_BATCH},
		// The Go binding's defaults (wake-up coalescing on, the receiver's
		// thread waiting in a futex inside the cgo call); -wake-batch and
		// -wake-delay override them.
		{name: "mailbox", kind: C.BENCH_MAILBOX, mbx: func(c *cgoguard.MailboxConfig) {
			c.WakeBatch, c.WakeDelay = *wakeBatch, *wakeDelay
		}},
		{name: "mbx-nocoal", kind: C.BENCH_MAILBOX, mbx: func(c *cgoguard.MailboxConfig) { c.WakeBatch = 1 }},
		// A/B of the coalescing delay: the default batch, -ab-delay.
		{name: "mbx-delay", kind: C.BENCH_MAILBOX, mbx: func(c *cgoguard.MailboxConfig) { c.WakeDelay = *abDelay }},
		// A/B: the receiving goroutine parked in Go (netpoller, eventfd)
		// instead of its thread sleeping in a futex inside the cgo call.
		{name: "mbx-park", kind: C.BENCH_MAILBOX, mbx: func(c *cgoguard.MailboxConfig) {
			c.Wait, c.WakeBatch, c.WakeDelay = cgoguard.WaitPark, *wakeBatch, *wakeDelay
		}},
		{name: "mbx-park-nocoal", kind: C.BENCH_MAILBOX, mbx: func(c *cgoguard.MailboxConfig) {
			c.Wait, c.WakeBatch = cgoguard.WaitPark, 1
		}},
	}
}

// ---- One run ----

type runSpec struct {
	producers   int
	size        int
	period      time.Duration // 0: back to back
	burst       uint32
	bursts      uint32
	gcWorkers   int
	timePosts   bool
	giveUpAfter time.Duration
}

type result struct {
	mode                        string
	e2e, fromPost, post         hist
	offered, posted, received   uint64
	lost, dup, dropped, skipped uint64
	lateBursts                  uint64
	wakeups                     uint64        // mailbox modes: producers' wake-up system calls
	sched                       schedHist     // Go's runnable -> running waits during the run
	cpu                         time.Duration // the process's CPU time (user+system) during the run
	gcs                         uint32
	seconds                     float64
	failed                      string
}

// gcLoad allocates garbage in `workers` goroutines until stop is closed.
func gcLoad(workers int, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keep := make([][]byte, 0, 512)
			for {
				select {
				case <-stop:
					return
				default:
				}
				for j := 0; j < 64; j++ {
					keep = append(keep, make([]byte, 1024+j*64))
				}
				if len(keep) >= 512 {
					keep = keep[:0]
				}
			}
		}()
	}
	return &wg
}

func ringCapacity(size int) int {
	if *capacity > 0 {
		return *capacity
	}
	c := 1 << 16
	for c > 1024 && c*(size+8) > 8<<20 {
		c /= 2
	}
	return c
}

func runOnce(m mode, s runSpec) result {
	for i := range states {
		states[i].next, states[i].received, states[i].dup, states[i].gaps = 0, 0, 0, 0
		states[i].e2e.reset()
		states[i].fromPost.reset()
		states[i].late = nil
	}
	eventSize = s.size
	cfg := C.bench_config{
		mode: m.kind, producers: C.int(s.producers), size: C.uint32_t(s.size),
		period_ns: C.int64_t(s.period), burst: C.uint32_t(s.burst), bursts: C.uint32_t(s.bursts),
		give_up_ns: C.int64_t(s.giveUpAfter), batch: C.uint32_t(*batch), batch_delay_ns: C.int64_t(*batchDelay),
	}
	if s.timePosts {
		cfg.time_posts = 1
	}
	var mb *cgoguard.Mailbox
	if m.mbx != nil {
		mc := cgoguard.MailboxConfig{Capacity: ringCapacity(s.size), MaxMessage: s.size, FullPolicy: cgoguard.FullBlock}
		m.mbx(&mc)
		var err error
		if mb, err = cgoguard.NewMailbox(mc); err != nil {
			fmt.Fprintln(os.Stderr, "bench_interop:", err)
			os.Exit(2)
		}
		cfg.mailbox = mb.Ptr()
	}
	var drained chan struct{}
	if m.kind == C.BENCH_CHAN {
		events = make(chan []byte, *chanCap)
		drained = make(chan struct{})
		go func() {
			for msg := range events {
				deliver(msg)
			}
			close(drained)
		}()
	}
	run := C.bench_start(&cfg)
	if run == nil {
		fmt.Fprintln(os.Stderr, "bench_interop: bench_start refused the configuration")
		os.Exit(2)
	}
	if s.timePosts {
		for i := 0; i < s.producers; i++ {
			states[i].late = unsafe.Slice((*int64)(unsafe.Pointer(run.p[i].late_ns)), int(s.burst)*int(s.bursts))
		}
	}
	stop := make(chan struct{})
	load := gcLoad(s.gcWorkers, stop)
	time.Sleep(10 * time.Millisecond) // let the GC load ramp up
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc0 := ms.NumGC

	sched0, cpu0 := readSched(), cpuTime()
	C.bench_go(run)
	if mb != nil {
		// Receive until the producers are done and everything is drained:
		// the mailbox is closed once they have finished (Close keeps what
		// was posted).
		done := make(chan struct{})
		go func() {
			C.bench_join(run)
			mb.Close()
			close(done)
		}()
		buf := make([]byte, 64<<10)
		for {
			b, err := mb.Recv(buf, -1)
			if errors.Is(err, cgoguard.ErrClosed) {
				break
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench_interop: mailbox receive:", err)
				os.Exit(1)
			}
			for msg, ok := b.Next(); ok; msg, ok = b.Next() {
				deliver(msg)
			}
		}
		<-done
	} else {
		C.bench_join(run)
		if drained != nil {
			close(events)
			<-drained
		}
	}
	r := result{mode: m.name, seconds: float64(run.end_ns-run.start_ns) / 1e9}
	r.sched = readSched().minus(sched0)
	r.cpu = cpuTime() - cpu0
	runtime.ReadMemStats(&ms)
	r.gcs = ms.NumGC - gc0
	close(stop)
	load.Wait()

	for i := 0; i < s.producers; i++ {
		p := &run.p[i]
		st := &states[i]
		if p.failed_status != 0 && r.failed == "" {
			r.failed = fmt.Sprintf("producer %d: post failed with status %d", i, int(p.failed_status))
		}
		r.e2e.merge(&st.e2e)
		r.fromPost.merge(&st.fromPost)
		st.late = nil
		r.offered += uint64(s.burst) * uint64(s.bursts)
		r.posted += uint64(p.posted)
		r.received += st.received
		r.dup += st.dup
		r.dropped += uint64(p.dropped)
		r.skipped += uint64(p.skipped)
		r.lateBursts += uint64(p.late_bursts)
		// Lost: accepted by the producer's call but never handled. A drop
		// the producer was told about is counted, not lost.
		if uint64(p.posted) > st.received {
			r.lost += uint64(p.posted) - st.received
		}
		if st.gaps > uint64(p.dropped) {
			r.lost += st.gaps - uint64(p.dropped)
		}
		if p.post_ns != nil {
			n := int(p.posted + p.dropped)
			for _, v := range unsafe.Slice((*int64)(unsafe.Pointer(p.post_ns)), n) {
				r.post.add(v)
			}
		}
	}
	if mb != nil {
		r.wakeups = mb.Stats().Wakeups
	}
	C.bench_free(run)
	runtime.KeepAlive(mb)
	return r
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ---- The Go scheduler's own latency ----

// schedHist is runtime/metrics' /sched/latencies:seconds: how long
// goroutines waited, runnable, before they ran. A goroutine woken while
// every P is busy waits here: the receiving goroutine after its wake-up,
// and a callback's goroutine when its thread finds no P.
type schedHist struct {
	counts  []uint64
	buckets []float64
}

func readSched() schedHist {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64Histogram {
		return schedHist{}
	}
	h := s[0].Value.Float64Histogram()
	return schedHist{counts: append([]uint64(nil), h.Counts...), buckets: h.Buckets}
}

func (a schedHist) minus(b schedHist) schedHist {
	if len(a.counts) != len(b.counts) {
		return a
	}
	out := schedHist{counts: make([]uint64, len(a.counts)), buckets: a.buckets}
	for i := range a.counts {
		out.counts[i] = a.counts[i] - b.counts[i]
	}
	return out
}

// quantile is the upper bound of the bucket holding quantile q.
func (a schedHist) quantile(q float64) time.Duration {
	var n uint64
	for _, c := range a.counts {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n-1)) + 1
	var seen uint64
	for i, c := range a.counts {
		seen += c
		if seen >= rank {
			hi := a.buckets[i+1]
			if hi > 1e9 { // +Inf
				hi = a.buckets[i]
			}
			return time.Duration(hi * 1e9)
		}
	}
	return 0
}

// ---- Flags ----

var (
	producersFlag = flag.Int("producers", 4, "producer threads (1..8)")
	sizeFlag      = flag.Int("size", 16, "bytes per event (16..1024)")
	gcFlag        = flag.String("gc", "0,1", "GC-load settings to run: goroutines allocating garbage (0: none)")
	modesFlag     = flag.String("modes", "direct,chan,batch,mailbox,mbx-nocoal", "modes to compare (direct first: ratios are to it; also mbx-park, mbx-park-nocoal, mbx-delay)")
	repeat        = flag.Int("repeat", 5, "rounds of the latency runs (each round runs every mode once, in rotated order)")
	interval      = flag.Duration("interval", 50*time.Microsecond, "latency runs: one event per producer per interval")
	duration      = flag.Duration("duration", 400*time.Millisecond, "length of one latency run")
	sloFlag       = flag.String("slo", "1ms,5ms,20ms", "latency targets of the throughput runs, tightest first")
	sloPct        = flag.Float64("slo-pct", 0.99, "the percentile of e2e latency that -slo bounds")
	ladderPeriod  = flag.Duration("ladder-period", 100*time.Microsecond, "throughput runs: one burst per producer per period")
	ladderMax     = flag.Int("ladder-max", 1024, "throughput runs: the largest burst (the ladder grows from 1 by about sqrt(2))")
	ladderDur     = flag.Duration("ladder-duration", 150*time.Millisecond, "length of one throughput run")
	ladderRepeat  = flag.Int("ladder-repeat", 3, "rounds per throughput level")
	batch         = flag.Int("batch", 32, "batch mode: events per callback")
	batchDelay    = flag.Duration("batch-delay", 100*time.Microsecond, "batch mode: flush a partial batch once its oldest event waited this long")
	wakeBatch     = flag.Int("wake-batch", 0, "mailbox and mbx-park modes: MailboxConfig.WakeBatch (0: the binding's default)")
	wakeDelay     = flag.Duration("wake-delay", 0, "mailbox and mbx-park modes: MailboxConfig.WakeDelay (0: the binding's default)")
	abDelay       = flag.Duration("ab-delay", 15*time.Microsecond, "mbx-delay mode: MailboxConfig.WakeDelay")
	chanCap       = flag.Int("chan-cap", 4096, "chan mode: channel capacity")
	capacity      = flag.Int("capacity", 0, "mailbox capacity in messages (0: 65536, at most 8 MiB of slots)")
	sections      = flag.String("sections", "latency,throughput,extras", "what to run: latency, throughput, extras")
	quick         = flag.Bool("quick", false, "smoke test: tiny runs (the numbers mean nothing; lost, duplicated or corrupted events still fail)")
)

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func intList(s string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < lo || n > hi {
			return nil, fmt.Errorf("%q: want integers from %d to %d", s, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

func durationList(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= 0 || (len(out) > 0 && d <= out[len(out)-1]) {
			return nil, fmt.Errorf("%q: want increasing durations", s)
		}
		out = append(out, d)
	}
	return out, nil
}

func pickModes(s string) ([]mode, error) {
	var out []mode
	for _, name := range strings.Split(s, ",") {
		found := false
		for _, m := range allModes() {
			if m.name == strings.TrimSpace(name) {
				out = append(out, m)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown mode %q", name)
		}
	}
	if len(out) == 0 || out[0].name != "direct" {
		return nil, errors.New("-modes must start with direct (the baseline of every ratio)")
	}
	return out, nil
}

func gcLabel(gc int) string {
	if gc == 0 {
		return "no GC load"
	}
	return fmt.Sprintf("GC load (%d goroutine(s) allocating)", gc)
}

var bad bool

func check(r result) {
	if r.lost != 0 || r.dup != 0 || r.failed != "" || r.received+r.dropped+r.skipped != r.offered {
		fmt.Printf("  FAIL %s: offered %d, received %d, lost %d, dup %d, dropped %d, skipped %d %s\n",
			r.mode, r.offered, r.received, r.lost, r.dup, r.dropped, r.skipped, r.failed)
		bad = true
	}
}

func median(xs []time.Duration) time.Duration {
	s := append([]time.Duration(nil), xs...)
	sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	return s[len(s)/2]
}

func main() {
	flag.Parse()
	if *quick {
		*repeat, *duration, *ladderRepeat, *ladderDur, *ladderMax = 1, 20*time.Millisecond, 1, 10*time.Millisecond, 4
		extraScale = 100
	}
	modes, err := pickModes(*modesFlag)
	gcs, err2 := intList(*gcFlag, 0, 8)
	slos, err3 := durationList(*sloFlag)
	if err := errors.Join(err, err2, err3); err != nil {
		fmt.Fprintln(os.Stderr, "bench_interop:", err)
		os.Exit(2)
	}
	if *producersFlag < 1 || *producersFlag > C.BENCH_MAX_PRODUCERS || *sizeFlag < C.BENCH_HEADER ||
		*sizeFlag > C.BENCH_MAX_MSG || *repeat < 1 || *ladderRepeat < 1 || *batch < 1 || *interval <= 0 ||
		*ladderPeriod <= 0 || *ladderMax < 1 {
		fmt.Fprintln(os.Stderr, "bench_interop: bad flag value (see -h)")
		os.Exit(2)
	}
	calibrate()
	fmt.Printf("cgoguard interop benchmark: %s %s/%s, GOMAXPROCS=%d, %d CPUs, %d producers, %d-byte events\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), *producersFlag, *sizeFlag)
	fmt.Printf("load average at start: %s\n", loadavg())

	lat := map[int]map[string]latencySummary{}
	thr := map[int]throughputResult{}
	if strings.Contains(*sections, "latency") {
		for _, gc := range gcs {
			lat[gc] = latencySection(modes, gc)
		}
	}
	if strings.Contains(*sections, "throughput") {
		for _, gc := range gcs {
			thr[gc] = throughputSection(modes, gc, slos)
		}
	}
	verdicts(modes, gcs, lat, thr, slos)
	if strings.Contains(*sections, "extras") {
		extras()
	}
	fmt.Printf("\nload average at end: %s\n", loadavg())
	if n := corrupt.Load(); n != 0 {
		fmt.Printf("FAIL: %d events arrived corrupted\n", n)
		bad = true
	}
	if bad {
		fmt.Println("FAIL: events were lost, duplicated or corrupted")
		os.Exit(1)
	}
}
