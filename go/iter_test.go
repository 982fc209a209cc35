//go:build go1.23

package cgoguard_test

import (
	"encoding/binary"
	"errors"
	"testing"

	cgoguard "github.com/cgoguard/cgoguard/go"
	"github.com/cgoguard/cgoguard/go/internal/cthreads"
)

func TestMailboxAllFromCThreads(t *testing.T) {
	mb, err := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 64, MaxMessage: 16, FullPolicy: cgoguard.FullBlock})
	if err != nil {
		t.Fatal(err)
	}
	ps := cthreads.StartProducers(mb.Ptr(), 2, 5000, 16)
	go func() {
		ps.Join()
		mb.Close() // ends the range loop once everything is received
	}()
	next := make([]uint32, 2)
	for msg, err := range mb.All(make([]byte, 4096)) {
		if err != nil {
			t.Fatal(err)
		}
		id, seq := binary.NativeEndian.Uint32(msg), binary.NativeEndian.Uint32(msg[4:])
		if seq != next[id] {
			t.Fatalf("producer %d: seq %d, want %d", id, seq, next[id])
		}
		next[id]++
	}
	if next[0] != 5000 || next[1] != 5000 {
		t.Fatalf("received %v", next)
	}
}

func TestBatchAllAndEarlyBreak(t *testing.T) {
	mb, _ := cgoguard.NewMailbox(cgoguard.MailboxConfig{Capacity: 8, MaxMessage: 8})
	for i := 0; i < 5; i++ {
		if err := mb.Post([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := mb.Recv(make([]byte, 256), 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for msg := range b.All() {
		if msg[0] != byte(n) {
			t.Fatalf("message %d is %v", n, msg)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("%d messages", n)
	}
	// Mailbox.All yields what arrives; breaking out of the loop stops
	// receiving, and once closed and drained it yields nothing.
	if err := mb.Post([]byte{9}); err != nil {
		t.Fatal(err)
	}
	for msg, err := range mb.All(make([]byte, 256)) {
		if err != nil || msg[0] != 9 {
			t.Fatalf("%v %v", msg, err)
		}
		break // stops receiving
	}
	mb.Close()
	for _, err := range mb.All(make([]byte, 256)) {
		t.Fatalf("closed and drained mailbox yielded %v", err)
	}
	if _, err := mb.Recv(make([]byte, 256), 0); !errors.Is(err, cgoguard.ErrClosed) {
		t.Fatalf("Recv after All: %v", err)
	}
}
