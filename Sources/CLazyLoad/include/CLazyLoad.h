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

/// A library to load on first use.
struct berth_lazy_library {
  /// The soname to dlopen, e.g. "libarchive.so.13".
  const char *soname;
  /// The Debian package that provides it, for the error message.
  const char *package;
  /// The dlopen handle once loaded.
  void *handle;
};

/// The address of `name` in `library` (loading it if needed), cached in `slot`. A library or a
/// symbol that is missing aborts the process with a message naming the package to install.
void *berth_lazy_resolve(struct berth_lazy_library *library, const char *name, void **slot);

/// `name` in `library` as a pointer to a function of `name`'s own type.
#define BERTH_LAZY(library, name)                              \
  ({                                                           \
    static void *slot;                                         \
    (__typeof__(&name))berth_lazy_resolve(&library, #name, &slot); \
  })

#endif
