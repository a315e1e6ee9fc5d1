#ifndef CLAZYLOAD_H
#define CLAZYLOAD_H
// Shared libraries loaded on first use. Linked normally, libarchive, libseccomp and libdeflate
// (with libarchive's 13 dependencies: libxml2, ICU, nettle, …) cost every berth process about
// 4 ms of its start, and the daemon 1 MB, for commands that never call them (`run` finds its
// seccomp filter compiled in the exec root). Each C target that wraps such a library defines the
// functions berth calls with the header's exact prototype (the compiler checks it); each wrapper
// forwards through BERTH_LAZY, which dlopens the library and dlsyms the function the first time.
// berth is linked with --no-export-dynamic, so a library's internal calls never bind to these
// wrappers.
//
// A library whose every use goes through objects it makes and frees (libarchive: each call takes
// an archive or an entry) can also be unloaded again: its wrappers that make objects use
// BERTH_LAZY_MAKE and those that free them call berth_lazy_freed, which count the live objects, and
// berth_lazy_unload_idle (called by the daemon when idle) unloads it while none is live. With
// its dependencies, libarchive holds 2 MB of a daemon that has imported an image.

#include <stdbool.h>

/// Where a wrapper keeps the address of its function; cleared when the library is unloaded.
struct berth_lazy_slot {
  /// The function's address, or NULL until resolved.
  void *address;
  /// The next resolved slot of the same library.
  struct berth_lazy_slot *next;
};

/// A library to load on first use.
struct berth_lazy_library {
  /// The soname to dlopen, e.g. "libarchive.so.13".
  const char *soname;
  /// The Debian package that provides it, for the error message.
  const char *package;
  /// Whether its wrappers count the objects it makes, so that it can be unloaded when none is live.
  bool unloadable;
  /// The dlopen handle once loaded.
  void *handle;
  /// Objects made through BERTH_LAZY_MAKE and not yet counted freed by berth_lazy_freed.
  long live;
  /// Whether an object was made since the last berth_lazy_unload_idle.
  bool used;
  /// The resolved slots, to clear when the library is unloaded.
  struct berth_lazy_slot *slots;
  /// The next loaded unloadable library.
  struct berth_lazy_library *next;
};

/// The address of `name` in `library` (loading it if needed), cached in `slot`. A library or a
/// symbol that is missing aborts the process with a message naming the package to install.
void *berth_lazy_resolve(struct berth_lazy_library *library, const char *name, struct berth_lazy_slot *slot);

/// As berth_lazy_resolve, for a function that makes an object: counts it live first, so the
/// library stays loaded until berth_lazy_freed.
void *berth_lazy_resolve_make(struct berth_lazy_library *library, const char *name, struct berth_lazy_slot *slot);

/// Counts an object of `library` freed (or one berth_lazy_resolve_make counted but never made).
void berth_lazy_freed(struct berth_lazy_library *library);

/// Unloads every unloadable library that has no live object and made none since the previous
/// call, so a library stays loaded while it is in use and at least one period after.
/// Returns how many were unloaded.
int berth_lazy_unload_idle(void);

/// `name` in `library` as a pointer to a function of `name`'s own type.
#define BERTH_LAZY(library, name)                                     \
  ({                                                                  \
    static struct berth_lazy_slot slot;                               \
    (__typeof__(&name))berth_lazy_resolve(&library, #name, &slot);    \
  })

/// `name`, a function of `library` that makes an object, as BERTH_LAZY gives it, with the object
/// to come counted live: the wrapper calls berth_lazy_freed if the call makes none (NULL).
#define BERTH_LAZY_MAKE(library, name)                                     \
  ({                                                                       \
    static struct berth_lazy_slot slot;                                    \
    (__typeof__(&name))berth_lazy_resolve_make(&library, #name, &slot);    \
  })

#endif
