package cgoguard

// Mailbox: the Go side of cgoguard/mailbox.h. C threads post with
// cg_mailbox_post on the pointer from Mailbox.Ptr; one goroutine receives.
// The blocking wait happens inside the C call (a futex), so an idle receiver
// costs no CPU and no goroutine polling.

/*
#cgo pkg-config: cgoguard
#include <cgoguard/mailbox.h>
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"runtime"
	"time"
	"unsafe"
)

// FullPolicy decides what a post does when the mailbox is full.
type FullPolicy int

const (
	// FullFail makes the post fail with ErrFull; the producer decides.
	FullFail FullPolicy = C.CG_MAILBOX_FULL_FAIL
	// FullDrop discards the new message, counts it in Stats.Dropped and
	// reports ErrDropped.
	FullDrop FullPolicy = C.CG_MAILBOX_FULL_DROP
	// FullBlock makes the producer sleep until there is room, the mailbox
	// closes (ErrClosed) or MailboxConfig.BlockTimeout passes (ErrTimeout).
	FullBlock FullPolicy = C.CG_MAILBOX_FULL_BLOCK
)

// Errors of mailbox operations. Each full-mailbox outcome has its own error,
// so none of them is silent.
var (
	ErrFull     = errors.New("cgoguard: mailbox full")
	ErrDropped  = errors.New("cgoguard: mailbox full, message dropped")
	ErrTimeout  = errors.New("cgoguard: mailbox wait timed out")
	ErrClosed   = errors.New("cgoguard: mailbox closed")
	ErrTooBig   = errors.New("cgoguard: message larger than the mailbox's MaxMessage")
	ErrBusy     = errors.New("cgoguard: another goroutine is receiving from the mailbox")
	ErrInvalid  = errors.New("cgoguard: invalid argument")
	ErrNoMemory = errors.New("cgoguard: out of memory")
)

func mailboxError(st C.cg_mailbox_status) error {
	switch st {
	case C.CG_MAILBOX_OK:
		return nil
	case C.CG_MAILBOX_DROPPED:
		return ErrDropped
	case C.CG_MAILBOX_FULL:
		return ErrFull
	case C.CG_MAILBOX_TIMEOUT:
		return ErrTimeout
	case C.CG_MAILBOX_CLOSED:
		return ErrClosed
	case C.CG_MAILBOX_TOO_BIG:
		return ErrTooBig
	case C.CG_MAILBOX_BUSY:
		return ErrBusy
	case C.CG_MAILBOX_NOMEM:
		return ErrNoMemory
	}
	return ErrInvalid
}

// MailboxConfig configures NewMailbox.
type MailboxConfig struct {
	Capacity     int           // messages; rounded up to a power of two (2 .. 1<<24)
	MaxMessage   int           // largest message in bytes (1 .. 1<<24)
	FullPolicy   FullPolicy    // what a post does when full
	BlockTimeout time.Duration // FullBlock only; <= 0 waits without limit

	// Wake-up coalescing (WakeBatch 0 or 1: off). When Recv finds the
	// mailbox empty it sleeps until WakeBatch messages are there or
	// WakeDelay has passed: producers then make one wake-up system call
	// per WakeBatch messages instead of one per message, and delivery may
	// be delayed by up to WakeDelay. WakeBatch <= Capacity/2, WakeDelay > 0.
	WakeBatch int
	WakeDelay time.Duration
}

// MailboxStats are the mailbox's counters.
type MailboxStats struct {
	Posted, Received, Dropped, Full, Timeouts uint64
	Waits                                     uint64 // times a FullBlock post slept for room
	Capacity, MaxMessage                      int
}

// Mailbox is a bounded multi-producer queue from C threads to one receiving
// goroutine. Its C memory is released when the Mailbox is garbage collected;
// C producers that may outlive it must hold their own reference
// (cg_mailbox_retain / cg_mailbox_release).
type Mailbox struct {
	c          *C.cg_mailbox
	maxMessage int
}

// NewMailbox creates a mailbox.
func NewMailbox(cfg MailboxConfig) (*Mailbox, error) {
	if cfg.Capacity <= 0 || cfg.Capacity > 1<<24 || cfg.MaxMessage <= 0 || cfg.MaxMessage > 1<<24 ||
		cfg.WakeBatch < 0 || cfg.WakeBatch > 1<<24 {
		return nil, ErrInvalid
	}
	timeout := int64(-1)
	if cfg.BlockTimeout > 0 {
		timeout = int64(cfg.BlockTimeout)
	}
	ccfg := C.cg_mailbox_config{
		capacity:         C.uint32_t(cfg.Capacity),
		max_message:      C.uint32_t(cfg.MaxMessage),
		full_policy:      C.cg_mailbox_full_policy(cfg.FullPolicy),
		block_timeout_ns: C.int64_t(timeout),
		wake_batch:       C.uint32_t(cfg.WakeBatch),
		wake_delay_ns:    C.int64_t(cfg.WakeDelay),
	}
	var c *C.cg_mailbox
	if st := C.cg_mailbox_new(&ccfg, &c); st != C.CG_MAILBOX_OK {
		return nil, mailboxError(st)
	}
	m := &Mailbox{c: c, maxMessage: cfg.MaxMessage}
	runtime.SetFinalizer(m, func(m *Mailbox) { C.cg_mailbox_release(m.c) })
	return m, nil
}

// Ptr returns the C mailbox (a *C.cg_mailbox) to hand to C producers. It
// stays valid while the Mailbox is reachable, or while C holds a reference
// it took with cg_mailbox_retain.
func (m *Mailbox) Ptr() unsafe.Pointer { return unsafe.Pointer(m.c) }

// Post copies msg into the mailbox (from Go; C threads call
// cg_mailbox_post). The error follows the mailbox's FullPolicy.
func (m *Mailbox) Post(msg []byte) error {
	var st C.cg_mailbox_status
	if len(msg) == 0 {
		st = C.cg_mailbox_post(m.c, nil, 0)
	} else {
		// The address is taken inside the call, so that cgo's pointer check
		// covers the slice's elements only (see CG022).
		st = C.cg_mailbox_post(m.c, unsafe.Pointer(&msg[0]), C.size_t(len(msg)))
	}
	runtime.KeepAlive(m)
	return mailboxError(st)
}

// Close makes every later post fail with ErrClosed. Messages posted before
// are still delivered; then Recv returns ErrClosed. Idempotent.
func (m *Mailbox) Close() {
	C.cg_mailbox_close(m.c)
	runtime.KeepAlive(m)
}

// Stats returns the mailbox's counters.
func (m *Mailbox) Stats() MailboxStats {
	var s C.cg_mailbox_stats
	C.cg_mailbox_get_stats(m.c, &s)
	runtime.KeepAlive(m)
	return MailboxStats{
		Posted: uint64(s.posted), Received: uint64(s.received), Dropped: uint64(s.dropped),
		Full: uint64(s.full), Timeouts: uint64(s.timeouts), Waits: uint64(s.waits),
		Capacity: int(s.capacity), MaxMessage: int(s.max_message),
	}
}

// RecordSize is the space a message of n bytes takes in a receive buffer.
func RecordSize(n int) int { return 4 + (n+3)&^3 }

// Batch is a set of messages received together; they point into the buffer
// passed to Recv and are valid until that buffer is reused.
type Batch struct {
	buf   []byte
	count int
}

// Len is the number of messages in the batch.
func (b *Batch) Len() int { return b.count }

// Next returns the next message and true, or nil and false at the end.
func (b *Batch) Next() ([]byte, bool) {
	if len(b.buf) < 4 {
		return nil, false
	}
	n := int(binary.NativeEndian.Uint32(b.buf))
	msg := b.buf[4 : 4+n : 4+n]
	b.buf = b.buf[RecordSize(n):]
	return msg, true
}

// Recv receives as many messages as fit in buf, waiting up to timeout for
// the first one (0: do not wait; < 0: no limit). buf must hold at least
// RecordSize(MaxMessage) bytes; a few times that lets batches amortise the
// cgo call. Returns ErrTimeout when nothing arrived in time and ErrClosed
// once the mailbox is closed and everything posted before has been
// received. Only one goroutine may receive at a time (else ErrBusy).
func (m *Mailbox) Recv(buf []byte, timeout time.Duration) (Batch, error) {
	if len(buf) < RecordSize(m.maxMessage) {
		return Batch{}, ErrInvalid
	}
	ns := int64(timeout)
	if timeout < 0 {
		ns = -1
	}
	var out C.cg_mailbox_batch
	// buf holds no Go pointers, so passing it to C is allowed; C does not
	// keep it after the call.
	st := C.cg_mailbox_recv(m.c, unsafe.Pointer(&buf[0]), C.size_t(len(buf)), C.int64_t(ns), &out)
	runtime.KeepAlive(m)
	if st != C.CG_MAILBOX_OK {
		return Batch{}, mailboxError(st)
	}
	return Batch{buf: buf[:out.bytes], count: int(out.count)}, nil
}

// Chan starts a goroutine that receives from the mailbox and sends a copy
// of each message to the returned channel (of capacity size), which is
// closed when the mailbox is closed and drained. The channel adapter costs
// one allocation per message; Recv with a reused buffer costs none. Do not
// call Recv while the adapter runs, and keep reading the channel until it
// is closed: the adapter goroutine blocks while the channel is full.
func (m *Mailbox) Chan(size int) <-chan []byte {
	ch := make(chan []byte, size)
	buf := make([]byte, max(64<<10, 4*RecordSize(m.maxMessage)))
	go func() {
		defer close(ch)
		for {
			b, err := m.Recv(buf, -1)
			if err != nil {
				return // ErrClosed (or misuse: a concurrent Recv)
			}
			for msg, ok := b.Next(); ok; msg, ok = b.Next() {
				ch <- append([]byte(nil), msg...)
			}
		}
	}()
	return ch
}
