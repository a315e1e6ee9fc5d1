// libarchive's functions that berth calls, loaded on first use (see CLazyLoad.h): linked
// normally, libarchive and its 13 dependencies (libxml2, ICU, nettle, …) cost every start about
// 3.5 ms. Generated from archive.h and archive_entry.h; add a line per new function. Every
// other call takes an archive or an entry, so the functions that make and free them count the
// live ones and libarchive can be unloaded when the daemon is idle.

#include "CArchive.h"
#include "CLazyLoad.h"

#include <stddef.h>

static struct berth_lazy_library archive = {.soname = "libarchive.so.13", .package = "libarchive13", .unloadable = true};
#define LAZY(name) BERTH_LAZY(archive, name)
#define MAKE(name) BERTH_LAZY_MAKE(archive, name)

/// What a wrapper that makes an object returns: `object`, uncounted again if it is NULL.
static void *made(void *object) {
  if (object == NULL) berth_lazy_freed(&archive);
  return object;
}

mode_t archive_entry_filetype(struct archive_entry *a0) { return LAZY(archive_entry_filetype)(a0); }
void archive_entry_free(struct archive_entry *a0) {
  LAZY(archive_entry_free)(a0);
  if (a0 != NULL) berth_lazy_freed(&archive);
}
la_int64_t archive_entry_gid(struct archive_entry *a0) { return LAZY(archive_entry_gid)(a0); }
const char *archive_entry_hardlink(struct archive_entry *a0) { return LAZY(archive_entry_hardlink)(a0); }
time_t archive_entry_mtime(struct archive_entry *a0) { return LAZY(archive_entry_mtime)(a0); }
long archive_entry_mtime_nsec(struct archive_entry *a0) { return LAZY(archive_entry_mtime_nsec)(a0); }
struct archive_entry *archive_entry_new(void) { return made(MAKE(archive_entry_new)()); }
const char *archive_entry_pathname(struct archive_entry *a0) { return LAZY(archive_entry_pathname)(a0); }
mode_t archive_entry_perm(struct archive_entry *a0) { return LAZY(archive_entry_perm)(a0); }
dev_t archive_entry_rdev(struct archive_entry *a0) { return LAZY(archive_entry_rdev)(a0); }
void archive_entry_set_filetype(struct archive_entry *a0, unsigned int a1) { LAZY(archive_entry_set_filetype)(a0, a1); }
void archive_entry_set_gid(struct archive_entry *a0, la_int64_t a1) { LAZY(archive_entry_set_gid)(a0, a1); }
void archive_entry_set_hardlink(struct archive_entry *a0, const char *a1) { LAZY(archive_entry_set_hardlink)(a0, a1); }
void archive_entry_set_mtime(struct archive_entry *a0, time_t a1, long a2) { LAZY(archive_entry_set_mtime)(a0, a1, a2); }
void archive_entry_set_pathname(struct archive_entry *a0, const char *a1) { LAZY(archive_entry_set_pathname)(a0, a1); }
void archive_entry_set_perm(struct archive_entry *a0, mode_t a1) { LAZY(archive_entry_set_perm)(a0, a1); }
void archive_entry_set_rdev(struct archive_entry *a0, dev_t a1) { LAZY(archive_entry_set_rdev)(a0, a1); }
void archive_entry_set_size(struct archive_entry *a0, la_int64_t a1) { LAZY(archive_entry_set_size)(a0, a1); }
void archive_entry_set_symlink(struct archive_entry *a0, const char *a1) { LAZY(archive_entry_set_symlink)(a0, a1); }
void archive_entry_set_uid(struct archive_entry *a0, la_int64_t a1) { LAZY(archive_entry_set_uid)(a0, a1); }
la_int64_t archive_entry_size(struct archive_entry *a0) { return LAZY(archive_entry_size)(a0); }
const char *archive_entry_symlink(struct archive_entry *a0) { return LAZY(archive_entry_symlink)(a0); }
la_int64_t archive_entry_uid(struct archive_entry *a0) { return LAZY(archive_entry_uid)(a0); }
void archive_entry_xattr_add_entry(struct archive_entry *a0, const char *a1, const void *a2, size_t a3) { LAZY(archive_entry_xattr_add_entry)(a0, a1, a2, a3); }
const char *archive_error_string(struct archive *a0) { return LAZY(archive_error_string)(a0); }
la_ssize_t archive_read_data(struct archive *a0, void *a1, size_t a2) { return LAZY(archive_read_data)(a0, a1, a2); }
int archive_read_data_block(struct archive *a0, const void **a1, size_t *a2, la_int64_t *a3) { return LAZY(archive_read_data_block)(a0, a1, a2, a3); }
int archive_read_free(struct archive *a0) {
  int result = LAZY(archive_read_free)(a0);
  if (a0 != NULL) berth_lazy_freed(&archive);
  return result;
}
struct archive *archive_read_new(void) { return made(MAKE(archive_read_new)()); }
int archive_read_next_header(struct archive *a0, struct archive_entry **a1) { return LAZY(archive_read_next_header)(a0, a1); }
int archive_read_open_fd(struct archive *a0, int a1, size_t a2) { return LAZY(archive_read_open_fd)(a0, a1, a2); }
int archive_read_open_filename(struct archive *a0, const char *a1, size_t a2) { return LAZY(archive_read_open_filename)(a0, a1, a2); }
int archive_read_support_filter_all(struct archive *a0) { return LAZY(archive_read_support_filter_all)(a0); }
int archive_read_support_format_empty(struct archive *a0) { return LAZY(archive_read_support_format_empty)(a0); }
int archive_read_support_format_gnutar(struct archive *a0) { return LAZY(archive_read_support_format_gnutar)(a0); }
int archive_read_support_format_raw(struct archive *a0) { return LAZY(archive_read_support_format_raw)(a0); }
int archive_read_support_format_tar(struct archive *a0) { return LAZY(archive_read_support_format_tar)(a0); }
int archive_write_add_filter_zstd(struct archive *a0) { return LAZY(archive_write_add_filter_zstd)(a0); }
int archive_write_close(struct archive *a0) { return LAZY(archive_write_close)(a0); }
la_ssize_t archive_write_data(struct archive *a0, const void *a1, size_t a2) { return LAZY(archive_write_data)(a0, a1, a2); }
la_ssize_t archive_write_data_block(struct archive *a0, const void *a1, size_t a2, la_int64_t a3) { return LAZY(archive_write_data_block)(a0, a1, a2, a3); }
struct archive *archive_write_disk_new(void) { return made(MAKE(archive_write_disk_new)()); }
int archive_write_disk_set_options(struct archive *a0, int a1) { return LAZY(archive_write_disk_set_options)(a0, a1); }
int archive_write_finish_entry(struct archive *a0) { return LAZY(archive_write_finish_entry)(a0); }
int archive_write_free(struct archive *a0) {
  int result = LAZY(archive_write_free)(a0);
  if (a0 != NULL) berth_lazy_freed(&archive);
  return result;
}
int archive_write_header(struct archive *a0, struct archive_entry *a1) { return LAZY(archive_write_header)(a0, a1); }
struct archive *archive_write_new(void) { return made(MAKE(archive_write_new)()); }
int archive_write_open(struct archive *a0, void *a1, archive_open_callback *a2, archive_write_callback *a3, archive_close_callback *a4) { return LAZY(archive_write_open)(a0, a1, a2, a3, a4); }
int archive_write_open_fd(struct archive *a0, int a1) { return LAZY(archive_write_open_fd)(a0, a1); }
int archive_write_open_memory(struct archive *a0, void *a1, size_t a2, size_t *a3) { return LAZY(archive_write_open_memory)(a0, a1, a2, a3); }
int archive_write_set_bytes_in_last_block(struct archive *a0, int a1) { return LAZY(archive_write_set_bytes_in_last_block)(a0, a1); }
int archive_write_set_bytes_per_block(struct archive *a0, int a1) { return LAZY(archive_write_set_bytes_per_block)(a0, a1); }
int archive_write_set_filter_option(struct archive *a0, const char *a1, const char *a2, const char *a3) { return LAZY(archive_write_set_filter_option)(a0, a1, a2, a3); }
int archive_write_set_format_pax_restricted(struct archive *a0) { return LAZY(archive_write_set_format_pax_restricted)(a0); }
int archive_write_set_format_raw(struct archive *a0) { return LAZY(archive_write_set_format_raw)(a0); }
