// The cgroup v2 device allowlist: a BPF_PROG_TYPE_CGROUP_DEVICE program built from rules and
// attached to a cgroup directory (v2 has no devices.allow file; runc and crun do the same).
#ifndef CBERTH_DEVICES_H
#define CBERTH_DEVICES_H

/// One allow rule: type 'c', 'b' or 'a' (any); major/minor -1 for any; access a mask of
/// 1 (mknod), 2 (read), 4 (write), as the kernel's BPF_DEVCG_ACC_*.
struct berth_device_rule {
  char type;
  long long major;
  long long minor;
  unsigned int access;
};

/// Loads a program that allows exactly the given rules and denies every other device access, and
/// attaches it to the cgroup v2 directory open as cgroup_fd (BPF_F_ALLOW_MULTI). The program
/// stays attached until the cgroup is removed. Returns 0, or -1 with errno set.
int berth_attach_device_filter(int cgroup_fd, const struct berth_device_rule *rules, int count);

#endif
