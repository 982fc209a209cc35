module cgoguard.dev/examples/fixes/arena

go 1.21

require cgoguard.dev/cgoguard v0.0.0

replace cgoguard.dev/cgoguard => ../../../go
