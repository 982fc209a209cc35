package cgoguard

// Mailbox: the Go side of cgoguard/mailbox.h. C threads post with
// cg_mailbox_post on the pointer from Mailbox.Ptr; one goroutine receives.

/*
#include <cgoguard/mailbox.h>
*/
import "C"

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// FullPolicy decides what a post does when the mailbox is full.
type FullPolicy int

// The values are those of cg_mailbox_full_policy (checked at compile time
// below).
const (
	// FullFail makes the post fail with ErrFull (CG_MAILBOX_FULL); the
	// producer decides what to do.
	FullFail FullPolicy = 0
	// FullDrop discards the new message, counts it in Stats().Dropped and
	// reports ErrDropped (CG_MAILBOX_DROPPED).
	FullDrop FullPolicy = 1
	// FullBlock makes the producer sleep until there is room, the mailbox
	// closes (ErrClosed) or MailboxConfig.BlockTimeout passes (ErrTimeout).
	FullBlock FullPolicy = 2
)

// RecvWait is how Recv waits while the mailbox is empty.
type RecvWait int

const (
	// WaitFutex (the default) makes Recv's cgo call sleep in a futex until
	// the producer of the awaited message wakes it. The goroutine keeps its
	// thread, which the runtime treats as blocked in a system call: its P
	// may go to other goroutines meanwhile, and the woken thread takes one
	// back (its own if still free, an idle one, or it queues).
	WaitFutex RecvWait = 0
	// WaitPark parks the receiving goroutine in Go's scheduler, on the
	// network poller, until the producer of the awaited message writes to
	// the mailbox's eventfd: it holds no thread while it waits (for many
	// mostly idle mailboxes), but under load it is woken later than
	// WaitFutex: bench/interop measured a median post-to-handler latency of
	// 1.5 to 2.5 ms against 0.1 to 0.7 ms with the garbage collector busy
	// (see its README).
	WaitPark RecvWait = 1
)

// Compile-time checks that the Go constants are the C ones: an index
// other than 0 does not compile.
var _ = [1]struct{}{}[int(FullFail)-C.CG_MAILBOX_FULL_FAIL]
var _ = [1]struct{}{}[int(FullDrop)-C.CG_MAILBOX_FULL_DROP]
var _ = [1]struct{}{}[int(FullBlock)-C.CG_MAILBOX_FULL_BLOCK]

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

	// Wake-up coalescing, on by default (WakeBatch 0: 32, capped to
	// Capacity/2; WakeDelay 0: 50µs; WakeBatch 1 turns it off). When Recv
	// finds the mailbox empty right after receiving, it waits until
	// WakeBatch messages are there or WakeDelay has passed; after a delay
	// that brought nothing it waits for the next message. While messages
	// come faster than WakeDelay apart, producers then make one wake-up
	// system call per WakeBatch messages instead of one per message (that
	// call is a post's slowest part), and those messages may be delayed by
	// up to WakeDelay; sparser ones wake the receiver at once.
	WakeBatch int
	WakeDelay time.Duration

	// Wait is how Recv waits while the mailbox is empty (default WaitFutex).
	Wait RecvWait
}

// MailboxStats are the mailbox's counters.
type MailboxStats struct {
	Posted, Received, Dropped, Full, Timeouts uint64
	Waits                                     uint64 // times a FullBlock post slept for room
	Wakeups                                   uint64 // times a producer woke the waiting receiver (a system call each)
	Capacity, MaxMessage                      int
	WakeBatch                                 int           // effective coalescing batch (1: off)
	WakeDelay                                 time.Duration // effective coalescing delay
}

// Mailbox is a bounded multi-producer queue from C threads to one receiving
// goroutine. Its C memory is released when the Mailbox is garbage collected;
// C producers that may outlive it must hold their own reference
// (cg_mailbox_retain / cg_mailbox_release).
type Mailbox struct {
	c          *C.cg_mailbox
	maxMessage int
	wakeBatch  int
	wakeDelay  time.Duration
	wait       RecvWait
	closed     atomic.Bool
	receiving  atomic.Bool // one receiver at a time, for the whole Recv call

	fdOnce sync.Once
	fd     *os.File // a dup of the C mailbox's eventfd, on Go's network poller
	fdErr  error
}

