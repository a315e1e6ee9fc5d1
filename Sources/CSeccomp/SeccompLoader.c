// libseccomp's functions that berth calls, loaded on first use (see CLazyLoad.h): a start whose
// filter is already compiled in the exec root never needs it. Generated from seccomp.h; add a
// line per new function.

#include "CLazyLoad.h"

#include <stddef.h>
#include "CSeccomp.h"

static struct berth_lazy_library seccomp = {.soname = "libseccomp.so.2", .package = "libseccomp2"};
#define LAZY(name) BERTH_LAZY(seccomp, name)

int seccomp_arch_add(scmp_filter_ctx a0, uint32_t a1) { return LAZY(seccomp_arch_add)(a0, a1); }
uint32_t seccomp_arch_native(void) { return LAZY(seccomp_arch_native)(); }
int seccomp_arch_remove(scmp_filter_ctx a0, uint32_t a1) { return LAZY(seccomp_arch_remove)(a0, a1); }
uint32_t seccomp_arch_resolve_name(const char *a0) { return LAZY(seccomp_arch_resolve_name)(a0); }
int seccomp_attr_set(scmp_filter_ctx a0, enum scmp_filter_attr a1, uint32_t a2) { return LAZY(seccomp_attr_set)(a0, a1, a2); }
int seccomp_export_bpf(const scmp_filter_ctx a0, int a1) { return LAZY(seccomp_export_bpf)(a0, a1); }
scmp_filter_ctx seccomp_init(uint32_t a0) { return LAZY(seccomp_init)(a0); }
void seccomp_release(scmp_filter_ctx a0) { LAZY(seccomp_release)(a0); }
int seccomp_rule_add_array(scmp_filter_ctx a0, uint32_t a1, int a2, unsigned int a3, const struct scmp_arg_cmp *a4) { return LAZY(seccomp_rule_add_array)(a0, a1, a2, a3, a4); }
int seccomp_syscall_resolve_name(const char *a0) { return LAZY(seccomp_syscall_resolve_name)(a0); }
int seccomp_syscall_resolve_name_arch(uint32_t a0, const char *a1) { return LAZY(seccomp_syscall_resolve_name_arch)(a0, a1); }
