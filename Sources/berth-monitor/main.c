// berth-monitor: the small process that stays with one detached container (the conmon model).
//
// A berth helper starts the container (so its init is the helper's child), then execs this
// program, which inherits the child and its stdio pipes:
//
//   berth-monitor PID LOG MAX_SIZE MAX_FILES OUT_FD ERR_FD IN_FD EXIT_FILE HEALTH_MS ATTACH_SOCKET
//                 [-- HOOK ARGV…]
//
// | argument  | meaning                                                                     |
// |-----------|-----------------------------------------------------------------------------|
// | PID       | the container's init, a child of this process                               |
// | LOG       | the json-file log; MAX_SIZE bytes (0 = unlimited) × MAX_FILES files         |
// | OUT_FD    | read end of the container's stdout pipe, or its pty master                  |
// | ERR_FD    | read end of its stderr pipe, -1 with a pty                                  |
// | IN_FD     | write end of its stdin (or -1), held open so `-i` containers keep their input |
// | EXIT_FILE | written atomically when the init is reaped: "CODE SECONDS.NANOSECONDS\n"    |
// | HEALTH_MS | > 0: every HEALTH_MS, run HOOK with its `__exited` argument replaced by       |
// |           | `__health` (berth's health check: runs the check in the container, records it) |
// | ATTACH_SOCKET | unix socket for `attach` (see attach.h)                                 |
// | HOOK      | exec'd afterwards (berth's exit hook: records the exit, restart policy, --rm) |
//
// It links no Swift runtime and no Foundation: an idle monitor costs about 1.5 MB of memory.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/// Starts the health check hook (HOOK with `__exited` → `__health`) with /dev/null as stdio.
static pid_t start_health_check(char **hook) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  int null_fd = open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; fd++) dup2(null_fd, fd);
  syscall(SYS_close_range, 3U, ~0U, 0);
  int n = 0;
  while (hook[n]) n++;
  char *argv[n + 1];
  for (int i = 0; i < n; i++) argv[i] = strcmp(hook[i], "__exited") == 0 ? "__health" : hook[i];
  argv[n] = NULL;
  execv(argv[0], argv);
  _exit(127);
}

#include "attach.h"
#include "CBerthLog.h"

/// One of the container's output streams.
struct stream {
  int fd;
  int number;  ///< 1 stdout, 2 stderr (attach framing)
  struct jsonlog_stream line;
};

static struct attach_server attach = {.listen_fd = -1};

/// Reads what is available; closes the stream at EOF (or EIO: the pty's last holder went away).
static void pump(struct jsonlog *log, struct stream *s) {
  char buf[32768];
  ssize_t r = read(s->fd, buf, sizeof buf);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r > 0) {
    jsonlog_consume(log, &s->line, buf, (size_t)r);
    attach_broadcast(&attach, s->number, buf, (size_t)r);
    return;
  }
  jsonlog_flush(log, &s->line);
  close(s->fd);
  s->fd = -1;
}

