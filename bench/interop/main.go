// Command interop is the benchmark of cgoguard's safe-interop primitives.
// It prints, side by side, how events get from threads that C created to
// Go: a direct //export callback per event versus a cgoguard mailbox, with 1
// and 4 producer threads and 16-byte and 1-KiB messages, while other
// goroutines keep the garbage collector busy. For each configuration it
// prints the event rate (median of untimed runs), the producer's per-event
// latency percentiles (from a run that times every event), the number of
// lost and duplicated (or reordered) events, which must be zero, and a
// verdict against the interop issue's targets. Then the cost of one callback
// from a Go-owned thread versus a C-created thread, the receiving
// goroutine's own cost per event, and handle lookups from C versus
// runtime/cgo.Handle.Value.
//
// It exits 1 when any event was lost, duplicated or corrupted. See README.md.
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
	"runtime/cgo"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

// Per-producer receive state. In direct mode slot i is only touched by the
// callback running on producer i's thread; in mailbox mode only by the
// receiving goroutine.
const maxProducers = 9 // 8 C producers + the Go-owned thread loop

var (
	nextSeq    [maxProducers]uint32
	received   [maxProducers]uint64
	duplicates [maxProducers]uint64 // seq below the expected one: seen before
	gaps       [maxProducers]uint64 // seq above the expected one: events lost
)

func resetCounters() {
	for i := range nextSeq {
		nextSeq[i], received[i], duplicates[i], gaps[i] = 0, 0, 0, 0
	}
}

// handlerWork is extra work per event in the Go handler (-work), to model
// a handler that does more than count.
var handlerWork int

var workSink uint64

// The size of every event of the current run and what its payload (bytes
// 8.. of the message, which the producers fill with byte(i)) sums to. Set
// before the producers start, read-only while they run.
var (
	eventSize  int
	payloadSum uint64
)

var corrupt atomic.Uint64

func sumPayload(msg []byte) uint64 {
	var s uint64
	p := msg[8:]
	for len(p) >= 8 {
		s += binary.NativeEndian.Uint64(p)
		p = p[8:]
	}
	for _, b := range p {
		s += uint64(b)
	}
	return s
}

// deliver is the event handler both paths run for every event. It reads
// the whole payload (as a real handler would) and checks it.
func deliver(msg []byte) {
	id, seq := binary.NativeEndian.Uint32(msg), binary.NativeEndian.Uint32(msg[4:])
	if len(msg) != eventSize || sumPayload(msg) != payloadSum {
		corrupt.Add(1)
	}
	if handlerWork > 0 {
		h := uint64(seq)
		for i := 0; i < handlerWork; i++ {
			h = h*6364136223846793005 + 1442695040888963407
		}
		atomic.AddUint64(&workSink, h)
	}
	switch {
	case seq == nextSeq[id]:
		nextSeq[id]++
	case seq < nextSeq[id]:
		duplicates[id]++
		return
	default:
		gaps[id] += uint64(seq - nextSeq[id])
		nextSeq[id] = seq + 1
	}
	received[id]++
}

//export benchDirect
func benchDirect(p unsafe.Pointer, n C.int) {
	deliver(unsafe.Slice((*byte)(p), int(n)))
}

type result struct {
	mode                  string
	producers, size       int
	events                uint64
	seconds               float64
	lost, dup             uint64
	p50, p99, p999, p9999 time.Duration
	pmax                  time.Duration
	numGC                 uint32
	waits                 uint64
	dropped               uint64
}

// rate is the run's event rate: events delivered to the handler per second.
func (r result) rate() float64 { return float64(r.events) / r.seconds }

