// A socket made inside another process's network namespace, from a throwaway thread.
#define _GNU_SOURCE
#include "CBerthNetwork.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

struct netns_request {
  int ns_fd;
  int domain, type, protocol;
  const char *ifname;
  int ifindex;
  int result;
};

static void *netns_thread(void *arg) {
  struct netns_request *r = arg;
  if (setns(r->ns_fd, CLONE_NEWNET) < 0) {
    r->result = -errno;
    return NULL;
  }
  int fd = socket(r->domain, r->type | SOCK_CLOEXEC, r->protocol);
  if (fd < 0) {
    r->result = -errno;
    return NULL;
  }
  if (r->ifname) r->ifindex = (int)if_nametoindex(r->ifname);
  r->result = fd;
  return NULL;
}

int berth_socket_in_netns(pid_t pid, int domain, int type, int protocol, const char *ifname, int *ifindex) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
  int ns_fd = open(path, O_RDONLY | O_CLOEXEC);
  if (ns_fd < 0) return -errno;
  struct netns_request r = {ns_fd, domain, type, protocol, ifname, 0, -EINVAL};
  pthread_t thread;
  int err = pthread_create(&thread, NULL, netns_thread, &r);
  if (err != 0) {
    close(ns_fd);
    return -err;
  }
  pthread_join(thread, NULL);
  close(ns_fd);
  if (ifindex) *ifindex = r.ifindex;
  return r.result;
}
