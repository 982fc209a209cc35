/* inc.h: reached only through a relative -I from #cgo CFLAGS. */
int from_relative_include(double d);
