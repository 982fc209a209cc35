module cgoguard.dev/examples

go 1.21
