// The container init: runs in the cloned child, from the handshake to execve. See CBerth.h.
#define _GNU_SOURCE
#include "CBerth.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

struct child_args {
  const struct berth_init_config *config;
  int sync_read, sync_write;
  int error_read, error_write;
};

/// Writes "/proc/self/fd/<fd>" into buf (async-signal-safe).
static void fd_path(char *buf, size_t cap, int fd) {
  char num[16], tmp[16];
  int k = 0, v = fd;
  do { tmp[k++] = (char)('0' + v % 10); v /= 10; } while (v);
  for (int j = 0; j < k; j++) num[j] = tmp[k - 1 - j];
  num[k] = 0;
  size_t n = 0;
  for (const char *p = "/proc/self/fd/"; *p && n + 1 < cap; p++) buf[n++] = *p;
  for (const char *p = num; *p && n + 1 < cap; p++) buf[n++] = *p;
  buf[n] = 0;
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s && s[n]) n++;
  return n;
}

static void str_copy(char *dst, size_t cap, const char *a, const char *b, const char *c) {
  size_t n = 0;
  const char *parts[3] = {a, b, c};
  for (int i = 0; i < 3; i++)
    for (const char *p = parts[i]; p && *p && n + 1 < cap; p++) dst[n++] = *p;
  dst[n] = 0;
}

/// Reports a failed step to the parent and exits. Never returns.
static void fail(int fd, int step, int err, int exit_code, const char *detail) {
  struct berth_init_error e;
  memset(&e, 0, sizeof e);
  e.step = step;
  e.err = err;
  e.exit_code = exit_code;
  str_copy(e.detail, sizeof e.detail, detail, NULL, NULL);
  ssize_t unused = write(fd, &e, sizeof e);
  (void)unused;
  _exit(exit_code);
}

/// Opens path inside root, never leaving it (symlinks resolve as if root were "/").
static int open_in_root(int rootfd, const char *path, int flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (unsigned long long)(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  while (*path == '/') path++;
  if (!*path) path = ".";
  long fd;
  do {
    fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  } while (fd < 0 && errno == EAGAIN);
  return (int)fd;
}

/// Makes every directory of path inside root (like mkdir -p), without leaving root.
static int mkdir_in_root(int rootfd, const char *path, int last_is_file) {
  char buf[4096];
  str_copy(buf, sizeof buf, path, NULL, NULL);
  size_t n = str_len(buf);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != 0) continue;
    char saved = buf[i];
    buf[i] = 0;
    int is_last = (saved == 0);
    // Split into parent and name.
    size_t slash = i;
    while (slash > 0 && buf[slash - 1] != '/') slash--;
    char parent[4096];
    memcpy(parent, buf, slash);
    parent[slash] = 0;
    const char *name = buf + slash;
    if (*name) {
      int pfd = open_in_root(rootfd, parent[0] ? parent : "/", O_PATH | O_DIRECTORY);
      if (pfd < 0) return -1;
      int r;
      struct stat st;
      if (is_last && last_is_file) {
        // An existing file is left alone: opening it for writing would copy it up from a
        // lower layer of the overlay.
        if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) r = 0;
        else {
          r = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
          if (r >= 0) close(r);
          else if (errno == EEXIST) r = 0;
        }
      } else {
        r = mkdirat(pfd, name, 0755);
        if (r < 0 && errno == EEXIST) r = 0;
      }
      int saved_errno = errno;
      close(pfd);
      errno = saved_errno;
      if (r < 0) return -1;
    }
    buf[i] = saved;
  }
  return 0;
}

/// Splits path into its parent (written to parent, "/" when none) and returns the last component.
static const char *split_parent(const char *path, char *parent, size_t cap) {
  str_copy(parent, cap, path, NULL, NULL);
  char *slash = strrchr(parent, '/');
  if (!slash) { str_copy(parent, cap, "/", NULL, NULL); return path; }
  const char *name = path + (slash - parent) + 1;
  if (slash == parent) slash[1] = 0; else *slash = 0;
  return name;
}

