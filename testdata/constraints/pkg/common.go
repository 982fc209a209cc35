// Build constraints decide which files are analysed: for the default target
// (linux/amd64) the finding in on_linux.go is reported; the ones in files for
// other systems, behind `ignore` or behind `// +build !linux` are not.
package pkg

// void consume(void *p) { (void)p; }
import "C"
