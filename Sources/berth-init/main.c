// berth-init: the tiny init of `run --init`, bind-mounted read-only at /sbin/docker-init and
// run as the container's PID 1 (the role of Docker's docker-init/tini):
//
//   /sbin/docker-init -- COMMAND [ARG…]
//
// It starts COMMAND as its child, forwards every signal it gets to it (so an app that ignores
// SIGTERM as PID 1 still dies of the default action: `stop` takes milliseconds, not the
// timeout), reaps every orphan that the kernel reparents to it, and exits with COMMAND's exit
// code (128 + N when a signal killed it).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int first = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
  if (first >= argc) {
    fprintf(stderr, "usage: docker-init -- COMMAND [ARG...]\n");
    return 1;
  }
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &all, NULL);
  pid_t child = fork();
  if (child < 0) {
    perror("docker-init: fork");
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[first], argv + first);
    int e = errno;
    fprintf(stderr, "docker-init: exec %s: %s\n", argv[first], strerror(e));
    _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
  }
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      kill(child, sig);
      continue;
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid != child) continue;
      int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      while (waitpid(-1, NULL, WNOHANG) > 0) {}
      return code;
    }
  }
}
