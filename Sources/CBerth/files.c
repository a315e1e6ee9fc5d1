// See CBerthFiles.h.
#define _GNU_SOURCE
#include "CBerthFiles.h"

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

int berth_open_in_root(int rootfd, const char *path, int flags, unsigned int mode) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (unsigned long long)(flags | O_CLOEXEC);
  if (flags & (O_CREAT | O_TMPFILE)) how.mode = mode;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  while (*path == '/') path++;
  if (!*path) path = ".";
  long fd;
  do {
    fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  return fd < 0 ? -errno : (int)fd;
}

int berth_overlay_fd(const char *lowerdirs, const char *upperdir, const char *workdir) {
  int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
  if (fs < 0) return -errno;
  int err = 0;
  // One "lowerdir+" per layer (kernels since 6.8 refuse a colon list through fsconfig); older
  // kernels without "lowerdir+" take the list.
  size_t len = strlen(lowerdirs);
  char *list = malloc(len + 1);
  if (!list) {
    close(fs);
    return -ENOMEM;
  }
  memcpy(list, lowerdirs, len + 1);
  int first = 1;
  for (char *p = list, *end; p && *p; p = end ? end + 1 : NULL, first = 0) {
    end = strchr(p, ':');
    if (end) *end = 0;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", p, 0) < 0) {
      err = errno;
      if (first && err == EINVAL) {
        err = 0;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir", lowerdirs, 0) < 0) err = errno;
      }
      break;
    }
  }
  free(list);
  if (!err && upperdir && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upperdir, 0) < 0) err = errno;
  if (!err && workdir && syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", workdir, 0) < 0) err = errno;
  if (!err && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) err = errno;
  int mnt = -1;
  if (!err) {
    mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, upperdir ? 0 : MOUNT_ATTR_RDONLY);
    if (mnt < 0) err = errno;
  }
  close(fs);
  return err ? -err : mnt;
}

long long berth_filesystem_type(int fd) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return -errno;
  return (long long)fs.f_type;
}
