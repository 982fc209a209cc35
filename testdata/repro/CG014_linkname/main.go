// CG014, linkname: builds ./linked, a cgo program that pulls the private
// runtime.gcount in with //go:linkname, using the Go toolchain this program
// was built with, and shows the linker's verdict. Since Go 1.23 the linker
// checks pull linknames (-checklinkname, cmd/link/internal/loader) and fails
// with "invalid reference to runtime.gcount"; the program exits 1 then.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

func main() {
	_, self, _, ok := runtime.Caller(0)
	goroot := runtime.GOROOT() // the toolchain that built this program (deprecated, still set)
	if !ok || goroot == "" {
		fmt.Println("cannot locate the source or the Go toolchain (built with -trimpath?)")
		os.Exit(3)
	}
	cmd := exec.Command(filepath.Join(goroot, "bin", "go"), "build", "-o", os.DevNull, ".")
	cmd.Dir = filepath.Join(filepath.Dir(self), "linked")
	out, err := cmd.CombinedOutput()
	fmt.Printf("%s: go build ./linked:\n%s", runtime.Version(), out)
	if err != nil {
		os.Exit(1)
	}
	fmt.Println("the linkname was accepted")
}
