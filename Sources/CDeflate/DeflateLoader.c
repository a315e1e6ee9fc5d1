// libdeflate's functions that berth calls, loaded on first use (see CLazyLoad.h): only pushes
// and commits compress. Generated from libdeflate.h; add a line per new function.

#include "CDeflate.h"
#include "CLazyLoad.h"

#include <stddef.h>

static struct berth_lazy_library deflate = {.soname = "libdeflate.so.0", .package = "libdeflate0"};
#define LAZY(name) BERTH_LAZY(deflate, name)

struct libdeflate_compressor *libdeflate_alloc_compressor(int a0) { return LAZY(libdeflate_alloc_compressor)(a0); }
size_t libdeflate_deflate_compress(struct libdeflate_compressor *a0, const void *a1, size_t a2, void *a3, size_t a4) { return LAZY(libdeflate_deflate_compress)(a0, a1, a2, a3, a4); }
void libdeflate_free_compressor(struct libdeflate_compressor *a0) { LAZY(libdeflate_free_compressor)(a0); }
size_t libdeflate_gzip_compress(struct libdeflate_compressor *a0, const void *a1, size_t a2, void *a3, size_t a4) { return LAZY(libdeflate_gzip_compress)(a0, a1, a2, a3, a4); }
size_t libdeflate_gzip_compress_bound(struct libdeflate_compressor *a0, size_t a1) { return LAZY(libdeflate_gzip_compress_bound)(a0, a1); }
