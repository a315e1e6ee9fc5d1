/// Berth's default seccomp policy: the same policy as Docker's default profile (moby `profiles/seccomp/default.json`),
/// written out here rather than loaded. Everything not listed fails with EPERM.
extension SeccompProfile {
  /// Docker's default policy: EPERM for everything except the calls below; capability- and architecture-dependent
  /// groups are resolved by `resolvedRules`/`SeccompCompiler.compile` for the container's capabilities.
  public static func dockerDefault() -> SeccompProfile {
    SeccompProfile(
      defaultAction: .errno,
      defaultErrnoRet: DefaultSeccompPolicy.eperm,
      archMap: DefaultSeccompPolicy.archMap,
      syscalls: DefaultSeccompPolicy.rules)
  }
}

private enum DefaultSeccompPolicy {
  static let eperm: UInt32 = 1
  static let enosys: UInt32 = 38

  /// Native architecture → the ones its processes can also call into (compat syscall ABIs).
  static let archMap: [SeccompProfile.ArchMapEntry] = [
    .init(architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]),
    .init(architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"]),
    .init(architecture: "SCMP_ARCH_MIPS64", subArchitectures: ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"]),
    .init(architecture: "SCMP_ARCH_MIPS64N32", subArchitectures: ["SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"]),
    .init(architecture: "SCMP_ARCH_MIPSEL64", subArchitectures: ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"]),
    .init(architecture: "SCMP_ARCH_MIPSEL64N32", subArchitectures: ["SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"]),
    .init(architecture: "SCMP_ARCH_S390X", subArchitectures: ["SCMP_ARCH_S390"]),
    .init(architecture: "SCMP_ARCH_RISCV64"),
    .init(architecture: "SCMP_ARCH_LOONGARCH64"),
  ]

  /// Allowed in every container, whatever its capabilities and architecture (names a libseccomp does not know,
  /// or an architecture does not have, are skipped when compiling). One line per initial letter.
  static let alwaysAllowed = """
    accept accept4 access adjtimex alarm
    bind brk
    cachestat capget capset chdir chmod chown chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64
    clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range
    creat
    dup dup2 dup3
    epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd
    eventfd2 execve execveat exit exit_group
    faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown
    fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64
    fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv
    futex_wake futimesat
    get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid
    getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom
    getresgid getresgid32 getresuid getresuid32 getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday
    getuid getuid32 getxattr getxattrat
    inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel io_destroy io_getevents io_pgetevents
    io_pgetevents_time64 io_setup io_submit ioctl ioprio_get ioprio_set ipc
    kill
    landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat listen
    listmount listxattr listxattrat llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64
    madvise map_shadow_stack membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2
    mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
    mq_timedsend_time64 mq_unlink mremap mseal msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
    name_to_handle_at nanosleep newfstatat _newselect
    open openat openat2
    pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl
    pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2
    read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages
    removexattr removexattrat rename renameat renameat2 restart_syscall riscv_hwprobe rmdir rseq rt_sigaction
    rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
    rt_tgsigqueueinfo
    sched_get_priority_max sched_get_priority_min sched_getaffinity sched_getattr sched_getparam sched_getscheduler
    sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity sched_setattr sched_setparam
    sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop semtimedop_time64 send sendfile
    sendfile64 sendmmsg sendmsg sendto set_robust_list set_thread_area set_tid_address setfsgid setfsgid32 setfsuid
    setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid
    setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit setsid setsockopt setuid setuid32 setxattr
    setxattrat shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn socketcall
    socketpair splice stat stat64 statfs statfs64 statmount statx symlink symlinkat sync sync_file_range syncfs
    sysinfo
    tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
    timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill
    truncate truncate64
    ugetrlimit umask uname unlink unlinkat uretprobe utime utimensat utimensat_time64 utimes
    vfork vmsplice
    wait4 waitid waitpid write writev
    """

  /// clone flags that create namespaces: CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
  /// CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET (0x7E020000).
  static let cloneNamespaceFlags: UInt64 =
    0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000

  static var rules: [SeccompProfile.Syscall] {
    [
      allow(alwaysAllowed.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)),

      // Since 4.8 ptrace can no longer be used to bypass seccomp.
      allow(["process_vm_readv", "process_vm_writev", "ptrace"], minKernel: .init(4, 8)),

      // socket: every address family but AF_ALG (38) and AF_VSOCK (40).
      allow(["socket"], args: [.init(index: 0, value: 38, op: .lessThan)]),
      allow(["socket"], args: [.init(index: 0, value: 39, op: .equal)]),
      allow(["socket"], args: [.init(index: 0, value: 40, op: .greaterThan)]),

      // personality: PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, and the query 0xffffffff.
      allow(["personality"], args: [.init(index: 0, value: 0x0, op: .equal)]),
      allow(["personality"], args: [.init(index: 0, value: 0x8, op: .equal)]),
      allow(["personality"], args: [.init(index: 0, value: 0x2_0000, op: .equal)]),
      allow(["personality"], args: [.init(index: 0, value: 0x2_0008, op: .equal)]),
      allow(["personality"], args: [.init(index: 0, value: 0xffff_ffff, op: .equal)]),

      // Architecture-specific calls (Go architecture names).
      allow(["swapcontext", "sync_file_range2"], arches: ["ppc64le"]),
      allow(
        ["arm_fadvise64_64", "arm_sync_file_range", "breakpoint", "cacheflush", "set_tls", "sync_file_range2"],
        arches: ["arm", "arm64"]),
      allow(["arch_prctl"], arches: ["amd64", "x32"]),
      allow(["modify_ldt"], arches: ["amd64", "x32", "x86"]),
      allow(["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"], arches: ["s390", "s390x"]),
      allow(["riscv_flush_icache"], arches: ["riscv64"]),

      // Calls that need a capability the container may have been given.
      allow(["open_by_handle_at"], caps: ["CAP_DAC_READ_SEARCH"]),
      allow(
        [
          "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "lookup_dcookie",
          "lsm_get_self_attr", "lsm_list_modules", "lsm_set_self_attr", "mount", "mount_setattr", "move_mount",
          "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns",
          "syslog", "umount", "umount2", "unshare",
        ],
        caps: ["CAP_SYS_ADMIN"]),
      // Without CAP_SYS_ADMIN, clone only without namespace flags (flags are argument 0, argument 1 on s390).
      .init(
        names: ["clone"], action: .allow,
        args: [.init(index: 0, value: cloneNamespaceFlags, op: .maskedEqual)],
        excludes: .init(caps: ["CAP_SYS_ADMIN"], arches: ["s390", "s390x"])),
      .init(
        names: ["clone"], action: .allow,
        args: [.init(index: 1, value: cloneNamespaceFlags, op: .maskedEqual)],
        includes: .init(arches: ["s390", "s390x"]),
        excludes: .init(caps: ["CAP_SYS_ADMIN"]),
        comment: "s390 parameter ordering for clone is different"),
      // clone3 passes its flags in memory seccomp cannot inspect: ENOSYS makes libc fall back to clone.
      .init(names: ["clone3"], action: .errno, errnoRet: enosys, excludes: .init(caps: ["CAP_SYS_ADMIN"])),
      allow(["reboot"], caps: ["CAP_SYS_BOOT"]),
      allow(["chroot"], caps: ["CAP_SYS_CHROOT"]),
      allow(["delete_module", "finit_module", "init_module"], caps: ["CAP_SYS_MODULE"]),
      allow(["acct"], caps: ["CAP_SYS_PACCT"]),
      allow(
        ["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"],
        caps: ["CAP_SYS_PTRACE"]),
      allow(["ioperm", "iopl"], caps: ["CAP_SYS_RAWIO"]),
      allow(["clock_settime", "clock_settime64", "settimeofday", "stime"], caps: ["CAP_SYS_TIME"]),
      allow(["vhangup"], caps: ["CAP_SYS_TTY_CONFIG"]),
      allow(["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"], caps: ["CAP_SYS_NICE"]),
      allow(["syslog"], caps: ["CAP_SYSLOG"]),
      allow(["bpf"], caps: ["CAP_BPF"]),
      allow(["perf_event_open"], caps: ["CAP_PERFMON"]),
    ]
  }

  static func allow(
    _ names: [String],
    caps: [String]? = nil,
    arches: [String]? = nil,
    minKernel: SeccompProfile.KernelVersion? = nil,
    args: [SeccompProfile.Arg]? = nil
  ) -> SeccompProfile.Syscall {
    let conditional = caps != nil || arches != nil || minKernel != nil
    return .init(
      names: names, action: .allow, args: args,
      includes: conditional ? .init(caps: caps, arches: arches, minKernel: minKernel) : nil)
  }
}
