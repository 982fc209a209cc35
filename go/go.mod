module github.com/cgoguard/cgoguard/go

go 1.21
