// Example fix for CG017 (callback-on-foreign-thread): events from a thread
// that C created reach Go through a cgoguard mailbox instead of a call to an
// //export function.
//
// Before — the C thread calls into Go for every event:
//
//	//export onSample
//	func onSample(seq C.uint32_t, level C.float) { ... }
//
//	static void *audio_thread(void *arg) {   // created by pthread_create
//	    for (...) onSample(seq, level);      // CG017: Go callback on a C thread
//	}
//
// That works, but every call runs Go code on the C thread: it needs a P,
// waits out garbage-collection stop-the-world phases, and it runs the Go
// handler's work on the thread that must not be late.
//
// After — the C thread copies each event into the mailbox (lock-free, no
// allocation, never calls Go) and one goroutine receives them in batches.
package main

/*
#cgo pkg-config: --static cgoguard-static
#include <pthread.h>
#include <stdint.h>
#include <cgoguard/mailbox.h>

typedef struct sample { uint32_t seq; float level; } sample;

static void *audio_thread(void *arg) {
	cg_mailbox *mb = arg;
	for (uint32_t seq = 0; seq < 10000; seq++) {
		sample s = {seq, (float)(seq % 100) / 100.0f};
		// A real-time thread would use CG_MAILBOX_FULL_DROP or _FAIL and
		// count; this example blocks so that every sample arrives.
		if (cg_mailbox_post(mb, &s, sizeof(s)) != CG_MAILBOX_OK) break;
	}
	cg_mailbox_close(mb); // the receiver drains what was posted, then stops
	cg_mailbox_release(mb);
	return NULL;
}

static int start_audio(void *mb) {
	pthread_t t;
	cg_mailbox_retain(mb); // the thread's own reference
	if (pthread_create(&t, NULL, audio_thread, mb) != 0) return -1;
	return pthread_detach(t);
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"time"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

func main() {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{
		Capacity:   1024,
		MaxMessage: int(C.sizeof_sample),
		FullPolicy: cgoguard.FullBlock,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if C.start_audio(mb.Ptr()) != 0 {
		fmt.Fprintln(os.Stderr, "cannot start the audio thread")
		os.Exit(1)
	}

	buf := make([]byte, 64*cgoguard.RecordSize(int(C.sizeof_sample)))
	var n uint32
	var sum float64
	for {
		batch, err := mb.Recv(buf, 10*time.Second)
		if errors.Is(err, cgoguard.ErrClosed) {
			break // closed and drained: every posted sample was received
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "receive:", err)
			os.Exit(1)
		}
		for msg, ok := batch.Next(); ok; msg, ok = batch.Next() {
			seq := binary.NativeEndian.Uint32(msg)
			level := math.Float32frombits(binary.NativeEndian.Uint32(msg[4:]))
			if seq != n {
				fmt.Fprintf(os.Stderr, "sample %d arrived as %d\n", n, seq)
				os.Exit(1)
			}
			n++
			sum += float64(level)
		}
	}
	st := mb.Stats()
	fmt.Printf("received %d samples in order, mean level %.3f, dropped %d\n", n, sum/float64(n), st.Dropped)
	if n != 10000 || st.Dropped != 0 {
		os.Exit(1)
	}
}
