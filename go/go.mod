module cgoguard.dev/cgoguard

go 1.21
