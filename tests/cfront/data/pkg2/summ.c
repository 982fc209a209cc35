/* summ.c: C functions whose summaries test_csummary checks. Line numbers
 * matter to the test: keep the functions where they are. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "_cgo_export.h"

static void *saved;
struct holder { void *data; struct holder *next; };
static struct holder *head;
__thread int tls_x;
static pthread_key_t key;
static jmp_buf env;

void keep_global(void *p) { saved = p; }                                        /* 18 */
size_t use_only(const char *s) { return strlen(s); }
void copy_out(char *dst, const char *src, size_t n) { memcpy(dst, src, n); }
void release(void *p) { free(p); }                                              /* 21 */
void grow(void *p) { void *q = realloc(p, 10); (void)q; }
void chain3(void *p) { saved = p; }                                             /* 23 */
void chain2(void *p) { chain3(p); }                                             /* 24 */
void chain1(void *p) { chain2(p); }                                             /* 25 */
void keep_field(void *p) { head->data = p; }                                    /* 26 */
void keep_alias(void *p) { void *q = p; char *r = (char *)q + 1; saved = r; }   /* 27 */
void keep_heap(void *p) {
    struct holder *h = malloc(sizeof *h);
    h->data = p;                                                                /* 30 */
    h->next = head;
    head = h;                                                                   /* 32 */
}
void heap_temp(void *p) { struct holder *h = malloc(sizeof *h); h->data = p; free(h); }
void set_data(struct holder *h, void *p) { h->data = p; }                       /* 35 */
void *identity(void *p) { return p; }                                           /* 36 */
void keep_via_identity(void *p) { saved = identity(p); }                        /* 37 */
static void *worker(void *arg) { GoCallback(arg); return NULL; }                /* 38 */
int start(void *p) { pthread_t t; return pthread_create(&t, NULL, worker, p); } /* 39 */
static void *tls_get(void) { return pthread_getspecific(key); }                 /* 40 */
void use_tls_var(void) { tls_x++; }                                             /* 41 */
void tls_indirect(void) { tls_get(); }
void keep_tls(void *p) { pthread_setspecific(key, p); }                         /* 43 */
static void notify(int x) { GoNotify(x); }                                      /* 44 */
void outer_notify(void) { notify(1); }                                          /* 45 */
static void on_signal(int sig) { notify(sig); }                                 /* 46 */
void install(void) { signal(SIGUSR1, on_signal); }                              /* 47 */
static void on_action(int sig, siginfo_t *info, void *ctx) {
    (void)sig; (void)info; (void)ctx;
    (void)!write(1, "x", 1);
}
void install2(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_action;                                                /* 55 */
    sigaction(SIGUSR2, &sa, NULL);
}
static void at_end(void) { }
void install3(void) { atexit(at_end); }                                         /* 59 */
static void jumper(void) { longjmp(env, 1); }                                   /* 60 */
int guarded(void) {
    if (setjmp(env)) return 1;                                                  /* 62 */
    notify(2);                                                                  /* 63 */
    jumper();                                                                   /* 64 */
    return 0;
}
int safe_guard(void) {
    if (setjmp(env)) return 1;
    use_only("x");
    return 0;
}
static void noargs(void) {}
int bad_thread(void) {
    pthread_t t;
    return pthread_create(&t, NULL, (void *(*)(void *))noargs, NULL);          /* 75 */
}
void store_cast(void) { void (*fp)(int) = (void (*)(int))noargs; fp(1); }       /* 77 */
extern void mystery(void *p);
void pass_unknown(void *p) { mystery(p); }                                      /* 79 */
void keep_into_param(struct holder *h, void *p) { set_data(h, p); }             /* 80 */
void keep_into_global_obj(void *p) { set_data(head, p); }                       /* 81 */
struct holder *wrap(void *p) {
    struct holder *h = malloc(sizeof *h);
    h->data = p;                                                                /* 84 */
    return h;
}
void sort_ints(int *v, size_t n, int (*cmp)(const void *, const void *)) { qsort(v, n, sizeof *v, cmp); }
static void *ts_worker(void *arg) { (void)arg; return NULL; }
int start_ts(void *p) { pthread_t t; return pthread_create(&t, NULL, ts_worker, p); }
void keep_struct_copy(void *p) { struct holder local; local.data = p; local.next = 0; *head = local; } /* 90 */
typedef struct { const char *p; long n; } _GoString_;
size_t _GoStringLen(_GoString_ s);
const char *_GoStringPtr(_GoString_ s);
static const char *saved_str;
void keep_gostring(_GoString_ s) { saved_str = _GoStringPtr(s); }                /* 95 */
void keep_gostring_field(_GoString_ s) { saved_str = s.p; }                     /* 96 */
size_t len_gostring(_GoString_ s) { return _GoStringLen(s); }
static void *small_worker(void *arg) { GoCallback(arg); return NULL; }
int start_small(void) {
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);                                  /* 103 */
    return pthread_create(&t, &attr, small_worker, NULL);
}
extern void glClear(unsigned mask);
extern void global_reset(void);
void draw(void) { glClear(0x4000); }                                            /* 108 */
void not_gl(void) { global_reset(); }
static int spawn(void *(*fn)(void *), void *arg) { pthread_t t; return pthread_create(&t, NULL, fn, arg); }
static int spawn_outer(void *(*fn)(void *)) { return spawn(fn, NULL); }
static void *wrapped_worker(void *arg) { (void)arg; return NULL; }
int use_wrapper(void) { return spawn_outer(wrapped_worker); }                    /* 113 */
static void exit_cb(int status, void *arg) { (void)status; (void)arg; }
int reg_exit(void *p) { return on_exit(exit_cb, p); }                              /* 115 */
static _Atomic(void *) slot;
static void *plain_slot;
void atomic_keep(void *p) { __c11_atomic_store(&slot, p, 5); }                  /* 118 */
void gnu_atomic_keep(void *p) { __atomic_store_n(&plain_slot, p, 5); }          /* 119 */
void sync_keep(void *p) { __sync_lock_test_and_set(&plain_slot, p); }           /* 120 */
void cas_keep(void *p) { void *e = 0; __atomic_compare_exchange_n(&plain_slot, &e, p, 0, 5, 5); } /* 121 */
void atomic_into(void **out, void *p) { __atomic_store_n(out, p, 5); }          /* 122 */
void atomic_load_only(void *p) { void *e = p; (void)__atomic_load_n(&plain_slot, 5); (void)e; }
void store_only_cast(void) { void (*fp)(int) = (void (*)(int))noargs; (void)fp; } /* 124 */
