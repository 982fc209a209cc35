package cgoguard_test

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	cgoguard "github.com/cgoguard/cgoguard/go"
	"github.com/cgoguard/cgoguard/go/internal/cthreads"
)

func TestStringMapSnapshot(t *testing.T) {
	m := map[string]string{"host": "example.org", "": "empty key", "nul\x00key": "v\x00v", "port": ""}
	for i := 0; i < 1000; i++ {
		m[fmt.Sprintf("k%d", i)] = fmt.Sprintf("v%d", i)
	}
	s, err := cgoguard.NewStringMapSnapshot(m)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	if s.Len() != len(m) {
		t.Fatalf("len %d, want %d", s.Len(), len(m))
	}
	for k, want := range m {
		got, err := s.Get(k)
		if err != nil || got != want {
			t.Fatalf("Get(%q) = %q, %v; want %q", k, got, err, want)
		}
	}
	if _, err := s.Get("absent"); !errors.Is(err, cgoguard.ErrNotFound) {
		t.Errorf("absent key: %v", err)
	}
	if _, err := s.GetInt("host"); !errors.Is(err, cgoguard.ErrWrongKind) {
		t.Errorf("GetInt on a string map: %v", err)
	}
	seen := map[string]bool{}
	for i := 0; i < s.Len(); i++ {
		k, v, err := s.At(i)
		if err != nil || m[k] != v {
			t.Fatalf("At(%d) = %q, %q, %v", i, k, v, err)
		}
		seen[k] = true
	}
	if len(seen) != len(m) {
		t.Fatal("At does not enumerate every key once")
	}
}

func TestInt64MapAndListSnapshots(t *testing.T) {
	im, err := cgoguard.NewInt64MapSnapshot(map[string]int64{"min": -1 << 63, "max": 1<<63 - 1, "zero": 0})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Release()
	for k, want := range map[string]int64{"min": -1 << 63, "max": 1<<63 - 1, "zero": 0} {
		if got, err := im.GetInt(k); err != nil || got != want {
			t.Errorf("GetInt(%q) = %d, %v", k, got, err)
		}
	}
	list := []string{"b", "a", "b", ""}
	ls, err := cgoguard.NewListSnapshot(list)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Release()
	for i, want := range list {
		if got, _, err := ls.At(i); err != nil || got != want {
			t.Errorf("At(%d) = %q, %v", i, got, err)
		}
	}
	if !ls.Contains("a") || !ls.Contains("") || ls.Contains("c") {
		t.Error("Contains")
	}
	empty, err := cgoguard.NewStringMapSnapshot(nil)
	if err != nil || empty.Len() != 0 {
		t.Fatalf("empty snapshot: %v", err)
	}
	empty.Release()
	empty.Release() // idempotent
	if _, err := empty.Get("x"); !errors.Is(err, cgoguard.ErrSnapReleased) {
		t.Errorf("Get after Release: %v", err)
	}
}

func TestSnapshotOutlivesGoData(t *testing.T) {
	m := map[string]string{"greeting": "hello"}
	s, err := cgoguard.NewStringMapSnapshot(m)
	if err != nil {
		t.Fatal(err)
	}
	cthreads.KeepSnapshot(s.Ptr()) // C takes its own reference
	s.Release()
	m["greeting"] = "changed" // the snapshot is a copy: C does not see this
	m = nil
	_ = m
	runtime.GC()
	runtime.GC()
	got, ok := cthreads.KeptGet("greeting")
	cthreads.DropSnapshot()
	if !ok || got != "hello" {
		t.Fatalf("C lookup after Go released: %q, %v", got, ok)
	}
}
