// Files inside a container's root: path resolution confined to a root directory (openat2
// RESOLVE_IN_ROOT) and detached overlay mounts (fsopen/fsmount) that never appear in any mount
// namespace, for cp, export and diff of stopped containers. Plain syscalls, safe to call from a
// threaded process: nothing here forks or changes namespaces.
#ifndef CBERTH_FILES_H
#define CBERTH_FILES_H

/// O_PATH, which Swift's Glibc module does not export.
#define BERTH_O_PATH 010000000

/// openat2(rootfd, path, flags | O_CLOEXEC) with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: symlinks
/// and ".." resolve as if rootfd were "/", so nothing outside it can be reached. A leading "/" is
/// ignored, "" is the root itself. Returns the fd or -errno.
int berth_open_in_root(int rootfd, const char *path, int flags, unsigned int mode);

/// Makes a detached overlay mount (new mount API: fsopen, fsconfig, fsmount) and returns an
/// O_PATH fd of its root, or -errno. lowerdirs is overlay's colon-separated list, topmost first;
/// upperdir and workdir may be NULL for a read-only overlay of the lowers (then at least two
/// lower dirs are needed). The mount is in no namespace: closing the fd frees it.
int berth_overlay_fd(const char *lowerdirs, const char *upperdir, const char *workdir);

/// The filesystem type (statfs f_type magic) of the file fd is open on, or -errno.
long long berth_filesystem_type(int fd);

#endif
