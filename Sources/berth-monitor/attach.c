#define _GNU_SOURCE
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int attach_listen(struct attach_server *s, const char *path, int tty, int *input_fd, int tty_fd) {
  s->tty = tty;
  s->input_fd = input_fd;
  s->tty_fd = tty_fd;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) s->clients[i] = -1;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
  strcpy(addr.sun_path, path);
  s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s->listen_fd < 0) return -errno;
  unlink(path);
  if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s->listen_fd, 8) < 0) {
    int e = errno;
    close(s->listen_fd);
    s->listen_fd = -1;
    return -e;
  }
  chmod(path, 0600);
  return 0;
}

int attach_has_client(const struct attach_server *s) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    if (s->clients[i] >= 0 && (s->modes[i] == 'A' || s->modes[i] == 'a' || s->modes[i] == 'O')) return 1;
  }
  return 0;
}

static void drop(struct attach_server *s, int i) {
  close(s->clients[i]);
  s->clients[i] = -1;
  s->modes[i] = 0;
}

/// Writes everything or gives up on the client (it has 2 s to take each chunk).
static int send_all(int fd, const char *buf, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

void attach_broadcast(struct attach_server *s, int stream, const char *buf, size_t n) {
  unsigned char header[8] = {(unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
                             (unsigned char)(n >> 8), (unsigned char)n};
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    if (s->clients[i] < 0 || (s->modes[i] != 'A' && s->modes[i] != 'a' && s->modes[i] != 'O')) continue;
    if ((!s->tty && send_all(s->clients[i], (const char *)header, 8) < 0) || send_all(s->clients[i], buf, n) < 0)
      drop(s, i);
  }
}

int attach_pollfds(struct attach_server *s, struct pollfd *fds) {
  int n = 0;
  fds[n++] = (struct pollfd){s->listen_fd, POLLIN, 0};
  // A client whose input ended ('O') only receives output.
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    fds[n++] = (struct pollfd){s->modes[i] == 'O' ? -1 : s->clients[i], POLLIN, 0};
  return n;
}

static void accept_client(struct attach_server *s) {
  int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    if (s->clients[i] >= 0) continue;
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    s->clients[i] = fd;
    s->modes[i] = 0;
    return;
  }
  close(fd);
}

static void client_input(struct attach_server *s, int i) {
  char buf[32768];
  ssize_t r = read(s->clients[i], buf, sizeof buf);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (r < 0 || (r == 0 && s->modes[i] == 0)) {
    drop(s, i);
    return;
  }
  if (r == 0) {
    // The client's input ended (it shut down its writing): it keeps receiving output.
    if (s->modes[i] == 'a' && *s->input_fd >= 0 && !s->tty) {
      close(*s->input_fd);
      *s->input_fd = -1;
    }
    s->modes[i] = 'O';
    return;
  }
  size_t off = 0;
  if (s->modes[i] == 0) {
    s->modes[i] = buf[0];
    off = 1;
    if (buf[0] == 'R') {
      if (r >= 5 && s->tty_fd >= 0) {
        unsigned char *p = (unsigned char *)buf;
        struct winsize ws = {.ws_row = (unsigned short)(p[1] << 8 | p[2]), .ws_col = (unsigned short)(p[3] << 8 | p[4])};
        ioctl(s->tty_fd, TIOCSWINSZ, &ws);
      }
      drop(s, i);
      return;
    }
  }
  if (off < (size_t)r && *s->input_fd >= 0) {
    const char *p = buf + off;
    size_t n = (size_t)r - off;
    while (n > 0) {
      ssize_t w = write(*s->input_fd, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      p += w;
      n -= (size_t)w;
    }
  }
}

void attach_handle(struct attach_server *s, const struct pollfd *fds, int n) {
  if (n < 1) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS && i + 1 < n; i++)
    if (s->clients[i] >= 0 && fds[i + 1].revents) client_input(s, i);
  if (fds[0].revents & POLLIN) accept_client(s);
}

void attach_close(struct attach_server *s) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (s->clients[i] >= 0) drop(s, i);
  if (s->listen_fd >= 0) close(s->listen_fd);
  s->listen_fd = -1;
}