// NewMailbox creates a mailbox.
func NewMailbox(cfg MailboxConfig) (*Mailbox, error) {
	if cfg.Capacity <= 0 || cfg.Capacity > 1<<24 || cfg.MaxMessage <= 0 || cfg.MaxMessage > 1<<24 ||
		cfg.WakeBatch < 0 || cfg.WakeBatch > 1<<24 || cfg.WakeDelay < 0 || (cfg.Wait != WaitPark && cfg.Wait != WaitFutex) {
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
	var st C.cg_mailbox_stats
	C.cg_mailbox_get_stats(c, &st) // the effective coalescing, defaults applied
	m := &Mailbox{c: c, maxMessage: cfg.MaxMessage, wakeBatch: int(st.wake_batch),
		wakeDelay: time.Duration(st.wake_delay_ns), wait: cfg.Wait}
	runtime.SetFinalizer(m, func(m *Mailbox) {
		if m.fd != nil {
			m.fd.Close()
		}
		C.cg_mailbox_release(m.c)
	})
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

// Close makes every later post fail with ErrClosed and wakes a waiting
// receiver. Messages posted before are still delivered; then Recv returns
// ErrClosed. A second Close returns ErrClosed.
func (m *Mailbox) Close() error {
	if !m.closed.CompareAndSwap(false, true) {
		return ErrClosed
	}
	C.cg_mailbox_close(m.c)
	runtime.KeepAlive(m)
	return nil
}

// Stats returns the mailbox's counters.
func (m *Mailbox) Stats() MailboxStats {
	var s C.cg_mailbox_stats
	C.cg_mailbox_get_stats(m.c, &s)
	runtime.KeepAlive(m)
	return MailboxStats{
		Posted: uint64(s.posted), Received: uint64(s.received), Dropped: uint64(s.dropped),
		Full: uint64(s.full), Timeouts: uint64(s.timeouts), Waits: uint64(s.waits),
		Wakeups: uint64(s.wakeups), Capacity: int(s.capacity), MaxMessage: int(s.max_message),
		WakeBatch: int(s.wake_batch), WakeDelay: time.Duration(s.wake_delay_ns),
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
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	return m.recv(nil, buf, timeout, deadline)
}

// RecvContext is Recv without a timeout that returns ctx.Err() once ctx is
// done (and honours ctx's deadline). It always parks the goroutine as
// WaitPark does, whatever the mailbox's Wait.
func (m *Mailbox) RecvContext(ctx context.Context, buf []byte) (Batch, error) {
	if err := ctx.Err(); err != nil {
		return Batch{}, err
	}
	deadline, _ := ctx.Deadline()
	return m.recv(ctx, buf, -1, deadline)
}

func (m *Mailbox) recv(ctx context.Context, buf []byte, timeout time.Duration, deadline time.Time) (Batch, error) {
	if len(buf) < RecordSize(m.maxMessage) {
		return Batch{}, ErrInvalid
	}
	if !m.receiving.CompareAndSwap(false, true) {
		return Batch{}, ErrBusy
	}
	defer m.receiving.Store(false)
	if m.wait == WaitFutex && ctx == nil {
		ns := int64(timeout)
		if timeout < 0 {
			ns = -1
		}
		var out C.cg_mailbox_batch
		// buf holds no Go pointers, so passing it to C is allowed; C does
		// not keep it after the call.
		st := C.cg_mailbox_recv(m.c, unsafe.Pointer(&buf[0]), C.size_t(len(buf)), C.int64_t(ns), &out)
		runtime.KeepAlive(m)
		if st != C.CG_MAILBOX_OK {
			return Batch{}, mailboxError(st)
		}
		return Batch{buf: buf[:out.bytes], count: int(out.count)}, nil
	}
	if timeout != 0 {
		if err := m.openFD(); err != nil {
			return Batch{}, err
		}
	}
	if ctx != nil {
		stop := m.interruptOn(ctx)
		defer stop()
	}
	// Coalesce at most once per call, as cg_mailbox_recv does: after a
	// delay that brought nothing, wait for the next message.
	coalesce := m.wakeBatch > 1
	for {
		flags := C.uint(0)
		switch {
		case timeout == 0:
		case coalesce:
			flags = C.CG_MAILBOX_ARM_COALESCED
		default:
			flags = C.CG_MAILBOX_ARM
		}
		var out C.cg_mailbox_batch
		st := C.cg_mailbox_recv_nowait(m.c, unsafe.Pointer(&buf[0]), C.size_t(len(buf)), flags, &out)
		runtime.KeepAlive(m)
		if st == C.CG_MAILBOX_OK {
			return Batch{buf: buf[:out.bytes], count: int(out.count)}, nil
		}
		if st == C.CG_MAILBOX_TIMEOUT && ctx != nil {
			// The context's deadline passed (its own timer may not
			// have fired yet).
			return Batch{}, context.DeadlineExceeded
		}
		if st != C.CG_MAILBOX_WAIT {
			return Batch{}, mailboxError(st)
		}
		until, coalescing := deadline, false
		if coalesce {
			if d := time.Now().Add(m.wakeDelay); until.IsZero() || d.Before(until) {
				until, coalescing = d, true
			}
		}
		err := m.waitFD(ctx, until)
		switch {
		case err == nil: // woken: take what is there
		case ctx != nil && ctx.Err() != nil:
			return Batch{}, ctx.Err()
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return Batch{}, err
		case coalescing:
			coalesce = false
		default:
			// The caller's deadline: one last look without waiting.
			timeout = 0
		}
	}
}

// openFD puts a duplicate of the C mailbox's eventfd on Go's network poller
// (the C mailbox keeps its own descriptor for the producers).
func (m *Mailbox) openFD() error {
	m.fdOnce.Do(func() {
		fd, err := C.cg_mailbox_event_fd(m.c)
		if fd < 0 {
			m.fdErr = os.NewSyscallError("eventfd", err)
			return
		}
		dup, err := syscall.Dup(int(fd))
		if err != nil {
			m.fdErr = os.NewSyscallError("dup", err)
			return
		}
		syscall.CloseOnExec(dup)
		if err := syscall.SetNonblock(dup, true); err != nil {
			syscall.Close(dup)
			m.fdErr = os.NewSyscallError("fcntl", err)
			return
		}
		m.fd = os.NewFile(uintptr(dup), "cgoguard-mailbox")
	})
	return m.fdErr
}

// waitFD parks the goroutine until the eventfd is readable (and reads its
// counter, so that the next wait needs a new signal) or until `until`
// passes (os.ErrDeadlineExceeded; zero: no limit). With a ctx, interruptOn
// makes ctx's end a past deadline.
func (m *Mailbox) waitFD(ctx context.Context, until time.Time) error {
	if err := m.fd.SetReadDeadline(until); err != nil {
		return err
	}
	// ctx may have ended, and its callback set the past deadline, before
	// the line above replaced it: look once more now that it is set.
	if ctx != nil && ctx.Err() != nil {
		return os.ErrDeadlineExceeded
	}
	rc, err := m.fd.SyscallConn()
	if err != nil {
		return err
	}
	var n [8]byte
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		// Read first: a signal that came before the goroutine parks would
		// not show up as a new edge on the poller.
		_, rerr = syscall.Read(int(fd), n[:])
		return rerr != syscall.EAGAIN
	})
	if err != nil {
		return err
	}
	if rerr != nil {
		return os.NewSyscallError("read", rerr)
	}
	return nil
}

// interruptOn makes a wait in waitFD return once ctx is done; stop undoes
// it, and once stop has returned the callback no longer touches the fd.
func (m *Mailbox) interruptOn(ctx context.Context) (stop func()) {
	var mu sync.Mutex
	over := false
	stopFn := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !over && m.fd != nil {
			m.fd.SetReadDeadline(time.Unix(1, 0))
		}
	})
	return func() {
		if !stopFn() {
			mu.Lock()
			over = true
			mu.Unlock()
		}
	}
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
