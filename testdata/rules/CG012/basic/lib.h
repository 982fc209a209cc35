// Declarations of a small rendering library and of external APIs the
// fixture calls (OpenSSL and a vendor library are not needed to parse).
typedef struct ctx ctx;

ctx *ctx_new(void);
void ctx_make_current(ctx *c);
void ctx_draw(int n);
int ctx_open_or_error(const char *path, const char **msg);

void *mylib_open(const char *path);
const char *mylib_last_error(void);
int db_query(const char *q);
int db_step(int n);
const char *db_errmsg(void);

int vendor_open(const char *path);
const char *vendor_errstr(void);

long codec_compress(long n);
long codec_decompress(long n);

typedef struct ssl_st SSL;
int SSL_connect(SSL *s);
unsigned long ERR_get_error(void);