func percentiles(run *C.bench_run) (p50, p99, p999, p9999, pmax time.Duration) {
	var all []int64
	for i := 0; i < int(run.n); i++ {
		p := &run.p[i]
		n := int(p.posted + p.dropped)
		all = append(all, unsafe.Slice((*int64)(unsafe.Pointer(p.latency_ns)), n)...)
	}
	if len(all) == 0 {
		return
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	at := func(q float64) time.Duration { return time.Duration(all[int(q*float64(len(all)-1))]) }
	return at(0.50), at(0.99), at(0.999), at(0.9999), time.Duration(all[len(all)-1])
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

// ringCapacity sizes the mailbox so that it absorbs the receiving
// goroutine's scheduling delays (about 16 MiB of slots at most).
func ringCapacity(size int) int {
	if *capacityFlag > 0 {
		return *capacityFlag
	}
	c := 1 << 16
	for c > 1024 && c*(size+64) > 16<<20 {
		c /= 2
	}
	return c
}

var (
	capacityFlag = flag.Int("capacity", 0, "mailbox capacity in messages (0: up to 16 MiB of slots)")
	interval     = flag.Duration("interval", 0, "pace each producer to one event per interval, like a device callback (0: back to back)")
	wakeBatch    = flag.Int("wake-batch", 0, "mailbox wake-up coalescing: batch size (0: a wake-up per message)")
	wakeDelay    = flag.Duration("wake-delay", 100*time.Microsecond, "mailbox wake-up coalescing: longest delay")
	repeat       = flag.Int("repeat", 3, "untimed runs per configuration; events/s is their median")
)

// setEventSize makes the handler expect events of size bytes. Call it
// before any producer of the next run starts.
func setEventSize(size int) {
	eventSize = size
	msg := make([]byte, size)
	for i := 8; i < size; i++ {
		msg[i] = byte(i)
	}
	payloadSum = sumPayload(msg)
}

// runOnce delivers count events from each of `producers` C threads in one
// mode. timed: every event is timed (latency percentiles); otherwise no clock
// is read per event, so the event rate is not diluted by the clock reads.
func runOnce(mode string, producers, size int, count uint32, gcWorkers int, timed bool) result {
	resetCounters()
	setEventSize(size)
	cTimed := C.int(0)
	if timed {
		cTimed = 1
	}
	var mb *cgoguard.Mailbox
	var mbPtr unsafe.Pointer
	cmode := C.int(C.BENCH_DIRECT)
	if mode != "direct" {
		policy := cgoguard.FullBlock
		if mode == "mbx-drop" {
			policy = cgoguard.FullDrop
		}
		var err error
		mb, err = cgoguard.NewMailbox(cgoguard.MailboxConfig{
			Capacity: ringCapacity(size), MaxMessage: size, FullPolicy: policy,
			WakeBatch: *wakeBatch, WakeDelay: *wakeDelay,
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		mbPtr = mb.Ptr()
		cmode = C.BENCH_MAILBOX
	}
	run := C.bench_start(C.int(producers), cmode, C.uint32_t(count), C.uint32_t(size),
		C.int64_t(*interval), cTimed, mbPtr)
	if run == nil {
		fmt.Fprintln(os.Stderr, "bench_start failed")
		os.Exit(2)
	}
	stop := make(chan struct{})
	load := gcLoad(gcWorkers, stop)
	time.Sleep(20 * time.Millisecond) // let the GC load ramp up
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gc0 := ms.NumGC

	start := time.Now()
	C.bench_go(run)
	total := uint64(producers) * uint64(count)
	if mb != nil {
		// Receive until every producer is done and the mailbox is drained:
		// a C thread closes nothing here, so the receiver closes the mailbox
		// once the producers have finished (Close keeps what was posted).
		done := make(chan struct{})
		go func() {
			C.bench_join(run)
			mb.Close()
			close(done)
		}()
		buf := make([]byte, 256<<10)
		for {
			b, err := mb.Recv(buf, 30*time.Second)
			if errors.Is(err, cgoguard.ErrClosed) {
				break
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "mailbox receive:", err)
				break
			}
			for msg, ok := b.Next(); ok; msg, ok = b.Next() {
				deliver(msg)
			}
		}
		<-done
	} else {
		C.bench_join(run)
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms)
	close(stop)
	load.Wait()

	r := result{mode: mode, producers: producers, size: size, seconds: elapsed.Seconds(), numGC: ms.NumGC - gc0}
	for i := 0; i < producers; i++ {
		p := &run.p[i]
		if p.failed_status != 0 {
			fmt.Fprintf(os.Stderr, "producer %d: post failed with status %d\n", i, int(p.failed_status))
		}
		// Lost = accepted by the producer's call but never received. A
		// drop the producer was told about (ErrDropped) is counted, not lost.
		r.events += received[i]
		r.dup += duplicates[i]
		r.dropped += uint64(p.dropped)
		if accepted := uint64(p.posted); accepted > received[i] {
			r.lost += accepted - received[i]
		}
		if gaps[i] != uint64(p.dropped) {
			r.lost += gaps[i] - min(gaps[i], uint64(p.dropped))
		}
	}
	_ = total
	if timed {
		r.p50, r.p99, r.p999, r.p9999, r.pmax = percentiles(run)
	}
	if mb != nil {
		r.waits = mb.Stats().Waits
	}
	C.bench_free(run)
	runtime.KeepAlive(mb)
	return r
}

// callbackCost measures one //export callback per call, without GC load
// and without per-call timing: from a thread Go owns (a goroutine calls into
// C, which calls back) and from a thread that C created (its first callback,
// which makes the runtime set the thread up, and then repeated calls).
func callbackCost(count uint32) (goOwned, cFirst, cRepeated time.Duration) {
	resetCounters()
	setEventSize(16)
	runtime.LockOSThread()
	C.bench_callback_loop(8, 1000, 16) // warm up
	resetCounters()
	t0 := time.Now()
	C.bench_callback_loop(8, C.uint32_t(count), 16)
	goOwned = time.Since(t0) / time.Duration(count)
	runtime.UnlockOSThread()

	resetCounters()
	var first, loop C.int64_t
	C.bench_callback_thread(7, C.uint32_t(count), &first, &loop)
	return goOwned, time.Duration(first), time.Duration(int64(loop) / int64(count))
}

// receiverCost is what the receiving goroutine spends per 16-byte event,
// with nothing else running: Mailbox.Recv (one cgo call that copies a batch
// out of the ring) plus Batch.Next and the handler per event. Producers
// post first, untimed. Together with bench_mailbox_c (the C side alone)
// it bounds the mailbox's event rate when the receiver has a CPU to itself.
func receiverCost(rounds int) time.Duration {
	const batch = 8192
	setEventSize(16)
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: batch, MaxMessage: 16})
	if err != nil {
		panic(err)
	}
	defer mb.Close()
	msg := make([]byte, 16)
	for i := 8; i < 16; i++ {
		msg[i] = byte(i)
	}
	buf := make([]byte, batch*cgoguard.RecordSize(16))
	var spent time.Duration
	for r := 0; r < rounds; r++ {
		resetCounters()
		for seq := uint32(0); seq < batch; seq++ {
			binary.NativeEndian.PutUint32(msg, maxProducers-1)
			binary.NativeEndian.PutUint32(msg[4:], seq)
			if err := mb.Post(msg); err != nil {
				panic(err)
			}
		}
		t0 := time.Now()
		b, err := mb.Recv(buf, 0)
		if err != nil || b.Len() != batch {
			panic(fmt.Sprint("receiverCost: ", b.Len(), err))
		}
		for m, ok := b.Next(); ok; m, ok = b.Next() {
			deliver(m)
		}
		spent += time.Since(t0)
	}
	if received[maxProducers-1] != batch {
		panic("receiverCost: events lost")
	}
	return spent / time.Duration(rounds*batch)
}

func handleCosts(count uint64) {
	tab, err := cgoguard.NewHandleTable(1024, nil, nil)
	if err != nil {
		panic(err)
	}
	defer tab.Close()
	// 32 handles: slots 0-3 share cache lines (24-byte slots), slots 0, 8,
	// 16, 24 do not.
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
	fmt.Printf("  C   ... 4 threads, 4 handles in different cache lines:      %6.1f ns/lookup per thread (wall)\n",
		float64(ns)/float64(count))
	ns = C.bench_handle_lookups_threads(tab.Ptr(), &hs[0], 4, C.uint64_t(count))
	fmt.Printf("  C   ... 4 threads, 4 adjacent handles (shared cache lines): %6.1f ns/lookup per thread (wall)\n",
		float64(ns)/float64(count))
	same := [4]C.uint64_t{hs[0], hs[0], hs[0], hs[0]}
	ns = C.bench_handle_lookups_threads(tab.Ptr(), &same[0], 4, C.uint64_t(count))
	fmt.Printf("  C   ... 4 threads, the same handle:                         %6.1f ns/lookup per thread (wall)\n",
		float64(ns)/float64(count))

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

// intList parses a comma-separated list of integers in [lo, hi].
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

func main() {
	events := flag.Uint("n", 200000, "events per producer thread")
	gcWorkers := flag.Int("gc", 1, "goroutines allocating garbage during the event runs")
	flag.IntVar(&handlerWork, "work", 0, "extra work per event in the Go handler (loop iterations, ~1 ns each)")
	threadsFlag := flag.String("threads", "1,4", "producer thread counts to run (1..8)")
	sizesFlag := flag.String("sizes", "16,1024", "message sizes to run (8..1024 bytes)")
	extras := flag.Bool("extras", true, "after the event runs, measure single callbacks and handle lookups")
	flag.Parse()
	threadList, err1 := intList(*threadsFlag, 1, 8)
	sizeList, err2 := intList(*sizesFlag, 8, C.BENCH_MAX_MSG)
	if *repeat < 1 {
		err1 = errors.Join(err1, errors.New("-repeat: want at least 1"))
	}
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "bench_interop:", err)
		os.Exit(2)
	}
	modeList := []string{"direct", "mailbox", "mbx-drop"}
	count := uint32(*events)

	fmt.Printf("cgoguard interop benchmark: %s, GOMAXPROCS=%d, %d CPUs, %d events per producer, %d GC-load goroutines, handler work %d, interval %v, wake batch %d\n\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), count, *gcWorkers, handlerWork, *interval, *wakeBatch)
	fmt.Printf("Events from C-created threads to Go. events/s is the median of %d runs without per-event\n", *repeat)
	fmt.Println("timing (lost, dup, dropped and GCs: that run's); the producer's latency per event (time spent")
	fmt.Println("in one call/post) comes from one more run that times every event:")
	fmt.Printf("  %-8s %3s %5s %10s %8s %8s %9s %9s %9s %4s %4s %7s %4s %6s\n",
		"mode", "thr", "bytes", "events/s", "p50", "p99", "p99.9", "p99.99", "max", "lost", "dup", "dropped", "GCs", "waits")
	bad := false
	type pair struct{ direct, mailbox result }
	var pairs []pair
	for _, producers := range threadList {
		for _, size := range sizeList {
			var pr pair
			for _, mode := range modeList {
				// The rate is the median of -repeat untimed runs: on a
				// small machine one run depends on how the OS and the Go
				// scheduler happen to share the CPUs.
				var runs []result
				for i := 0; i < *repeat; i++ {
					runs = append(runs, runOnce(mode, producers, size, count, *gcWorkers, false))
				}
				sort.Slice(runs, func(a, b int) bool { return runs[a].rate() < runs[b].rate() })
				r := runs[len(runs)/2]
				lat := runOnce(mode, producers, size, count, *gcWorkers, true)
				r.p50, r.p99, r.p999, r.p9999, r.pmax = lat.p50, lat.p99, lat.p999, lat.p9999, lat.pmax
				fmt.Printf("  %-8s %3d %5d %10.0f %8v %8v %9v %9v %9v %4d %4d %7d %4d %6d\n",
					r.mode, r.producers, r.size, r.rate(),
					r.p50, r.p99, r.p999, r.p9999, r.pmax.Round(time.Microsecond), r.lost, r.dup, r.dropped, r.numGC, r.waits)
				for _, run := range append(runs, lat) {
					if run.lost != 0 || run.dup != 0 || run.events+run.dropped != uint64(producers)*uint64(count) {
						bad = true
					}
				}
				switch mode {
				case "direct":
					pr.direct = r
				case "mailbox":
					pr.mailbox = r
				}
			}
			pairs = append(pairs, pr)
		}
	}
	// The targets: for 16-byte events at least 10x the direct
	// callback's event rate, and a producer p99.9 at least 100x lower, both
	// on the installed Go with the Go side under GC load.
	fmt.Printf("\nMailbox (FullBlock) vs direct callback, against the targets (rate >= 10x for 16 B events, producer p99.9 >= 100x lower), %s:\n", runtime.Version())
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	for _, pr := range pairs {
		rate := pr.mailbox.rate() / pr.direct.rate()
		p999 := float64(pr.direct.p999) / float64(max(pr.mailbox.p999, 1))
		p9999 := float64(pr.direct.p9999) / float64(max(pr.mailbox.p9999, 1))
		rateVerdict := "(no target)"
		switch {
		case *interval > 0:
			rateVerdict = "(paced)" // the producers set the rate
		case pr.direct.size == 16:
			rateVerdict = verdict(rate >= 10)
		}
		fmt.Printf("  %d thread(s), %4d B: event rate %6.2fx %-11s  producer latency p99.9 %7.2fx lower %-7s  p99.99 %7.2fx lower\n",
			pr.direct.producers, pr.direct.size, rate, rateVerdict, p999, verdict(p999 >= 100), p9999)
	}

	if *extras {
		goOwned, cFirst, cRepeated := callbackCost(count)
		fmt.Println("\nOne //export callback (16 B event, no GC load, no per-call timing):")
		fmt.Printf("  from a Go-owned thread (Go -> C -> Go):        %v per call\n", goOwned)
		fmt.Printf("  from a C-created thread, first call:           %v\n", cFirst)
		fmt.Printf("  from a C-created thread, repeated calls:       %v per call\n", cRepeated)

		fmt.Printf("\nReceiving goroutine alone, per 16 B event (Recv's copy out of the ring + Batch.Next + handler): %.1f ns\n",
			float64(receiverCost(200).Nanoseconds()))

		fmt.Println("\nHandle lookups:")
		handleCosts(uint64(count) * 25)
	}

	if n := corrupt.Load(); n != 0 {
		fmt.Printf("\nFAIL: %d events arrived corrupted\n", n)
		bad = true
	}
	if bad {
		fmt.Println("\nFAIL: events were lost, duplicated or corrupted")
		os.Exit(1)
	}
}
