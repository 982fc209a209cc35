package missingheader

// #include <this/header/does/not/exist.h>
// void consume2(void *p);
import "C"

// The same missing header in a second preamble: still the one CG000 of
// pkg.go, which counts this place.
func other() { C.consume2(nil) }
