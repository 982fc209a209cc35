// Package audio drives a C audio engine: a real-time C thread delivers
// buffers to Go, a C signal handler reports xruns, and the C decoder
// recovers from corrupt frames with setjmp/longjmp.
package audio

/*
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

extern void goOnBuffer(float *samples, int n);
extern void goOnXrun(int sig);
extern int goDecodeFrame(unsigned char *frame, int n);

static float ring[256];
static const unsigned char *last_frame;
static jmp_buf decode_env;

static void *engine_thread(void *arg) {
	(void)arg;
	for (int i = 0; i < 4; i++) goOnBuffer(ring, 256);
	return NULL;
}

static int engine_start(void) {
	pthread_t t;
	return pthread_create(&t, NULL, engine_thread, NULL);
}

static void xrun_handler(int sig) { goOnXrun(sig); }

static void engine_watch_xruns(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = xrun_handler;
	sigaction(SIGUSR1, &sa, NULL);
}

// Called back from Go when a frame is corrupt.
static void decode_abort(void) { longjmp(decode_env, 1); }

static int decode(unsigned char *frame, int n) {
	if (setjmp(decode_env)) return -1;
	return goDecodeFrame(frame, n);
}

// The engine keeps the most recent frame to re-decode it on underrun.
static void engine_remember_frame(const unsigned char *frame) { last_frame = frame; }
*/
import "C"

import "unsafe"

// Buffers receives every buffer the engine renders.
var Buffers = make(chan []float32, 16)

//export goOnBuffer
func goOnBuffer(samples *C.float, n C.int) {
	Buffers <- append([]float32(nil), unsafe.Slice((*float32)(unsafe.Pointer(samples)), int(n))...)
}

// Xruns counts buffer underruns reported by the engine.
var Xruns int

//export goOnXrun
func goOnXrun(sig C.int) {
	Xruns++
}

//export goDecodeFrame
func goDecodeFrame(frame *C.uchar, n C.int) C.int {
	if n < 4 {
		C.decode_abort()
	}
	return n
}

// Start launches the engine thread and the xrun watcher.
func Start() error {
	C.engine_watch_xruns()
	if C.engine_start() != 0 {
		return errEngine
	}
	return nil
}

// Decode decodes one frame and lets the engine keep it for re-decoding.
func Decode(frame []byte) int {
	C.engine_remember_frame((*C.uchar)(unsafe.Pointer(&frame[0])))
	return int(C.decode((*C.uchar)(unsafe.Pointer(&frame[0])), C.int(len(frame))))
}

type engineError string

func (e engineError) Error() string { return string(e) }

const errEngine = engineError("audio: cannot start the engine thread")
