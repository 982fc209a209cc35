// Command gotraceback crashes in C after cgoguard.InstallTraceback, so
// that the test can check that Go's own traceback names the C frames with
// file:line. With the argument "guard" it also installs the crash guard.
package main

/*
#include "deep.h"
*/
import "C"

import (
	"fmt"
	"os"

	cgoguard "github.com/cgoguard/cgoguard/go"
)

func main() {
	cgoguard.InstallTraceback()
	if len(os.Args) > 1 && os.Args[1] == "guard" {
		if err := cgoguard.InstallCrashGuard(); err != nil {
			fmt.Fprintln(os.Stderr, "InstallCrashGuard:", err)
			os.Exit(3)
		}
	}
	C.deep_outer()
}
