/* c.h: the C half of the `cgoguard run` test program (see main.go). */
#ifndef RUNPROG_C_H
#define RUNPROG_C_H
void take(void *p);
void crash_c(void);
void call_get_ptr(void);
void use_after_free(void);
void double_free(void);
void run_cthread(int via_go);
#endif
