// The json-file log writer (berth-monitor, and foreground `run`): Docker's format, one JSON object per line,
//   {"log":"hello\n","stream":"stdout","time":"2026-11-29T23:01:02.123456789Z"}
// rotated by size into <path>.1 … <path>.<max_files-1> (".1" is the newest rotated file).
#ifndef CBERTH_LOG_H
#define CBERTH_LOG_H

#include <stddef.h>

/// An open log.
struct jsonlog {
  const char *path;
  long long max_size;  ///< rotate when a write would pass this many bytes; 0 = never
  int max_files;       ///< files kept, the current one included (>= 1)
  int fd;
  long long size;
};

/// Opens (appends to) the log at path. Returns 0 or -errno.
int jsonlog_open(struct jsonlog *log, const char *path, long long max_size, int max_files);

/// Writes one message (a line with its newline, or a partial line) of stream "stdout"/"stderr".
void jsonlog_write(struct jsonlog *log, const char *stream, const char *bytes, size_t n);

enum { JSONLOG_LINE_MAX = 16 * 1024 };

/// One output stream's unfinished line.
struct jsonlog_stream {
  const char *name;  ///< "stdout" or "stderr"
  char pending[JSONLOG_LINE_MAX];
  size_t used;
};

/// Logs every complete line of bytes read from a stream, keeping an unfinished one (up to
/// 16 KiB, then written as a partial message, as Docker).
void jsonlog_consume(struct jsonlog *log, struct jsonlog_stream *s, const char *bytes, size_t n);

/// Writes the unfinished line, if any (at the stream's end).
void jsonlog_flush(struct jsonlog *log, struct jsonlog_stream *s);

/// Copies a foreground container's stdout and stderr pipes to out_fd and err_fd and to the
/// json-file log at path (no log when path is NULL) until both pipes end. Returns 0 or -errno
/// when the log cannot be opened (the copy still happens).
int jsonlog_relay(int out_pipe, int err_pipe, int out_fd, int err_fd, const char *path, long long max_size,
                  int max_files);

#endif
