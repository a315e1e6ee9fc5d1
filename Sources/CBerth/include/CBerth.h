// CBerth: the code that runs between clone() and execve(), and libc calls Swift cannot make safely.
//
// Parent/child handshake (see berth_spawn):
//
// | step | parent (Swift, threaded)                      | child (C, single thread, new namespaces)          |
// |------|-----------------------------------------------|---------------------------------------------------|
// | 1    | pipes: sync (parent→child), error (child→parent, CLOEXEC); console socketpair with -t |    |
// | 2    | clone(flags); returns pid                      | blocks reading sync pipe                           |
// | 3    | writes 'G' ("go")                              | reads 'G' (EOF = parent died → _exit)              |
// | 4    | writes pid into cgroups (may wait for an RCU   | mounts, pivot_root, masked paths, hostname, rlimits|
// |      | grace period on v1), network setup             | console (sends the pty master), stdio              |
// | 5    | writes 'C' ("in cgroup"), closes the pipe      | reads 'C' before anything that runs as the         |
// |      |                                               | container: seccomp, ids, capabilities, execve      |
// | 6    | reads error pipe: EOF = execve happened; a     | on failure: writes berth_init_error, _exit(code)   |
// |      | berth_init_error = failure at that step        |                                                    |
//
// Steps 3–5 overlap the parent's cgroup placement with the child's mount setup.
// `exec` uses the same handshake with join_* set: the parent enters the container's pid namespace
// for the clone only (pid_for_children, then back), and the child setns's into its other
// namespaces instead of making mounts; the rest (stdio, console, seccomp, ids, caps) is shared.
// Only async-signal-safe calls and raw syscalls run in the child: no malloc, no glibc setxid.
#ifndef CBERTH_H
#define CBERTH_H

#include <malloc.h>  // mallopt, malloc_trim: not in Swift's Glibc module
#include <stdint.h>
#include <sys/types.h>
#include <sys/xattr.h>

/// Namespace flags for berth_init_config.clone_flags (sched.h's CLONE_NEW*).
enum berth_namespace {
  BERTH_NS_MOUNT = 0x00020000,
  BERTH_NS_CGROUP = 0x02000000,
  BERTH_NS_UTS = 0x04000000,
  BERTH_NS_IPC = 0x08000000,
  BERTH_NS_PID = 0x20000000,
  BERTH_NS_NET = 0x40000000,
};

/// What one filesystem operation of the container's setup does.
enum berth_op_kind {
  BERTH_OP_MOUNT = 1,      ///< mount(source, target, fstype, flags, data); target made as a directory and
                           ///< resolved inside the root (openat2 RESOLVE_IN_ROOT), so a symlink in the
                           ///< image cannot lead the mount out of it; binds with ro/nosuid/nodev/noexec
                           ///< are then remounted with those flags, and `propagation` is applied
  BERTH_OP_BIND_FILE = 2,  ///< bind-mount source (a host file) onto target, made as an empty file
  BERTH_OP_MKNOD = 3,      ///< mknod(target, mode, dev)
  BERTH_OP_SYMLINK = 4,    ///< symlink(source → target)
  BERTH_OP_MASK = 5,       ///< after pivot: /dev/null over a file, read-only tmpfs over a directory
  BERTH_OP_READONLY = 6,   ///< after pivot: bind the path onto itself read-only
  BERTH_OP_REMOUNT_RO = 7, ///< remount target read-only (bind mounts)
};

/// One setup operation; paths are inside the container's root.
struct berth_op {
  int kind;
  const char *source;
  const char *target;
  const char *fstype;
  const char *data;
  unsigned long flags;
  unsigned int mode;
  unsigned long long dev;
  unsigned long propagation; ///< MS_SHARED/MS_SLAVE/MS_PRIVATE (| MS_REC) set on the new mount, or 0
};

/// One rlimit to set.
struct berth_rlimit {
  int resource;
  unsigned long long soft;
  unsigned long long hard;
};

