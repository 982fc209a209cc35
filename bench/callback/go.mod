module cgoguard.dev/bench/callback

go 1.21
