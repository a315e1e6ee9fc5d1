#ifndef CBERTH_NETWORK_H
#define CBERTH_NETWORK_H

#include <sys/types.h>

/// Opens a socket (domain, type, protocol) inside the network namespace of process pid.
///
/// Swift threads must never change namespace, so a fresh pthread enters the namespace
/// (setns(CLONE_NEWNET)), makes the socket, looks up ifname's index there (when ifname is not
/// NULL and ifindex is not NULL) and exits. A socket keeps the namespace it was made in, so the
/// caller then talks netlink to the container's namespace from any thread.
///
/// Returns the socket (close-on-exec) or -errno.
int berth_socket_in_netns(pid_t pid, int domain, int type, int protocol, const char *ifname, int *ifindex);

#endif
