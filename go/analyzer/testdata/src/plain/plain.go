// A package without cgo: the analyzer does not run cgoguard on it.
package plain

func Plain() int { return 1 }
