/* crash.h: the C half of the Go crash test program (see main.go). */
#ifndef CRASHPROG_CRASH_H
#define CRASHPROG_CRASH_H
void crash_null(void);
int crash_recurse(int depth);
void crash_abort(void);
void crash_on_c_thread(void);
void overflow_on_c_thread(void);
void crash_via_callback(void);
void crash_in_callback(void);
void crash_via_callback_on_c_thread(void);
int jit_run(void);
void *guarded_page(void);
int install_linked_guard(void);
#endif
