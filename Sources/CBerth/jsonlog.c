#include "CBerthLog.h"

#include <poll.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int jsonlog_open(struct jsonlog *log, const char *path, long long max_size, int max_files) {
  log->path = path;
  log->max_size = max_size;
  log->max_files = max_files < 1 ? 1 : max_files;
  log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log->fd < 0) return -errno;
  struct stat st;
  log->size = fstat(log->fd, &st) == 0 ? st.st_size : 0;
  return 0;
}

/// Moves <path> to <path>.1, shifting older files up, or truncates it when only one file is kept.
static void rotate(struct jsonlog *log) {
  if (log->max_files == 1) {
    if (ftruncate(log->fd, 0) == 0) log->size = 0;
    return;
  }
  char from[4096], to[4096];
  for (int i = log->max_files - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", log->path);
    else snprintf(from, sizeof from, "%s.%d", log->path, i - 1);
    snprintf(to, sizeof to, "%s.%d", log->path, i);
    rename(from, to);
  }
  int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return;  // keep writing to the rotated file rather than lose lines
  close(log->fd);
  log->fd = fd;
  log->size = 0;
}

/// Length of a valid UTF-8 sequence at p (at most n bytes), or 0 when it is not valid.
static size_t utf8_length(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t len;
  unsigned int min;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) { len = 2; min = 0x80; }
  else if ((c & 0xf0) == 0xe0) { len = 3; min = 0x800; }
  else if ((c & 0xf8) == 0xf0) { len = 4; min = 0x10000; }
  else return 0;
  if (len > n) return 0;
  unsigned int cp = c & (0x7f >> len);
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

/// Appends s as a JSON string body (escaped as Go's encoding/json does; invalid UTF-8 → U+FFFD).
static size_t escape(char *out, const unsigned char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\') { out[o++] = '\\'; out[o++] = (char)c; i++; continue; }
    if (c == '\n') { out[o++] = '\\'; out[o++] = 'n'; i++; continue; }
    if (c == '\r') { out[o++] = '\\'; out[o++] = 'r'; i++; continue; }
    if (c == '\t') { out[o++] = '\\'; out[o++] = 't'; i++; continue; }
    if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      memcpy(out + o, "\\u00", 4);
      o += 4;
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
      i++;
      continue;
    }
    size_t len = utf8_length(s + i, n - i);
    if (len == 0) {
      memcpy(out + o, "\\ufffd", 6);
      o += 6;
      i++;
      continue;
    }
    memcpy(out + o, s + i, len);
    o += len;
    i += len;
  }
  return o;
}

void jsonlog_write(struct jsonlog *log, const char *stream, const char *bytes, size_t n) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char when[64];
  snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  // Worst case 6 bytes per input byte, plus the fixed parts.
  size_t cap = n * 6 + 128;
  char stackbuf[16384];
  char *line = cap <= sizeof stackbuf ? stackbuf : malloc(cap);
  if (!line) return;
  size_t o = 0;
  memcpy(line, "{\"log\":\"", 8);
  o = 8;
  o += escape(line + o, (const unsigned char *)bytes, n);
  o += (size_t)snprintf(line + o, cap - o, "\",\"stream\":\"%s\",\"time\":\"%s\"}\n", stream, when);
  if (log->max_size > 0 && log->size > 0 && log->size + (long long)o > log->max_size) rotate(log);
  size_t done = 0;
  while (done < o) {
    ssize_t w = write(log->fd, line + done, o - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t)w;
  }
  log->size += (long long)done;
  if (line != stackbuf) free(line);
}

void jsonlog_consume(struct jsonlog *log, struct jsonlog_stream *s, const char *bytes, size_t n) {
  for (size_t i = 0; i < n; i++) {
    s->pending[s->used++] = bytes[i];
    if (bytes[i] == '\n' || s->used == JSONLOG_LINE_MAX) {
      jsonlog_write(log, s->name, s->pending, s->used);
      s->used = 0;
    }
  }
}

void jsonlog_flush(struct jsonlog *log, struct jsonlog_stream *s) {
  if (s->used > 0) jsonlog_write(log, s->name, s->pending, s->used);
  s->used = 0;
}

static void copy_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

int jsonlog_relay(int out_pipe, int err_pipe, int out_fd, int err_fd, const char *path, long long max_size,
                  int max_files) {
  struct jsonlog log = {.fd = -1};
  int result = path ? jsonlog_open(&log, path, max_size, max_files) : 0;
  static struct jsonlog_stream streams[2];
  streams[0] = (struct jsonlog_stream){.name = "stdout"};
  streams[1] = (struct jsonlog_stream){.name = "stderr"};
  int pipes[2] = {out_pipe, err_pipe}, outs[2] = {out_fd, err_fd};
  while (pipes[0] >= 0 || pipes[1] >= 0) {
    struct pollfd fds[2] = {{pipes[0], POLLIN, 0}, {pipes[1], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (pipes[i] < 0 || !fds[i].revents) continue;
      char buf[32768];
      ssize_t r = read(pipes[i], buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (log.fd >= 0) jsonlog_flush(&log, &streams[i]);
        close(pipes[i]);
        pipes[i] = -1;
        continue;
      }
      copy_all(outs[i], buf, (size_t)r);
      if (log.fd >= 0) jsonlog_consume(&log, &streams[i], buf, (size_t)r);
    }
  }
  if (log.fd >= 0) close(log.fd);
  return result;
}
