module cgoguard.test/runprog

go 1.21
