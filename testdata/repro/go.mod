module cgoguard.dev/repro

go 1.21
