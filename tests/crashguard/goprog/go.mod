module cgoguard.test/crashprog

go 1.21
