// The program ../main.go tries to build: a cgo package that pulls the
// runtime's private gcount with //go:linkname. Go 1.23+ linkers refuse it
// ("invalid reference to runtime.gcount"); its signature also changed (it
// takes a bool now), so the declaration below is wrong on the installed Go.
package main

/*
static int one(void) { return 1; }
*/
import "C"

import (
	"fmt"
	_ "unsafe" // for go:linkname
)

//go:linkname gcount runtime.gcount
func gcount() int32 // want CG014

func main() {
	fmt.Println(C.one(), gcount())
}