/// Runs one setup operation before pivot_root, with every target resolved inside rootfd.
static int run_op(int rootfd, const struct berth_op *op, int error_fd) {
  char fdpath[64];
  int fd = -1;
  switch (op->kind) {
  case BERTH_OP_MOUNT:
  case BERTH_OP_BIND_FILE: {
    int is_file = op->kind == BERTH_OP_BIND_FILE;
    if (mkdir_in_root(rootfd, op->target, is_file) < 0) return -1;
    fd = open_in_root(rootfd, op->target, O_PATH | (is_file ? 0 : O_DIRECTORY));
    if (fd < 0) return -1;
    fd_path(fdpath, sizeof fdpath, fd);
    unsigned long flags = op->flags;
    int r;
    int is_bind = is_file || (flags & MS_BIND);
    if (is_bind) r = mount(op->source, fdpath, NULL, MS_BIND | (flags & MS_REC), NULL);
    else r = mount(op->source, fdpath, op->fstype, flags, op->data);
    int remount = is_bind && (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
    if (r == 0 && (remount || op->propagation)) {
      // fd still names the directory under the new mount: reopen the target to reach the mount.
      close(fd);
      fd = open_in_root(rootfd, op->target, O_PATH);
      if (fd < 0) return -1;
      fd_path(fdpath, sizeof fdpath, fd);
      if (remount) r = mount(NULL, fdpath, NULL, MS_BIND | MS_REMOUNT | (flags & ~MS_REC), NULL);
      if (r == 0 && op->propagation) r = mount(NULL, fdpath, NULL, op->propagation, NULL);
    }
    int e = errno;
    close(fd);
    errno = e;
    return r;
  }
  case BERTH_OP_MKNOD:
  case BERTH_OP_SYMLINK: {
    char parent[4096];
    const char *name = split_parent(op->target, parent, sizeof parent);
    if (mkdir_in_root(rootfd, parent, 0) < 0) return -1;
    int pfd = open_in_root(rootfd, parent, O_PATH | O_DIRECTORY);
    if (pfd < 0) return -1;
    int r;
    if (op->kind == BERTH_OP_MKNOD) {
      unlinkat(pfd, name, 0);
      r = mknodat(pfd, name, op->mode, (dev_t)op->dev);
    } else {
      r = symlinkat(op->source, pfd, name);
      if (r < 0 && errno == EEXIST) r = 0;
    }
    int e = errno;
    close(pfd);
    errno = e;
    return r;
  }
  default:
    (void)error_fd;
    return 0;
  }
}

/// Operations that run after pivot_root: masked and read-only paths.
static int run_late_op(const struct berth_op *op) {
  struct stat st;
  switch (op->kind) {
  case BERTH_OP_MASK:
    if (lstat(op->target, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode))
      return mount("tmpfs", op->target, "tmpfs", MS_RDONLY, "size=0k");
    return mount("/dev/null", op->target, NULL, MS_BIND, NULL);
  case BERTH_OP_READONLY:
    if (lstat(op->target, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (mount(op->target, op->target, NULL, MS_BIND | MS_REC, NULL) < 0) return -1;
    return mount(NULL, op->target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | (op->flags & ~MS_REC), NULL);
  case BERTH_OP_REMOUNT_RO:
    return mount(NULL, op->target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | op->flags, NULL);
  default:
    return 0;
  }
}

static int loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, "lo", 3);
  int r = ioctl(s, SIOCGIFFLAGS, &ifr);
  if (r == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    r = ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  close(s);
  errno = e;
  return r;
}

static int apply_seccomp(const struct berth_init_config *c) {
  if (!c->seccomp_filter) return 0;
  struct sock_fprog prog = {.len = (unsigned short)c->seccomp_len, .filter = (struct sock_filter *)c->seccomp_filter};
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static int set_capabilities(const struct berth_init_config *c) {
  struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof data);
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)(c->cap_effective >> (32 * i));
    data[i].permitted = (uint32_t)(c->cap_permitted >> (32 * i));
    data[i].inheritable = (uint32_t)(c->cap_inheritable >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) return -1;
  for (int cap = 0; cap <= c->cap_last; cap++)
    if (c->cap_ambient & (1ULL << cap))
      if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
  return 0;
}

/// execve with PATH lookup as execvpe does; returns the exit code to use (126/127).
static int exec_command(const struct berth_init_config *c, int *err) {
  const char *file = c->argv[0];
  if (!file || !*file) { *err = ENOENT; return 127; }
  if (strchr(file, '/')) {
    execve(file, (char *const *)c->argv, (char *const *)c->envp);
    *err = errno;
    return (errno == ENOENT || errno == ENOTDIR) ? 127 : 126;
  }
  const char *path = c->path_env && *c->path_env ? c->path_env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  int seen_eacces = 0;
  char buf[4096];
  const char *p = path;
  while (1) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : str_len(p);
    if (len + str_len(file) + 2 < sizeof buf) {
      if (len == 0) { buf[0] = '.'; len = 1; } else memcpy(buf, p, len);
      buf[len] = '/';
      memcpy(buf + len + 1, file, str_len(file) + 1);
      struct stat st;
      if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
        execve(buf, (char *const *)c->argv, (char *const *)c->envp);
        if (errno == EACCES) seen_eacces = 1;
        else if (errno != ENOENT && errno != ENOTDIR) { *err = errno; return 126; }
      }
    }
    if (!end) break;
    p = end + 1;
  }
  *err = seen_eacces ? EACCES : ENOENT;
  return seen_eacces ? 126 : 127;
}

