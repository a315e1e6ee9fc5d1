// The attach socket of berth-monitor: clients (`berth attach`, later the Engine API) get the
// container's output as it comes and may write its input.
//
// A client connects and sends one mode byte:
//   'A'  attach: output follows; bytes the client sends go to the container's stdin
//   'a'  as 'A', and the container's stdin is closed when this client shuts down its writing
//   'R'  then 2+2 bytes, rows and cols (big endian): resize the terminal, then close
// Output is raw with a terminal, otherwise framed as Docker's multiplexed stream: an 8-byte
// header {stream (1 stdout, 2 stderr), 0, 0, 0, size (4 bytes, big endian)} before each chunk.
// A client that shuts down its writing keeps receiving output. When the container exits the
// monitor closes every client.
// With BERTH_ATTACH_HOLD_MS in its environment (set by `berth __monitor --hold-for-attach`, for
// the Engine API's attach-before-start), the monitor reads no output until the first client has
// sent its mode byte or that many milliseconds have passed, so that client sees all of it.
#ifndef BERTH_MONITOR_ATTACH_H
#define BERTH_MONITOR_ATTACH_H

#include <poll.h>
#include <stddef.h>

enum { ATTACH_MAX_CLIENTS = 16 };

struct attach_server {
  int listen_fd;
  int tty;        ///< output is raw (pty) rather than framed
  int *input_fd;  ///< the container's stdin (pipe write end or pty master); -1 when closed
  int tty_fd;     ///< the pty master for resizes, or -1
  int clients[ATTACH_MAX_CLIENTS];
  char modes[ATTACH_MAX_CLIENTS];  ///< 0 until the mode byte arrives
};

/// Listens on path (replacing a stale socket). Returns 0 or -errno.
int attach_listen(struct attach_server *s, const char *path, int tty, int *input_fd, int tty_fd);

/// Sends a chunk of output of stream 1 (stdout) or 2 (stderr) to every attached client.
void attach_broadcast(struct attach_server *s, int stream, const char *buf, size_t n);

/// Adds the listening socket and the clients to fds; returns how many were added.
int attach_pollfds(struct attach_server *s, struct pollfd *fds);

/// Handles the events of the fds attach_pollfds added.
void attach_handle(struct attach_server *s, const struct pollfd *fds, int n);

/// Whether a client has sent its mode byte and receives output.
int attach_has_client(const struct attach_server *s);

/// Closes every client and the listening socket.
void attach_close(struct attach_server *s);

#endif
