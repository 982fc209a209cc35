module cgoguard.test/galloc

go 1.21