/// Makes the container's terminal in its own devpts (so `tty` names /dev/pts/0), binds it to
/// /dev/console, sends the master to the parent and makes the slave stdio.
static int make_console(const struct berth_init_config *c) {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return -1;
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) return -1;
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) return -1;
  struct winsize ws = {.ws_row = c->rows, .ws_col = c->cols};
  if (c->rows && c->cols) ioctl(slave, TIOCSWINSZ, &ws);
  unsigned int n = 0;
  // An exec's terminal is not the container's console.
  if (c->n_join_ns_fds == 0 && ioctl(master, TIOCGPTN, &n) == 0) {
    char path[32] = "/dev/pts/";
    char tmp[16];
    int k = 0, m = 9;
    do { tmp[k++] = (char)('0' + n % 10); n /= 10; } while (n);
    while (k) path[m++] = tmp[--k];
    path[m] = 0;
    int fd = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) close(fd);
    mount(path, "/dev/console", NULL, MS_BIND, NULL);
  }
  char byte = 'M';
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  char control[CMSG_SPACE(sizeof(int))];
  memset(control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &master, sizeof(int));
  if (sendmsg(c->console_socket, &msg, MSG_NOSIGNAL) < 0) return -1;
  close(master);
  for (int i = 0; i < 3; i++)
    if (dup2(slave, i) < 0) return -1;
  if (slave > 2) close(slave);
  return 0;
}

/// Reads one byte from the sync pipe; 0 when it is the expected one, -1 otherwise (EOF: the
/// parent died or gave up).
static int await_byte(int fd, char expected) {
  char got = 0;
  ssize_t n;
  do { n = read(fd, &got, 1); } while (n < 0 && errno == EINTR);
  return (n == 1 && got == expected) ? 0 : -1;
}

