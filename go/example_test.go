package cgoguard_test

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

// A goroutine receives what C threads post. C code gets mb.Ptr() and calls
// cg_mailbox_post(mb, &event, sizeof event) from any thread; Post does the
// same from Go.
func ExampleMailbox() {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{
		Capacity: 1024, MaxMessage: 16, FullPolicy: cgoguard.FullBlock,
	})
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"tick", "tock"} {
		if err := mb.Post([]byte(s)); err != nil {
			panic(err)
		}
	}
	mb.Close() // what was posted is still delivered, then Recv says ErrClosed

	buf := make([]byte, 64<<10) // reused: receiving allocates nothing
	for {
		batch, err := mb.Recv(buf, -1)
		if errors.Is(err, cgoguard.ErrClosed) {
			break
		}
		if err != nil {
			panic(err)
		}
		for msg, ok := batch.Next(); ok; msg, ok = batch.Next() {
			fmt.Println(string(msg)) // msg points into buf: copy what you keep
		}
	}
	// Output:
	// tick
	// tock
}

// RecvContext stops waiting when the context is done.
func ExampleMailbox_RecvContext() {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 8, MaxMessage: 8})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = mb.RecvContext(ctx, make([]byte, 64))
	fmt.Println(err)
	// Output: context deadline exceeded
}

// The channel adapter copies each message (one allocation per message).
func ExampleMailbox_Chan() {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 8, MaxMessage: 8, FullPolicy: cgoguard.FullBlock})
	if err != nil {
		panic(err)
	}
	go func() {
		for i := 0; i < 3; i++ {
			mb.Post([]byte{byte('a' + i)})
		}
		mb.Close()
	}()
	for msg := range mb.Chan(16) {
		fmt.Print(string(msg))
	}
	fmt.Println()
	// Output: abc
}

// Each full-mailbox policy reports what happened to the message.
func ExampleFullPolicy() {
	for _, p := range []cgoguard.FullPolicy{cgoguard.FullFail, cgoguard.FullDrop} {
		mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 2, MaxMessage: 1, FullPolicy: p})
		if err != nil {
			panic(err)
		}
		mb.Post([]byte{1})
		mb.Post([]byte{2})
		fmt.Println(mb.Post([]byte{3}), mb.Stats().Dropped)
	}
	// Output:
	// cgoguard: mailbox full 0
	// cgoguard: mailbox full, message dropped 1
}

// A handle stands for a C object; a stale one is an error, never a
// use-after-free.
func ExampleHandleTable() {
	tab, err := cgoguard.NewHandleTable(16, nil, nil) // nil: the table does not own the objects
	if err != nil {
		panic(err)
	}
	defer tab.Close()
	err = cgoguard.WithScratch(func(s *cgoguard.Scratch) error {
		obj, err := s.Alloc(8) // stands for a C object
		if err != nil {
			return err
		}
		h, err := tab.New(obj)
		if err != nil {
			return err
		}
		err = tab.With(h, func(p unsafe.Pointer) error {
			fmt.Println("same object:", p == obj)
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Println(tab.Free(h))
		fmt.Println(tab.Free(h))
		_, err = tab.Acquire(h)
		fmt.Println(err)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// same object: true
	// <nil>
	// cgoguard: stale handle (already freed)
	// cgoguard: stale handle (already freed)
}

// A snapshot is an immutable copy in C memory that C reads without Go.
func ExampleNewStringMapSnapshot() {
	snap, err := cgoguard.NewStringMapSnapshot(map[string]string{"host": "example.org", "port": "443"})
	if err != nil {
		panic(err)
	}
	defer snap.Release()
	// C: cg_snapshot_get(snap.Ptr(), "host", 4, &value)
	host, _ := snap.Get("host")
	_, err = snap.Get("user")
	fmt.Println(snap.Len(), host, err != nil)
	// Output: 2 example.org true
}

// Temporary C strings for one call, without malloc and free.
func ExampleWithScratch() {
	err := cgoguard.WithScratch(func(s *cgoguard.Scratch) error {
		p, err := s.CString("/etc/hosts")
		if err != nil {
			return err
		}
		// C.open((*C.char)(p), ...) would use it here.
		fmt.Println(unsafe.String((*byte)(p), 10))
		return nil
	}) // everything allocated in the scope is released here
	fmt.Println(err)
	// Output:
	// /etc/hosts
	// <nil>
}
