module github.com/cgoguard/cgoguard/go/analyzer

go 1.24.0

require (
	github.com/golangci/plugin-module-register v0.1.2
	golang.org/x/tools v0.39.0
)

require (
	golang.org/x/mod v0.30.0 // indirect
	golang.org/x/sync v0.18.0 // indirect
)