static int child_main(void *arg) {
  struct child_args *a = arg;
  const struct berth_init_config *c = a->config;
  int efd = a->error_write;

  // Default signal state: nothing inherited from the Swift runtime.
  sigset_t all;
  sigemptyset(&all);
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    signal(s, SIG_DFL);
  }
  sigprocmask(SIG_SETMASK, &all, NULL);
  if (!c->keep_running) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  close(a->sync_write);
  close(a->error_read);
  umask(0);

  if (await_byte(a->sync_read, 'G') < 0) _exit(125);

  for (int i = 0; i < c->n_join_ns_fds; i++) {
    if (setns(c->join_ns_fds[i], 0) < 0) fail(efd, BERTH_STEP_JOIN, errno, 126, "setns");
    close(c->join_ns_fds[i]);
  }
  if (c->join_net_fd > 0) {
    if (setns(c->join_net_fd, CLONE_NEWNET) < 0) fail(efd, BERTH_STEP_JOIN, errno, 125, "setns net");
    close(c->join_net_fd);
  }

  if (c->clone_flags & CLONE_NEWNS) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) fail(efd, BERTH_STEP_MOUNT_PRIVATE, errno, 125, "/");
    if (c->overlay_data) {
      if (mount("overlay", c->rootfs, "overlay", 0, c->overlay_data) < 0) fail(efd, BERTH_STEP_ROOTFS, errno, 125, c->rootfs);
    } else if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) {
      fail(efd, BERTH_STEP_ROOTFS, errno, 125, c->rootfs);
    }
    int rootfd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) fail(efd, BERTH_STEP_ROOTFS, errno, 125, c->rootfs);
    for (int i = 0; i < c->n_ops; i++)
      if (run_op(rootfd, &c->ops[i], efd) < 0) fail(efd, BERTH_STEP_OP, errno, 125, c->ops[i].target);
    close(rootfd);
    if (chdir(c->rootfs) < 0) fail(efd, BERTH_STEP_PIVOT, errno, 125, c->rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail(efd, BERTH_STEP_PIVOT, errno, 125, c->rootfs);
    if (umount2(".", MNT_DETACH) < 0) fail(efd, BERTH_STEP_PIVOT, errno, 125, "old root");
    if (chdir("/") < 0) fail(efd, BERTH_STEP_PIVOT, errno, 125, "/");
    for (int i = 0; i < c->n_ops; i++)
      if (run_late_op(&c->ops[i]) < 0) fail(efd, BERTH_STEP_OP, errno, 125, c->ops[i].target);
  }
  if ((c->clone_flags & CLONE_NEWUTS) && c->hostname)
    if (sethostname(c->hostname, str_len(c->hostname)) < 0) fail(efd, BERTH_STEP_HOSTNAME, errno, 125, c->hostname);
  if (c->loopback_up && loopback_up() < 0) fail(efd, BERTH_STEP_LOOPBACK, errno, 125, "lo");
  for (int i = 0; i < c->n_rlimits; i++) {
    struct rlimit rl = {.rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard};
    if (setrlimit(c->rlimits[i].resource, &rl) < 0) fail(efd, BERTH_STEP_RLIMIT, errno, 125, "setrlimit");
  }
  if (c->oom_score_adj_set) {
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      char buf[16], tmp[16];
      int v = c->oom_score_adj, k = 0, neg = v < 0, m = 0;
      if (neg) v = -v;
      do { tmp[k++] = (char)('0' + v % 10); v /= 10; } while (v);
      if (neg) buf[m++] = '-';
      while (k) buf[m++] = tmp[--k];
      ssize_t w = write(fd, buf, (size_t)m);
      (void)w;
      close(fd);
    }
  }

  // Working directory, created as Docker does, while still root.
  if (c->cwd && *c->cwd && c->n_join_ns_fds == 0) {
    int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd >= 0) { mkdir_in_root(rootfd, c->cwd, 0); close(rootfd); }
  }

  // stdio.
  for (int i = 0; i < 3; i++) {
    if (c->stdio[i] == i) {
      int fl = fcntl(i, F_GETFD);
      if (fl >= 0) fcntl(i, F_SETFD, fl & ~FD_CLOEXEC);
    } else if (c->stdio[i] >= 0) {
      if (dup2(c->stdio[i], i) < 0) fail(efd, BERTH_STEP_STDIO, errno, 125, "stdio");
    }
  }
  if (c->console_socket >= 0) {
    if (make_console(c) < 0) fail(efd, BERTH_STEP_CONSOLE, errno, 125, "/dev/pts/ptmx");
    if (setsid() < 0) fail(efd, BERTH_STEP_STDIO, errno, 125, "setsid");
    if (ioctl(0, TIOCSCTTY, 0) < 0) fail(efd, BERTH_STEP_STDIO, errno, 125, "TIOCSCTTY");
  }

  if (c->readonly_rootfs && (c->clone_flags & CLONE_NEWNS))
    if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) fail(efd, BERTH_STEP_READONLY, errno, 125, "/");

  // The parent has placed us in the cgroup (and set up the network) while we made the mounts.
  if (await_byte(a->sync_read, 'C') < 0) fail(efd, BERTH_STEP_SYNC, EPIPE, 125, "cgroup placement");
  close(a->sync_read);
  if (c->unshare_cgroup && unshare(CLONE_NEWCGROUP) < 0) fail(efd, BERTH_STEP_SYNC, errno, 125, "cgroup namespace");

  // Seccomp before dropping privileges unless no_new_privs (as runc): loading needs CAP_SYS_ADMIN then.
  if (!c->no_new_privs && apply_seccomp(c) < 0) fail(efd, BERTH_STEP_SECCOMP, errno, 125, "seccomp");

  // Capability bounding set, then identity, then the capability sets.
  for (int cap = 0; cap <= c->cap_last; cap++)
    if (!(c->cap_bounding & (1ULL << cap)))
      if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) fail(efd, BERTH_STEP_CAPS, errno, 125, "bounding set");
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail(efd, BERTH_STEP_CAPS, errno, 125, "keepcaps");
  if (syscall(SYS_setgroups, c->n_groups, c->groups) < 0) fail(efd, BERTH_STEP_USER, errno, 125, "setgroups");
  if (syscall(SYS_setresgid, c->gid, c->gid, c->gid) < 0) fail(efd, BERTH_STEP_USER, errno, 125, "setgid");
  if (syscall(SYS_setresuid, c->uid, c->uid, c->uid) < 0) fail(efd, BERTH_STEP_USER, errno, 125, "setuid");
  if (set_capabilities(c) < 0) fail(efd, BERTH_STEP_CAPS, errno, 125, "capset");
  if (c->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(efd, BERTH_STEP_CAPS, errno, 125, "no_new_privs");

  if (c->cwd && *c->cwd && chdir(c->cwd) < 0) fail(efd, BERTH_STEP_CWD, errno, 125, c->cwd);

  if (c->no_new_privs && apply_seccomp(c) < 0) fail(efd, BERTH_STEP_SECCOMP, errno, 125, "seccomp");

  umask(022);
  // Only fds 0-2 survive execve; the error pipe is already CLOEXEC.
  syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);

  int err = 0;
  int code = exec_command(c, &err);
  fail(efd, BERTH_STEP_EXEC, err, code, c->argv[0]);
  return 0;
}

