package cgoguard_test

import (
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	cgoguard "github.com/cgoguard/cgoguard/go"
	"github.com/cgoguard/cgoguard/go/internal/cthreads"
)

// gcLoad keeps the garbage collector busy until stop is closed, so that the
// tests exercise the mailbox while Go is collecting.
func gcLoad(stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var keep [][]byte
			for {
				select {
				case <-stop:
					return
				default:
				}
				keep = append(keep, make([]byte, 4096))
				if len(keep) > 256 {
					keep = keep[:0]
				}
			}
		}()
	}
	return &wg
}

var waits = []struct {
	name string
	wait cgoguard.RecvWait
}{{"park", cgoguard.WaitPark}, {"futex", cgoguard.WaitFutex}}

func TestMailboxFromCThreadsExactlyOnce(t *testing.T) {
	for _, w := range waits {
		t.Run(w.name, func(t *testing.T) { testFromCThreads(t, w.wait) })
	}
}

func testFromCThreads(t *testing.T, wait cgoguard.RecvWait) {
	// WakeBatch 1: a wake-up per message; 0: the default coalescing.
	for _, tc := range []struct{ size, wakeBatch int }{{16, 1}, {1024, 1}, {16, 32}, {16, 0}} {
		size := tc.size
		const producers, perProducer = 4, 20000
		mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{
			Capacity: 256, MaxMessage: size, FullPolicy: cgoguard.FullBlock,
			WakeBatch: tc.wakeBatch, WakeDelay: 100 * time.Microsecond, Wait: wait,
		})
		if err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		load := gcLoad(stop)
		ps := cthreads.StartProducers(mb.Ptr(), producers, perProducer, size)

		next := make([]uint32, producers)
		buf := make([]byte, 64<<10)
		total := 0
		for total < producers*perProducer {
			b, err := mb.Recv(buf, 10*time.Second)
			if err != nil {
				t.Fatalf("size %d: Recv after %d messages: %v", size, total, err)
			}
			for msg, ok := b.Next(); ok; msg, ok = b.Next() {
				if len(msg) != size {
					t.Fatalf("message of %d bytes, want %d", len(msg), size)
				}
				id, seq := binary.NativeEndian.Uint32(msg), binary.NativeEndian.Uint32(msg[4:])
				if id >= producers || seq != next[id] {
					t.Fatalf("producer %d: got seq %d, want %d (lost, duplicated or reordered)", id, seq, next[id])
				}
				for i := 8; i < size; i++ {
					if msg[i] != byte(id+seq+uint32(i)) {
						t.Fatalf("producer %d seq %d: corrupt byte %d", id, seq, i)
					}
				}
				next[id]++
				total++
			}
		}
		results := ps.Join()
		mb.Close()
		if _, err := mb.Recv(buf, 0); !errors.Is(err, cgoguard.ErrClosed) {
			t.Fatalf("Recv after close and drain: %v, want ErrClosed", err)
		}
		close(stop)
		load.Wait()
		for i, r := range results {
			if r.OK != perProducer || r.Other != 0 {
				t.Fatalf("producer %d: %+v", i, r)
			}
		}
		st := mb.Stats()
		if st.Posted != producers*perProducer || st.Received != st.Posted || st.Dropped != 0 {
			t.Fatalf("stats %+v", st)
		}
	}
}

func TestMailboxCloseWhileProducing(t *testing.T) {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 64, MaxMessage: 16, FullPolicy: cgoguard.FullBlock})
	if err != nil {
		t.Fatal(err)
	}
	ps := cthreads.StartProducers(mb.Ptr(), 3, 1<<30, 16)
	buf := make([]byte, 4096)
	received := make([]uint64, 3)
	for closed := false; ; {
		b, err := mb.Recv(buf, -1)
		if errors.Is(err, cgoguard.ErrClosed) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for msg, ok := b.Next(); ok; msg, ok = b.Next() {
			id, seq := binary.NativeEndian.Uint32(msg), binary.NativeEndian.Uint32(msg[4:])
			if uint64(seq) != received[id] {
				t.Fatalf("producer %d: seq %d, want %d", id, seq, received[id])
			}
			received[id]++
		}
		if !closed && received[0]+received[1]+received[2] > 5000 {
			mb.Close()
			closed = true
		}
	}
	// Every post that succeeded was received, none after close.
	for i, r := range ps.Join() {
		if r.OK != received[i] || r.Other != 0 {
			t.Fatalf("producer %d: posted %d (other status %d), received %d", i, r.OK, r.Other, received[i])
		}
	}
}

