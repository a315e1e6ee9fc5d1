// berth-monitor: the small process that stays with one detached container (the conmon model).
//
// A berth helper starts the container (so its init is the helper's child), then execs this
// program, which inherits the child and its stdio pipes:
//
//   berth-monitor PID LOG MAX_SIZE MAX_FILES OUT_FD ERR_FD IN_FD EXIT_FILE [-- HOOK ARGV…]
//
// | argument  | meaning                                                                     |
// |-----------|-----------------------------------------------------------------------------|
// | PID       | the container's init, a child of this process                               |
// | LOG       | the json-file log; MAX_SIZE bytes (0 = unlimited) × MAX_FILES files         |
// | OUT_FD    | read end of the container's stdout pipe, or its pty master                  |
// | ERR_FD    | read end of its stderr pipe, -1 with a pty                                  |
// | IN_FD     | write end of its stdin (or -1), held open so `-i` containers keep their input |
// | EXIT_FILE | written atomically when the init is reaped: "CODE SECONDS.NANOSECONDS\n"    |
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jsonlog.h"

enum { LINE_MAX_BYTES = 16 * 1024 };

/// One of the container's output streams and its unfinished line.
struct stream {
  int fd;
  const char *name;
  char pending[LINE_MAX_BYTES];
  size_t used;
};

/// Logs every complete line of the bytes read, keeping an unfinished one (up to 16 KiB, as Docker).
static void consume(struct jsonlog *log, struct stream *s, const char *buf, size_t n) {
  for (size_t i = 0; i < n; i++) {
    s->pending[s->used++] = buf[i];
    if (buf[i] == '\n' || s->used == LINE_MAX_BYTES) {
      jsonlog_write(log, s->name, s->pending, s->used);
      s->used = 0;
    }
  }
}

/// Reads what is available; closes the stream at EOF (or EIO: the pty's last holder went away).
static void pump(struct jsonlog *log, struct stream *s) {
  char buf[32768];
  ssize_t r = read(s->fd, buf, sizeof buf);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r > 0) {
    consume(log, s, buf, (size_t)r);
    return;
  }
  if (s->used > 0) jsonlog_write(log, s->name, s->pending, s->used);
  s->used = 0;
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
  if (argc < 9) {
    fprintf(stderr, "usage: berth-monitor PID LOG MAX_SIZE MAX_FILES OUT_FD ERR_FD IN_FD EXIT_FILE [-- HOOK…]\n");
    return 2;
  }
  pid_t pid = (pid_t)atoi(argv[1]);
  struct jsonlog log;
  if (jsonlog_open(&log, argv[2], atoll(argv[3]), atoi(argv[4])) != 0) log.fd = open("/dev/null", O_WRONLY);
  static struct stream out = {.name = "stdout"}, err = {.name = "stderr"};
  out.fd = atoi(argv[5]);
  err.fd = atoi(argv[6]);
  int in_fd = atoi(argv[7]);
  const char *exit_file = argv[8];
  char **hook = argc > 10 && strcmp(argv[9], "--") == 0 ? argv + 10 : NULL;

  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  int status = 0, reaped = 0;
  while (!reaped) {
    struct pollfd fds[3] = {{out.fd, POLLIN, 0}, {err.fd, POLLIN, 0}, {sigfd, POLLIN, 0}};
    if (poll(fds, 3, out.fd < 0 && err.fd < 0 ? 1000 : -1) < 0 && errno != EINTR) break;
    if (out.fd >= 0 && fds[0].revents) pump(&log, &out);
    if (err.fd >= 0 && fds[1].revents) pump(&log, &err);
    if (fds[2].revents) {
      struct signalfd_siginfo info;
      while (read(sigfd, &info, sizeof info) > 0) {}
    }
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) reaped = 1;
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
        consume(&log, s, buf, (size_t)r);
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
      if (s->used > 0) jsonlog_write(&log, s->name, s->pending, s->used);
      s->used = 0;
      close(s->fd);
      s->fd = -1;
    }
  }
  write_exit_file(exit_file, exit_code(status));
  close(log.fd);
  if (in_fd >= 0) close(in_fd);
  if (hook) {
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    execv(hook[0], hook);
  }
  return 0;
}
