package cgoguard_test

import (
	"errors"
	"runtime"
	"testing"
	"time"
	"unsafe"

	cgoguard "github.com/cgoguard/cgoguard/go"
	"github.com/cgoguard/cgoguard/go/internal/cthreads"
)

func newTable(t *testing.T, max int) *cgoguard.HandleTable {
	t.Helper()
	tab, err := cgoguard.NewHandleTable(max, cthreads.DestroyFn(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestHandleLifecycle(t *testing.T) {
	tab := newTable(t, 2)
	defer tab.Close()
	before := cthreads.Destroyed()
	h, err := tab.New(cthreads.NewObject(42))
	if err != nil {
		t.Fatal(err)
	}
	err = tab.With(h, func(obj unsafe.Pointer) error {
		if v := cthreads.ObjectValue(obj); v != 42 {
			t.Errorf("value %d", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Release(h); !errors.Is(err, cgoguard.ErrInvalidHandle) {
		t.Errorf("unpaired release: %v", err)
	}
	if err := tab.Free(h); err != nil {
		t.Fatal(err)
	}
	if cthreads.Destroyed() != before+1 {
		t.Fatal("destructor did not run")
	}
	if _, err := tab.Acquire(h); !errors.Is(err, cgoguard.ErrStale) {
		t.Errorf("acquire after free: %v", err)
	}
	if err := tab.Free(h); !errors.Is(err, cgoguard.ErrStale) {
		t.Errorf("double free: %v", err)
	}
	if _, err := tab.Acquire(0); !errors.Is(err, cgoguard.ErrInvalidHandle) {
		t.Errorf("zero handle: %v", err)
	}
	if _, err := tab.Acquire(h + 1<<40); !errors.Is(err, cgoguard.ErrInvalidHandle) {
		t.Errorf("forged handle: %v", err)
	}
	h1, _ := tab.New(cthreads.NewObject(1))
	_, _ = tab.New(cthreads.NewObject(2))
	if _, err := tab.New(nil); !errors.Is(err, cgoguard.ErrTableFull) {
		t.Errorf("full table: %v", err)
	}
	if h1 == h {
		t.Error("a reused slot must get a new generation")
	}
	if tab.Live() != 2 {
		t.Errorf("live %d", tab.Live())
	}
}

// widget is a Go wrapper that owns a C object through a handle and frees it
// from a finalizer: the pattern that races with C callbacks when it holds a
// raw pointer (CG020), made safe by acquire/release.
type widget struct {
	tab *cgoguard.HandleTable
	h   cgoguard.Handle
}

func newWidget(tab *cgoguard.HandleTable, v int) *widget {
	h, err := tab.New(cthreads.NewObject(v))
	if err != nil {
		panic(err)
	}
	w := &widget{tab: tab, h: h}
	runtime.SetFinalizer(w, func(w *widget) { _ = w.tab.Free(w.h) })
	return w
}

func TestFinalizerCannotFreeUnderCCallback(t *testing.T) {
	tab := newTable(t, 16)
	defer tab.Close()
	w := newWidget(tab, 7)
	h := w.h
	// A C thread is inside a callback that uses the object...
	holder := cthreads.StartHolder(tab.Ptr(), uint64(h))
	before := cthreads.Destroyed()
	// ...while the Go wrapper becomes garbage and its finalizer frees it.
	w = nil
	_ = w
	deadline := time.Now().Add(10 * time.Second)
	for tab.Live() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("finalizer did not run")
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if cthreads.Destroyed() != before {
		t.Fatal("object destroyed while the C thread still holds it")
	}
	status, magic, value := holder.Finish()
	if status != 0 || magic != 0x600d || value != 7 {
		t.Fatalf("C thread saw status %d magic %#x value %d", status, magic, value)
	}
	if cthreads.Destroyed() != before+1 {
		t.Fatal("the last release did not destroy the object")
	}
	if _, err := tab.Acquire(h); !errors.Is(err, cgoguard.ErrStale) {
		t.Fatalf("acquire after finalizer: %v", err)
	}
}

func TestHandleTableCloseTwice(t *testing.T) {
	tab, err := cgoguard.NewHandleTable(4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := tab.Close(); !errors.Is(err, cgoguard.ErrTableClosed) {
		t.Fatalf("second Close: %v, want ErrTableClosed", err)
	}
}
