package cgoguard_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	cgoguard "github.com/cgoguard/cgoguard/go"
	"github.com/cgoguard/cgoguard/go/internal/cthreads"
)

func TestWithScratch(t *testing.T) {
	runtime.LockOSThread() // so ScratchUsed below reads the same thread's arena
	defer runtime.UnlockOSThread()
	err := cgoguard.WithScratch(func(s *cgoguard.Scratch) error {
		p, err := s.CString("hello, C")
		if err != nil {
			return err
		}
		if n := cthreads.Strlen(p); n != 8 {
			t.Errorf("strlen %d", n)
		}
		b, err := s.Bytes([]byte{1, 2, 3})
		if err != nil || len(b) != 3 || b[2] != 3 {
			t.Errorf("Bytes: %v %v", b, err)
		}
		if cthreads.ScratchUsed() == 0 {
			t.Error("allocations not in the thread's arena")
		}
		_, err = s.CString(strings.Repeat("x", 2<<20))
		if !errors.Is(err, cgoguard.ErrScratchFull) {
			t.Errorf("oversized allocation: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used := cthreads.ScratchUsed(); used != 0 {
		t.Fatalf("scope not reset: %d bytes in use", used)
	}
	var leaked *cgoguard.Scratch
	_ = cgoguard.WithScratch(func(s *cgoguard.Scratch) error { leaked = s; return nil })
	if _, err := leaked.Alloc(8); !errors.Is(err, cgoguard.ErrInvalid) {
		t.Fatalf("Alloc after the scope ended: %v", err)
	}
}
