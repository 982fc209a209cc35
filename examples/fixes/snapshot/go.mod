module cgoguard.dev/examples/fixes/snapshot

go 1.21

require github.com/cgoguard/cgoguard/go v0.0.0

replace github.com/cgoguard/cgoguard/go => ../../../go
