// Control-flow cases for tests/flow/test_cfg.c. A statement is named by a
// `// @NAME` comment on its line (the first step that starts on that line);
// the `// check:` lines before a function state facts about its graph:
//   A -> B      B may run after A         A !-> B    it never does
//   A -> B unless K   it may, but every path from A to B passes K
//   U defs X A B ...  the definitions of local X that reach its use on U are
//                     the statements named A, B, ... (`entry`: a parameter's
//                     value; `addr`: the statement that takes &X)
//   A excl B    A and B never both run    A exits    A may reach a normal return
//   A !exits    it never does             A panics   it may end by panic/Goexit
package cfg

import (
	"log"
	"os"
	"runtime"
)

// check: a -> b
// check: a -> c
// check: b excl c
// check: b -> d
// check: c -> d
// check: d !-> a
// check: d exits
func ifElse(x int) {
	a := x // @a
	if a > 0 {
		a++ // @b
	} else {
		a-- // @c
	}
	println(a) // @d
}

// check: a -> b
// check: b -> b
// check: b -> c
// check: c !-> b
// check: h -> b
func loop(n int) {
	s := 0 // @a
	for i := 0; i < n; i++ { // @h
		s += i // @b
	}
	println(s) // @c
}

// check: b -> b
// check: b -> c
// check: c !-> e
// check: c !-> b
// check: b -> d
// check: e -> b
// check: d !-> b
func breakContinue(xs []int) {
	for _, x := range xs { // @e
		if x < 0 { // @b
			continue
		}
		if x > 10 {
			break
		}
		println(x) // @c
		return     // @r
	}
	println("done") // @d
}

// check: i -> o
// check: i -> a
// check: a !-> i
// check: a !-> o
func labelled(m [][]int) {
outer:
	for _, row := range m { // @o
		for _, v := range row {
			if v == 0 { // @i
				continue outer
			}
			if v < 0 {
				break outer
			}
		}
	}
	println("after") // @a
}

// check: x -> y
// check: y !-> z
// check: x excl z
// check: y excl z
// check: w -> e
// check: x -> e
// check: w -> x
// check: w -> y
// check: w -> z
func switchFallthrough(v int) {
	switch v { // @w
	case 1:
		println("one") // @x
		fallthrough
	case 2:
		println("two") // @y
	default:
		println("other") // @z
	}
	println("end") // @e
}

// check: p !-> q
// check: p !exits
// check: p panics
// check: f !-> q
// check: f !exits
// check: f !panics
// check: q exits
func exits(v int) {
	if v == 1 {
		panic("boom") // @p
	}
	if v == 2 {
		os.Exit(1) // @f
	}
	if v == 3 {
		log.Fatal("fatal")
	}
	if v == 4 {
		runtime.Goexit()
	}
	println(v) // @q
}

// check: d -> u
// check: u exits
// check: r !-> u
func deferred(v int) int {
	defer println("deferred") // @d
	if v > 0 {
		return v // @r
	}
	println("use") // @u
	return 0
}

// check: s excl t
// check: s -> e
// check: t -> e
// check: g !-> e
func selects(a, b chan int, done chan struct{}) {
	select {
	case v := <-a: // @s
		println(v)
	case b <- 1: // @t
		println("sent")
	}
	println("end") // @e
	for {
		select {
		case <-done: // @g
		}
	}
}

// check: l -> a
// check: a -> l
// check: l -> b
// check: b !-> l
// check: a -> b
func gotos(n int) {
	i := 0
loop:
	if i < n { // @l
		i++ // @a
		goto loop
	}
	println(i) // @b
}

// check: s excl i
// check: s excl d
// check: g -> s
// check: g -> d
// check: s -> e
func typeSwitch(x interface{}) {
	switch v := x.(type) { // @g
	case string:
		println(v) // @s
	case int, int64:
		println(v) // @i
	default:
		println("?") // @d
	}
	println("end") // @e
}

// A func literal's body is a graph of its own: its statements are not
// steps of the enclosing function.
// check: a -> b
func literal() {
	f := func() { // @a
		println("inside")
	}
	f() // @b
}

// A walk that stops at a step (a kill) does not see what only that step leads to.
// check: f -> u unless k
// check: f -> o
// check: f -> l
// check: k excl o
func killBranch(x bool, v *int) {
	free() // @f
	if x {
		v = nil // @k
		use(v)  // @u
	} else {
		other() // @o
	}
	last() // @l
}

func free()        {}
func use(*int)     {}
func other()       {}
func last()        {}

// check: u defs p a b
// check: q defs n entry
func reachBranches(n int, a, b *int) {
	var p *int
	if n > 0 {
		p = a // @a
	} else {
		p = b // @b
	}
	use(p)      // @u
	println(n) // @q
}

// check: u defs x z
// check: v defs x z f
func reachAddress() {
	var x *int // @z
	use(x)     // @u
	fill(&x)   // @f
	use(x)     // @v
}

// check: u defs i k s
// check: w defs i k s
// check: r defs j t
func reachLoop(n int) {
	i := 0 // @k
	for n > 0 {
		println(i) // @u
		i++        // @s
		n--
	}
	println(i) // @w
	j, t := 1, 2
	j, t = t, j // @t
	println(j) // @r
}

func fill(**int) {}