/// Everything the child needs, prepared by the parent before clone.
struct berth_init_config {
  int clone_flags;
  const char *rootfs;        ///< host path of the container's root mount point
  const char *overlay_data;  ///< overlay options, or NULL to use rootfs as it is
  const struct berth_op *ops;
  int n_ops;
  const char *hostname;
  int readonly_rootfs;
  const char *const *argv;
  const char *const *envp;
  const char *path_env;      ///< PATH used to look up argv[0]
  const char *cwd;
  uint32_t uid;
  uint32_t gid;
  const uint32_t *groups;
  int n_groups;
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  int cap_last;
  int no_new_privs;
  const void *seccomp_filter; ///< raw struct sock_filter array, or NULL
  int seccomp_len;            ///< number of sock_filter instructions
  const struct berth_rlimit *rlimits;
  int n_rlimits;
  int stdio[3];
  int console_socket;         ///< >=0: make a pty in the container's devpts, send its master here,
                              ///< make it stdio and the controlling terminal of a new session
  unsigned short rows, cols;  ///< initial terminal size with console_socket
  int loopback_up;            ///< 1: bring "lo" up (new network namespace)
  int oom_score_adj_set;
  int oom_score_adj;
  // exec: join a running container instead of making new namespaces (clone_flags must be 0).
  int join_pidns_fd;          ///< >0: the container's pid namespace, entered by the clone itself
  const int *join_ns_fds;     ///< namespaces the child enters with setns (the mount namespace last)
  int n_join_ns_fds;
  int keep_running;           ///< 1: no parent-death signal (`exec -d` outlives the CLI)
  // run --network container:ID: a new container that shares another one's network namespace.
  int join_net_fd;            ///< >0: a network namespace the child enters before its mounts
  // --cgroupns private: a cgroup namespace made once the parent has placed the child in its
  // cgroup (step 5), so that the namespace's root is the container's cgroup.
  int unshare_cgroup;
};

/// Steps reported in berth_init_error.step.
enum berth_step {
  BERTH_STEP_SYNC = 1, BERTH_STEP_MOUNT_PRIVATE, BERTH_STEP_ROOTFS, BERTH_STEP_OP, BERTH_STEP_PIVOT,
  BERTH_STEP_HOSTNAME, BERTH_STEP_LOOPBACK, BERTH_STEP_RLIMIT, BERTH_STEP_SECCOMP, BERTH_STEP_CAPS,
  BERTH_STEP_USER, BERTH_STEP_STDIO, BERTH_STEP_CWD, BERTH_STEP_EXEC, BERTH_STEP_READONLY, BERTH_STEP_CONSOLE,
  BERTH_STEP_JOIN,
};

/// The message the child writes to the error pipe when a step fails.
struct berth_init_error {
  int step;
  int err;            ///< errno
  int exit_code;      ///< 125, 126 or 127
  char detail[512];   ///< the operand (path, name) that failed
};

/// Clones the container's init. Returns the pid (>0), or -errno. On success *sync_fd is the
/// write end of the go pipe and *error_fd the read end of the error pipe (both CLOEXEC).
pid_t berth_spawn(const struct berth_init_config *config, int *sync_fd, int *error_fd);

/// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 (and unblocks them)
/// before the container exists: signals that arrive meanwhile are kept.
void berth_forward_signals_prepare(void);

/// Forwards those signals to pid from now on, first the ones kept since prepare (call that first).
void berth_forward_signals(pid_t pid);

/// Relays a terminal: in_fd → master, master → out_fd, window size from in_fd on SIGWINCH.
/// Puts in_fd in raw mode when it is a terminal and restores it. Returns when master hangs up.
void berth_pump_tty(int master, int in_fd, int out_fd);

/// Receives the pty master the init sends over console_socket; returns the fd, or -1 when the
/// init closed the socket without sending one (it failed: read the error pipe).
int berth_receive_console(int socket);

/// Fills rows and cols with the terminal size of fd; returns 0 or -1 when fd is no terminal.
int berth_window_size(int fd, unsigned short *rows, unsigned short *cols);

/// Writes one byte to a pipe without dying of SIGPIPE when the reader is gone; 0 or -errno.
int berth_write_byte(int fd, char byte);

/// waitpid retrying EINTR; returns the wait status or -errno.
int berth_wait(pid_t pid);

/// Creates a memfd; returns fd or -errno.
int berth_memfd(const char *name);

/// Waits up to timeout_ms (-1: forever) for any process to exit (pidfd_open + poll): 1 when it has
/// exited (or does not exist), 0 on timeout, -errno.
int berth_wait_exit(pid_t pid, int timeout_ms);

/// posix_spawns path in a new session with /dev/null as stdio, report_fd (if >= 0) as fd 3 and no other fds,
/// default signal dispositions and no blocked signals. Returns the pid or -errno.
pid_t berth_spawn_detached(const char *path, char *const argv[], int report_fd);

/// pipe2(O_CLOEXEC); 0 or -errno.
int berth_pipe(int fds[2]);

/// Connects to a monitor's attach socket; returns the fd or -errno.
int berth_attach_connect(const char *path);

/// Relays an attach connection (see berth-monitor's attach.h) until the container's output ends
/// (returns 0) or the user types the detach keys ctrl-p ctrl-q with a terminal (returns 1):
/// in_fd (-1: none) → the container's stdin, its output → out_fd/err_fd. With tty, in_fd is put
/// in raw mode and its size follows SIGWINCH. close_stdin: the container's stdin closes at
/// in_fd's EOF. Returns -errno on failure.
int berth_attach_relay(int sock, const char *path, int tty, int in_fd, int out_fd, int err_fd, int close_stdin);

#include "CBerthDevices.h"
#include "CBerthFiles.h"
#include "CBerthLog.h"

#endif
