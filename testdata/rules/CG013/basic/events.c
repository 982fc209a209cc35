/* A .c file of the fixture package: a one-parameter handler registered
 * where a two-parameter one is expected. */
typedef void (*event_fn)(int code, void *data);

static event_fn handlers[4];
static void on_event(event_fn fn) { handlers[0] = fn; }

static void on_close(int code) { (void)code; }

void setup_events(void) {
    on_event((event_fn)on_close); /* want CG013 */
}
