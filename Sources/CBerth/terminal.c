// Signal forwarding and the terminal relay of a foreground container.
#define _GNU_SOURCE
#include "CBerth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile pid_t forward_pid = 0;
static volatile sig_atomic_t winch_pending = 0;
static volatile sig_atomic_t pending[NSIG];
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void forward_handler(int sig) {
  if (forward_pid > 0) kill(forward_pid, sig);
  else if (sig > 0 && sig < NSIG) pending[sig] = 1;
}

void berth_forward_signals_prepare(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward_handler;
  sa.sa_flags = SA_RESTART;
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
    sigaction(forwarded[i], &sa, NULL);
    sigaddset(&set, forwarded[i]);
  }
  // A parent may have started berth with these blocked; they must reach the handler.
  pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void berth_forward_signals(pid_t pid) {
  forward_pid = pid;
  for (int sig = 1; sig < NSIG; sig++) {
    if (pending[sig]) {
      pending[sig] = 0;
      kill(pid, sig);
    }
  }
}

static void winch_handler(int sig) {
  (void)sig;
  winch_pending = 1;
}

static void copy_winsize(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0) ioctl(to, TIOCSWINSZ, &ws);
}

static int write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += w;
    n -= w;
  }
  return 0;
}

void berth_pump_tty(int master, int in_fd, int out_fd) {
  struct termios saved;
  int is_tty = in_fd >= 0 && isatty(in_fd);
  if (is_tty && tcgetattr(in_fd, &saved) == 0) {
    struct termios raw = saved;
    cfmakeraw(&raw);
    tcsetattr(in_fd, TCSANOW, &raw);
    copy_winsize(in_fd, master);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = winch_handler;
    sigaction(SIGWINCH, &sa, NULL);
  } else {
    is_tty = 0;
  }
  char buf[16384];
  int in_open = in_fd >= 0;
  for (;;) {
    if (winch_pending) {
      winch_pending = 0;
      copy_winsize(in_fd, master);
    }
    struct pollfd fds[2] = {{.fd = master, .events = POLLIN}, {.fd = in_open ? in_fd : -1, .events = POLLIN}};
    int r = poll(fds, 2, -1);
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (write_all(out_fd, buf, n) < 0) break;
    }
    if (in_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = read(in_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        in_open = 0;
        // End of input: send the terminal's EOF character.
        char eof = 4;
        write_all(master, &eof, 1);
      } else if (write_all(master, buf, n) < 0) {
        break;
      }
    }
  }
  if (is_tty) tcsetattr(in_fd, TCSANOW, &saved);
}

int berth_receive_console(int socket) {
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  char control[CMSG_SPACE(sizeof(int))];
  memset(control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  ssize_t n;
  do { n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
  if (n <= 0) return -1;
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (!cm || cm->cmsg_type != SCM_RIGHTS) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  return fd;
}

int berth_window_size(int fd, unsigned short *rows, unsigned short *cols) {
  struct winsize ws;
  if (fd < 0 || ioctl(fd, TIOCGWINSZ, &ws) < 0) return -1;
  *rows = ws.ws_row;
  *cols = ws.ws_col;
  return 0;
}

int berth_wait(pid_t pid) {
  int status;
  for (;;) {
    pid_t r = waitpid(pid, &status, 0);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -errno;
  }
}

int berth_memfd(const char *name) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int berth_write_byte(int fd, char byte) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t r;
  do { r = write(fd, &byte, 1); } while (r < 0 && errno == EINTR);
  int e = errno;
  if (r < 0 && e == EPIPE) {
    struct timespec zero = {0, 0};
    sigtimedwait(&pipe_set, NULL, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return r == 1 ? 0 : -e;
}