func TestMailboxPolicies(t *testing.T) {
	fail, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 8, FullPolicy: cgoguard.FullFail})
	drop, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 8, FullPolicy: cgoguard.FullDrop})
	block, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 8, FullPolicy: cgoguard.FullBlock,
		BlockTimeout: 10 * time.Millisecond})
	for _, mb := range []*cgoguard.Mailbox{fail, drop, block} {
		for i := 0; i < 2; i++ {
			if err := mb.Post([]byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := fail.Post([]byte("x")); !errors.Is(err, cgoguard.ErrFull) {
		t.Errorf("FullFail: %v", err)
	}
	if err := drop.Post([]byte("x")); !errors.Is(err, cgoguard.ErrDropped) {
		t.Errorf("FullDrop: %v", err)
	}
	if st := drop.Stats(); st.Dropped != 1 {
		t.Errorf("dropped count %d", st.Dropped)
	}
	start := time.Now()
	if err := block.Post([]byte("x")); !errors.Is(err, cgoguard.ErrTimeout) || time.Since(start) < 10*time.Millisecond {
		t.Errorf("FullBlock: %v after %v", err, time.Since(start))
	}
	if err := fail.Post(make([]byte, 9)); !errors.Is(err, cgoguard.ErrTooBig) {
		t.Errorf("too big: %v", err)
	}
	if _, err := fail.Recv(make([]byte, cgoguard.RecordSize(8)-1), 0); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Errorf("small buffer: %v", err)
	}
	empty, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 8})
	if _, err := empty.Recv(make([]byte, 64), 5*time.Millisecond); !errors.Is(err, cgoguard.ErrTimeout) {
		t.Errorf("empty Recv: %v", err)
	}
	if _, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{}); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Errorf("zero config: %v", err)
	}
	if _, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 8, MaxMessage: 8, WakeBatch: 8,
		WakeDelay: time.Millisecond}); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Errorf("WakeBatch above Capacity/2: %v", err)
	}
	fail.Close()
	if err := fail.Post([]byte("y")); !errors.Is(err, cgoguard.ErrClosed) {
		t.Errorf("post after close: %v", err)
	}
	b, err := fail.Recv(make([]byte, 64), 0)
	if err != nil || b.Len() != 2 {
		t.Fatalf("drain after close: %v, %d messages", err, b.Len())
	}
	if _, err := fail.Recv(make([]byte, 64), -1); !errors.Is(err, cgoguard.ErrClosed) {
		t.Errorf("after drain: %v", err)
	}
}

func TestMailboxCloseWakesReceiverAndBusy(t *testing.T) {
	for _, w := range waits {
		t.Run(w.name, func(t *testing.T) {
			mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 4, MaxMessage: 8, Wait: w.wait})
			done := make(chan error)
			go func() {
				for {
					// The loop below may hold the receiver's place for a
					// moment: retry then, as a second receiver must.
					_, err := mb.Recv(make([]byte, 64), -1)
					if !errors.Is(err, cgoguard.ErrBusy) {
						done <- err
						return
					}
					runtime.Gosched()
				}
			}()
			// While that goroutine waits, a second receiver is refused.
			for {
				_, err := mb.Recv(make([]byte, 64), 0)
				if errors.Is(err, cgoguard.ErrBusy) {
					break
				}
				if !errors.Is(err, cgoguard.ErrTimeout) {
					t.Fatal(err)
				}
				runtime.Gosched()
			}
			if err := mb.Close(); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if !errors.Is(err, cgoguard.ErrClosed) {
					t.Fatalf("blocked Recv: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Close did not wake the receiver")
			}
			if err := mb.Close(); !errors.Is(err, cgoguard.ErrClosed) {
				t.Fatalf("second Close: %v, want ErrClosed", err)
			}
		})
	}
}

