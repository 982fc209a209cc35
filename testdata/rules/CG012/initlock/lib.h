void gl_make_current(void);
void gl_draw(void);