static int exit_code(int status) {
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

static void write_exit_file(const char *path, int code) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  char line[64];
  int n = snprintf(line, sizeof line, "%d %lld.%09ld\n", code, (long long)ts.tv_sec, ts.tv_nsec);
  if (write(fd, line, (size_t)n) == n) rename(tmp, path);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 11) {
    fprintf(stderr, "usage: berth-monitor PID LOG MAX_SIZE MAX_FILES OUT_FD ERR_FD IN_FD EXIT_FILE HEALTH_MS "
                    "ATTACH_SOCKET [-- HOOK…]\n");
    return 2;
  }
  pid_t pid = (pid_t)atoi(argv[1]);
  struct jsonlog log;
  if (jsonlog_open(&log, argv[2], atoll(argv[3]), atoi(argv[4])) != 0) log.fd = open("/dev/null", O_WRONLY);
  static struct stream out = {.number = 1, .line = {.name = "stdout"}}, err = {.number = 2, .line = {.name = "stderr"}};
  out.fd = atoi(argv[5]);
  err.fd = atoi(argv[6]);
  int in_fd = atoi(argv[7]);
  const char *exit_file = argv[8];
  long long health_ms = atoll(argv[9]);
  const char *attach_path = argv[10];
  char **hook = argc > 12 && strcmp(argv[11], "--") == 0 ? argv + 12 : NULL;
  // With a terminal the output fd is the pty master, which also takes the input.
  int tty = err.fd < 0;
  if (tty) in_fd = out.fd;
  attach_listen(&attach, attach_path, tty, &in_fd, tty ? out.fd : -1);
  if (!hook) health_ms = 0;
  pid_t health_pid = 0;
  long long next_check = now_ms() + health_ms;

  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  // Attach before start (the Engine API): the output waits in the pipe until the client is here.
  const char *hold = getenv("BERTH_ATTACH_HOLD_MS");
  if (hold && attach.listen_fd >= 0) {
    long long until = now_ms() + atoll(hold);
    while (!attach_has_client(&attach) && now_ms() < until) {
      struct pollfd fds[1 + ATTACH_MAX_CLIENTS];
      int n = attach_pollfds(&attach, fds);
      if (poll(fds, (nfds_t)n, (int)(until - now_ms() > 0 ? until - now_ms() : 0)) < 0 && errno != EINTR) break;
      attach_handle(&attach, fds, n);
    }
  }
  unsetenv("BERTH_ATTACH_HOLD_MS");

  int status = 0, reaped = 0;
  while (!reaped) {
    struct pollfd fds[3 + 1 + ATTACH_MAX_CLIENTS] = {{out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    int n_attach = attach.listen_fd >= 0 ? attach_pollfds(&attach, fds + 3) : 0;
    int timeout = out.fd < 0 && err.fd < 0 ? 1000 : -1;
    if (health_ms > 0 && health_pid == 0) {
      long long wait = next_check - now_ms();
      if (wait < 0) wait = 0;
      if (timeout < 0 || wait < timeout) timeout = (int)(wait > 3600000 ? 3600000 : wait);
    }
    if (poll(fds, (nfds_t)(3 + n_attach), timeout) < 0 && errno != EINTR) break;
    if (out.fd >= 0 && fds[0].revents) pump(&log, &out);
    if (err.fd >= 0 && fds[1].revents) pump(&log, &err);
    if (tty && out.fd < 0) in_fd = -1;
    attach_handle(&attach, fds + 3, n_attach);
    if (fds[2].revents) {
      struct signalfd_siginfo info;
      while (read(sigfd, &info, sizeof info) > 0) {}
    }
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) reaped = 1;
    if (health_pid > 0 && waitpid(health_pid, NULL, WNOHANG) == health_pid) {
      health_pid = 0;
      next_check = now_ms() + health_ms;
    }
    if (!reaped && health_ms > 0 && health_pid == 0 && now_ms() >= next_check) {
      health_pid = start_health_check(hook);
      if (health_pid < 0) {
        health_pid = 0;
        next_check = now_ms() + health_ms;
      }
    }
  }
  if (health_pid > 0) {
    kill(health_pid, SIGKILL);
    waitpid(health_pid, NULL, 0);
  }
  // The init is gone (and with it its pid namespace): drain what is left in the pipes.
  struct stream *streams[2] = {&out, &err};
  for (int i = 0; i < 2; i++) {
    struct stream *s = streams[i];
    if (s->fd < 0) continue;
    fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
    while (s->fd >= 0) {
      char buf[32768];
      ssize_t r = read(s->fd, buf, sizeof buf);
      if (r > 0) {
        jsonlog_consume(&log, &s->line, buf, (size_t)r);
        attach_broadcast(&attach, s->number, buf, (size_t)r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      jsonlog_flush(&log, &s->line);
      close(s->fd);
      s->fd = -1;
    }
  }
  write_exit_file(exit_file, exit_code(status));
  attach_close(&attach);
  unlink(attach_path);
  close(log.fd);
  if (in_fd >= 0 && !tty) close(in_fd);
  if (hook) {
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    execv(hook[0], hook);
  }
  return 0;
}
