module example.com/headers2

go 1.21