pid_t berth_spawn(const struct berth_init_config *config, int *sync_fd, int *error_fd) {
  int syncp[2], errp[2];
  if (pipe2(syncp, O_CLOEXEC) < 0) return -errno;
  if (pipe2(errp, O_CLOEXEC) < 0) {
    int e = errno;
    close(syncp[0]);
    close(syncp[1]);
    return -e;
  }
  size_t stack_size = 256 * 1024;
  void *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    int e = errno;
    close(syncp[0]); close(syncp[1]); close(errp[0]); close(errp[1]);
    return -e;
  }
  struct child_args args = {.config = config, .sync_read = syncp[0], .sync_write = syncp[1], .error_read = errp[0], .error_write = errp[1]};
  // Block signals so no Swift handler runs in the child before it resets them.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  // exec: the clone is made in the container's pid namespace (this thread's pid_for_children),
  // which is set back to our own right after.
  int own_pidns = -1;
  if (config->join_pidns_fd > 0) {
    own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (own_pidns < 0 || setns(config->join_pidns_fd, CLONE_NEWPID) < 0) {
      int e = errno;
      if (own_pidns >= 0) close(own_pidns);
      pthread_sigmask(SIG_SETMASK, &old, NULL);
      munmap(stack, stack_size);
      close(syncp[0]); close(syncp[1]); close(errp[0]); close(errp[1]);
      return -e;
    }
  }
  pid_t pid = clone(child_main, (char *)stack + stack_size, config->clone_flags | SIGCHLD, &args);
  int e = errno;
  if (own_pidns >= 0) {
    setns(own_pidns, CLONE_NEWPID);
    close(own_pidns);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  munmap(stack, stack_size);
  close(syncp[0]);
  close(errp[1]);
  if (pid < 0) {
    close(syncp[1]);
    close(errp[0]);
    return -e;
  }
  *sync_fd = syncp[1];
  *error_fd = errp[0];
  return pid;
}
