// The json-file log writer of berth-monitor: Docker's format, one JSON object per line,
//   {"log":"hello\n","stream":"stdout","time":"2026-11-29T23:01:02.123456789Z"}
// rotated by size into <path>.1 … <path>.<max_files-1> (".1" is the newest rotated file).
#ifndef BERTH_MONITOR_JSONLOG_H
#define BERTH_MONITOR_JSONLOG_H

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

#endif
