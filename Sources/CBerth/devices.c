// The cgroup v2 device allowlist as a BPF program (see CBerthDevices.h).
#include "CBerthDevices.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define ALU_K(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define MOV_X(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define JNE_K(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JNE_X(d, s, o) INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

// Registers: r2 device type, r3 requested access, r4 major, r5 minor, r1 scratch.
static int emit_rule(struct bpf_insn *out, const struct berth_device_rule *r) {
  struct bpf_insn block[12];
  int n = 0;
  // Each check jumps to the next rule; offsets are patched once the block's length is known.
  int jumps[4], j = 0;
  if (r->type == 'c' || r->type == 'b') {
    jumps[j++] = n;
    block[n++] = JNE_K(2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK, 0);
  }
  if ((r->access & 7) != 7) {  // the requested access must be within the allowed one
    block[n++] = MOV_X(1, 3);
    block[n++] = ALU_K(BPF_AND, 1, (int)(r->access & 7));
    jumps[j++] = n;
    block[n++] = JNE_X(1, 3, 0);
  }
  if (r->major >= 0) {
    jumps[j++] = n;
    block[n++] = JNE_K(4, (int)r->major, 0);
  }
  if (r->minor >= 0) {
    jumps[j++] = n;
    block[n++] = JNE_K(5, (int)r->minor, 0);
  }
  block[n++] = ALU_K(BPF_MOV, 0, 1);
  block[n++] = EXIT();
  for (int k = 0; k < j; k++) block[jumps[k]].off = (short)(n - jumps[k] - 1);
  memcpy(out, block, sizeof(struct bpf_insn) * n);
  return n;
}

int berth_attach_device_filter(int cgroup_fd, const struct berth_device_rule *rules, int count) {
  struct bpf_insn *prog = calloc((size_t)count * 12 + 16, sizeof *prog);
  if (!prog) return -1;
  int n = 0;
  prog[n++] = LDX_W(2, 1, 0);  // access_type
  prog[n++] = ALU_K(BPF_AND, 2, 0xffff);
  prog[n++] = LDX_W(3, 1, 0);
  prog[n++] = ALU_K(BPF_RSH, 3, 16);
  prog[n++] = LDX_W(4, 1, 4);  // major
  prog[n++] = LDX_W(5, 1, 8);  // minor
  for (int i = 0; i < count; i++) n += emit_rule(prog + n, &rules[i]);
  prog[n++] = ALU_K(BPF_MOV, 0, 0);  // nothing matched: deny
  prog[n++] = EXIT();

  union bpf_attr load;
  memset(&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (unsigned long long)(unsigned long)prog;
  load.insn_cnt = (unsigned int)n;
  load.license = (unsigned long long)(unsigned long)"Apache";
  int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  int e = errno;
  free(prog);
  if (fd < 0) {
    errno = e;
    return -1;
  }
  union bpf_attr attach;
  memset(&attach, 0, sizeof attach);
  attach.target_fd = (unsigned int)cgroup_fd;
  attach.attach_bpf_fd = (unsigned int)fd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  int r = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach);
  e = errno;
  close(fd);
  errno = e;
  return r;
}
