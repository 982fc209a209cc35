// Package imaging binds a small C image library: images are C objects owned
// by Go wrappers, names cross as C strings, and progress is reported through
// callbacks.
package imaging

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct image {
	int width, height;
	unsigned char *pixels;
	void *user;
} image;

typedef void (*progress_fn)(void *ctx, int percent);

static image *image_new(int w, int h) {
	image *img = calloc(1, sizeof(image));
	img->width = w;
	img->height = h;
	img->pixels = calloc((size_t)w * (size_t)h, 4);
	return img;
}

static void image_free(image *img) {
	free(img->pixels);
	free(img);
}

static int image_save(image *img, const char *path) {
	(void)img;
	return path && path[0] ? 0 : -1;
}

static void image_fill(image *img, uintptr_t color_ptr) {
	const unsigned char *c = (const unsigned char *)color_ptr;
	for (int i = 0; i < img->width * img->height; i++) memcpy(img->pixels + 4 * i, c, 4);
}

static void image_process(image *img, progress_fn fn, void *ctx) {
	for (int p = 0; p <= 100; p += 50) fn(ctx, p);
	(void)img;
}
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// Image owns a C image.
type Image struct {
	c *C.image
}

// New allocates a w x h image; the C memory is released by a finalizer.
func New(w, h int) *Image {
	img := &Image{c: C.image_new(C.int(w), C.int(h))}
	runtime.SetFinalizer(img, func(i *Image) { C.image_free(i.c) })
	return img
}

// Save writes the image to path.
func (img *Image) Save(path string) error {
	cpath := C.CString(path)
	if C.image_save(img.c, cpath) != 0 {
		return errors.New("imaging: cannot save " + path)
	}
	C.free(unsafe.Pointer(cpath))
	return nil
}

// Fill paints every pixel with the RGBA color.
func (img *Image) Fill(color [4]byte) {
	C.image_fill(img.c, C.uintptr_t(uintptr(unsafe.Pointer(&color))))
}

// Tag attaches Go data to the image for later callbacks.
func (img *Image) Tag(labels []string) {
	img.c.user = unsafe.Pointer(&labels)
}

// Process runs the C pipeline and reports progress to fn.
func (img *Image) Process(fn func(percent int)) {
	C.image_process(img.c, (C.progress_fn)(unsafe.Pointer(&fn)), nil)
}
