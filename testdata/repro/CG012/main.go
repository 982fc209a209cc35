// Reproduction for CG012: C thread-local state does not carry over between
// two cgo calls of a goroutine that is not locked to its OS thread.
//
// set_state stores a value in a _Thread_local variable and get_state reads
// it back. A goroutine makes the two calls with runtime.Gosched() between
// them (as any blocking operation, channel wait or preemption would) while
// other goroutines keep the scheduler's Ps busy; the goroutine resumes on
// another thread and reads that thread's variable. The same loop after
// runtime.LockOSThread never loses the value. The program is bounded: it
// stops after the first lost round (or after maxRounds).
package main

/*
#define _GNU_SOURCE
#include <unistd.h>
#include <sys/syscall.h>

static _Thread_local int state;

static void set_state(int v) { state = v; }
static int get_state(void) { return state; }
static long thread_id(void) { return syscall(SYS_gettid); }
*/
import "C"

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

const maxRounds = 200000

// unlocked returns the rounds run, the rounds whose value was lost, and the
// distinct threads seen.
func unlocked() (rounds, lost, threads int) {
	seen := map[C.long]bool{}
	for rounds < maxRounds && lost == 0 {
		rounds++
		seen[C.thread_id()] = true
		C.set_state(C.int(rounds))
		runtime.Gosched()
		if int(C.get_state()) != rounds { // want CG012
			lost++
		}
		seen[C.thread_id()] = true
	}
	return rounds, lost, len(seen)
}

func locked(rounds int) (lost, threads int) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	seen := map[C.long]bool{}
	for i := 1; i <= rounds; i++ {
		seen[C.thread_id()] = true
		C.set_state(C.int(i))
		runtime.Gosched()
		if int(C.get_state()) != i {
			lost++
		}
		seen[C.thread_id()] = true
	}
	return lost, len(seen)
}

func main() {
	runtime.GOMAXPROCS(4)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				runtime.Gosched()
			}
		}()
	}
	type result struct{ rounds, lost, threads int }
	done := make(chan result)
	go func() {
		r, l, t := unlocked()
		done <- result{r, l, t}
	}()
	u := <-done
	lockedRounds := max(u.rounds, 20000)
	lockedLost, lockedThreads := locked(lockedRounds)
	stop.Store(true)
	wg.Wait()
	fmt.Printf("unlocked: lost %d of %d rounds on %d threads; locked: lost %d of %d rounds on %d thread(s)\n",
		u.lost, u.rounds, u.threads, lockedLost, lockedRounds, lockedThreads)
}
