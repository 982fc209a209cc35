// Program doublefree: case (3) of issue 6. Two Go wrappers end up owning the
// same C object (a shallow copy of a struct that has a Close method), and
// both close it: the C object is freed twice.
//
// Without the guarded allocator glibc notices the second free of a chunk
// still in its tcache and aborts with "free(): double free detected in
// tcache 2", naming neither free nor the allocation. With CGOGUARD_SAMPLE=1
// the second free is reported as double-free of a 48-byte block, with the
// allocation (conn_open, openConn) and the first free (conn_close,
// (*Conn).Close) recorded; the report's own backtrace is the second free.
package main

/*
#include <stdlib.h>
#include <string.h>

struct conn {
	int fd;
	char name[44];
};

static struct conn *conn_open(int fd) {
	struct conn *c = malloc(sizeof *c);
	c->fd = fd;
	strcpy(c->name, "db");
	return c;
}

static void conn_close(struct conn *c) {
	free(c);
}
*/
import "C"

import "fmt"

type Conn struct {
	c *C.struct_conn
}

//go:noinline
func openConn(fd int) Conn {
	return Conn{C.conn_open(C.int(fd))}
}

//go:noinline
func (c *Conn) Close() {
	C.conn_close(c.c)
}

func main() {
	primary := openConn(3)
	replica := primary // a copy of the wrapper, not of the C object
	primary.Close()
	replica.Close()
	fmt.Println("closed both wrappers")
}
