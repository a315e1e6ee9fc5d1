// The client side of a monitor's attach socket (see Sources/berth-monitor/attach.h).
#define _GNU_SOURCE
#include "CBerth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static int winch_pipe[2] = {-1, -1};

static void on_winch(int sig) {
  (void)sig;
  int e = errno;
  if (winch_pipe[1] >= 0) { ssize_t w = write(winch_pipe[1], "w", 1); (void)w; }
  errno = e;
}

int berth_attach_connect(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

/// Sends the size of terminal fd to the monitor on a connection of its own.
static void send_size(const char *path, int fd) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) < 0) return;
  int s = berth_attach_connect(path);
  if (s < 0) return;
  unsigned char msg[5] = {'R', (unsigned char)(ws.ws_row >> 8), (unsigned char)ws.ws_row,
                          (unsigned char)(ws.ws_col >> 8), (unsigned char)ws.ws_col};
  ssize_t w = send(s, msg, sizeof msg, MSG_NOSIGNAL);
  (void)w;
  close(s);
}

static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int berth_attach_relay(int sock, const char *path, int tty, int in_fd, int out_fd, int err_fd, int close_stdin) {
  char mode = close_stdin ? 'a' : 'A';
  if (send(sock, &mode, 1, MSG_NOSIGNAL) != 1) return -errno;
  struct termios saved;
  int term_fd = in_fd;
  int raw = tty && in_fd >= 0 && tcgetattr(in_fd, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(in_fd, TCSANOW, &t);
  }
  struct sigaction old_winch;
  int winch = tty && pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) == 0;
  if (winch) {
    struct sigaction sa = {.sa_handler = on_winch};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &sa, &old_winch);
    send_size(path, in_fd >= 0 && isatty(in_fd) ? in_fd : out_fd);
  }
  // Non-tty frames: header then payload.
  unsigned char header[8];
  size_t header_have = 0, payload_left = 0;
  int stream = 1, pending_ctrl_p = 0, result = 0;
  for (;;) {
    struct pollfd fds[3] = {{sock, POLLIN, 0}, {in_fd, POLLIN, 0}, {winch ? winch_pipe[0] : -1, POLLIN, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      result = -errno;
      break;
    }
    if (fds[2].revents) {
      char b[16];
      while (read(winch_pipe[0], b, sizeof b) > 0) {}
      send_size(path, in_fd >= 0 && isatty(in_fd) ? in_fd : out_fd);
    }
    if (in_fd >= 0 && fds[1].revents) {
      unsigned char buf[4096], out[4097];
      ssize_t r = read(in_fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        shutdown(sock, SHUT_WR);
        in_fd = -1;
      } else {
        size_t o = 0;
        for (ssize_t i = 0; i < r; i++) {
          // Docker's detach keys with a terminal: ctrl-p ctrl-q.
          if (tty && pending_ctrl_p) {
            pending_ctrl_p = 0;
            if (buf[i] == 0x11) { result = 1; goto done; }
            out[o++] = 0x10;
          }
          if (tty && buf[i] == 0x10) { pending_ctrl_p = 1; continue; }
          out[o++] = buf[i];
        }
        if (o > 0 && send(sock, out, o, MSG_NOSIGNAL) < 0) break;
      }
    }
    if (fds[0].revents) {
      unsigned char buf[32768];
      ssize_t r = read(sock, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      if (tty) {
        write_all(out_fd, buf, (size_t)r);
        continue;
      }
      for (ssize_t i = 0; i < r;) {
        if (payload_left == 0) {
          header[header_have++] = buf[i++];
          if (header_have == 8) {
            stream = header[0];
            payload_left = (size_t)header[4] << 24 | (size_t)header[5] << 16 | (size_t)header[6] << 8 | header[7];
            header_have = 0;
          }
          continue;
        }
        size_t n = (size_t)(r - i) < payload_left ? (size_t)(r - i) : payload_left;
        write_all(stream == 2 ? err_fd : out_fd, buf + i, n);
        i += (ssize_t)n;
        payload_left -= n;
      }
    }
  }
done:
  if (raw) tcsetattr(term_fd, TCSANOW, &saved);
  if (winch) {
    sigaction(SIGWINCH, &old_winch, NULL);
    close(winch_pipe[0]);
    close(winch_pipe[1]);
    winch_pipe[0] = winch_pipe[1] = -1;
  }
  return result;
}