func TestMailboxRecvTimeout(t *testing.T) {
	for _, w := range waits {
		mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 4, MaxMessage: 8, Wait: w.wait,
			WakeBatch: 2, WakeDelay: time.Millisecond})
		start := time.Now()
		if _, err := mb.Recv(make([]byte, 64), 20*time.Millisecond); !errors.Is(err, cgoguard.ErrTimeout) {
			t.Fatalf("%s: %v, want ErrTimeout", w.name, err)
		}
		if d := time.Since(start); d < 20*time.Millisecond {
			t.Fatalf("%s: timed out after %v, before the timeout", w.name, d)
		}
	}
}

func TestMailboxRecvContext(t *testing.T) {
	for _, w := range waits {
		t.Run(w.name, func(t *testing.T) {
			mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 4, MaxMessage: 8, Wait: w.wait})
			buf := make([]byte, 64)

			// Cancelled while waiting.
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() {
				_, err := mb.RecvContext(ctx, buf)
				done <- err
			}()
			time.Sleep(5 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("cancelled RecvContext: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("cancel did not wake the receiver")
			}

			// The context's deadline.
			ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			if _, err := mb.RecvContext(ctx, buf); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("RecvContext past the deadline: %v", err)
			}

			// A message, and an earlier cancellation does not cut a later
			// wait short.
			go func() {
				time.Sleep(30 * time.Millisecond)
				mb.Post([]byte("hi"))
			}()
			b, err := mb.RecvContext(context.Background(), buf)
			if err != nil || b.Len() != 1 {
				t.Fatalf("RecvContext: %d messages, %v", b.Len(), err)
			}
			if msg, _ := b.Next(); string(msg) != "hi" {
				t.Fatalf("got %q", msg)
			}
			mb.Close()
			if _, err := mb.RecvContext(context.Background(), buf); !errors.Is(err, cgoguard.ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
		})
	}
}

func TestMailboxCoalescingDefaults(t *testing.T) {
	mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 256, MaxMessage: 8})
	if st := mb.Stats(); st.WakeBatch != 32 || st.WakeDelay != 50*time.Microsecond {
		t.Fatalf("default coalescing: batch %d, delay %v", st.WakeBatch, st.WakeDelay)
	}
	mb, _ = cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 16, MaxMessage: 8})
	if st := mb.Stats(); st.WakeBatch != 8 {
		t.Fatalf("default batch for capacity 16: %d, want 8", st.WakeBatch)
	}
	mb, _ = cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 16, MaxMessage: 8, WakeBatch: 1})
	if st := mb.Stats(); st.WakeBatch != 1 {
		t.Fatalf("WakeBatch 1: %d, want 1 (off)", st.WakeBatch)
	}
	if _, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 16, MaxMessage: 8, WakeDelay: -1}); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Fatalf("negative WakeDelay: %v", err)
	}
}

func TestPolicyConstants(t *testing.T) {
	// go doc shows the values: they must stay those of the C enum (also
	// checked at compile time inside the package).
	if cgoguard.FullFail != 0 || cgoguard.FullDrop != 1 || cgoguard.FullBlock != 2 {
		t.Fatal("FullPolicy values changed")
	}
	if _, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 1, Wait: 7}); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Fatalf("unknown Wait: %v", err)
	}
}

func TestMailboxChan(t *testing.T) {
	mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 16, MaxMessage: 8, FullPolicy: cgoguard.FullBlock})
	ch := mb.Chan(4)
	go func() {
		for i := 0; i < 1000; i++ {
			if err := mb.Post([]byte{byte(i), byte(i >> 8)}); err != nil {
				panic(err)
			}
		}
		mb.Close()
	}()
	n := 0
	for msg := range ch {
		if int(msg[0])|int(msg[1])<<8 != n {
			t.Fatalf("message %d: %v", n, msg)
		}
		n++
	}
	if n != 1000 {
		t.Fatalf("got %d messages", n)
	}
}
