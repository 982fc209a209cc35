/* helper.h: a package header reached from the preamble and from impl.c. */
#ifndef HELPER_H
#define HELPER_H
struct from_header {
    int x;
    int *px;
};
int helper_fn(int *values, int n);
#endif
