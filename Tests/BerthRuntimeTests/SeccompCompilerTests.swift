import Foundation
import Testing

#if canImport(BerthSeccomp)
import BerthSeccomp
#else
import BerthRuntime
#endif

/// One `struct sock_filter`.
struct SeccompTestInstruction: Equatable {
  var code: UInt16
  var jt: UInt8
  var jf: UInt8
  var k: UInt32

  /// Little-endian, as on the hosts Berth runs on.
  static func decode(_ bytes: [UInt8]) -> [SeccompTestInstruction] {
    stride(from: 0, to: bytes.count, by: 8).map { offset in
      func u16(_ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
      func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
      return SeccompTestInstruction(code: u16(offset), jt: bytes[offset + 2], jf: bytes[offset + 3], k: u32(offset + 4))
    }
  }

  static let loadAbsolute: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
  static let returnConstant: UInt16 = 0x06  // BPF_RET | BPF_K
  static let jumpEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
}

/// What the kernel hands a seccomp filter (`struct seccomp_data`), and a classic-BPF interpreter for the
/// instructions libseccomp and the ENOSYS stub use, to check verdicts without loading the filter.
struct SeccompTestData {
  var arch: UInt32
  var nr: UInt32
  var args: [UInt64] = [0, 0, 0, 0, 0, 0]

  func word(at offset: UInt32) -> UInt32? {
    switch offset {
    case 0: return nr
    case 4: return arch
    case 8, 12: return 0  // instruction pointer
    case 16..<64 where offset % 4 == 0:
      let arg = args[Int(offset - 16) / 8]
      return offset % 8 == 0 ? UInt32(truncatingIfNeeded: arg) : UInt32(truncatingIfNeeded: arg >> 32)
    default: return nil
    }
  }

  /// The filter's return value, or nil for an instruction the interpreter does not know or a bad program.
  func verdict(of program: [SeccompTestInstruction]) -> UInt32? {
    var (a, x, pc) = (UInt32(0), UInt32(0), 0)
    var memory = [UInt32](repeating: 0, count: 16)
    while pc < program.count {
      let insn = program[pc]
      pc += 1
      func branch(_ taken: Bool) { pc += Int(taken ? insn.jt : insn.jf) }
      switch insn.code {
      case 0x20:  // ld [k]
        guard let value = word(at: insn.k) else { return nil }
        a = value
      case 0x00: a = insn.k  // ld #k
      case 0x60: a = memory[Int(insn.k)]  // ld M[k]
      case 0x61: x = memory[Int(insn.k)]  // ldx M[k]
      case 0x02: memory[Int(insn.k)] = a  // st M[k]
      case 0x03: memory[Int(insn.k)] = x  // stx M[k]
      case 0x54: a &= insn.k  // and #k
      case 0x05: pc += Int(insn.k)  // ja
      case 0x15: branch(a == insn.k)  // jeq
      case 0x25: branch(a > insn.k)  // jgt
      case 0x35: branch(a >= insn.k)  // jge
      case 0x45: branch(a & insn.k != 0)  // jset
      case 0x06: return insn.k  // ret #k
      case 0x16: return a  // ret a
      default: return nil
      }
    }
    return nil
  }
}

enum SeccompVerdict {
  static let allow: UInt32 = 0x7fff_0000
  static let eperm: UInt32 = 0x0005_0001
  static let enosys: UInt32 = 0x0005_0026
  static let killThread: UInt32 = 0
}

enum SeccompAuditArch {
  static let amd64: UInt32 = 0xC000_003E
  static let i386: UInt32 = 0x4000_0003
  static let aarch64: UInt32 = 0xC000_00B7
}

@Suite struct SeccompCompilerTests {
  static let kernel = SeccompProfile.KernelVersion(6, 1)

  static let small = SeccompProfile(
    defaultAction: .allow,
    syscalls: [
      .init(names: ["mkdir", "mkdirat"], action: .errno, errnoRet: 13),
      .init(
        names: ["personality"], action: .errno, errnoRet: 95,
        args: [.init(index: 0, value: 0xffff_ffff, op: .notEqual)]),
      .init(names: ["getppid"], action: .killProcess),
      // Two conditions on one argument: added as separate rules (OR), as runc does.
      .init(
        names: ["getpgid"], action: .errno, errnoRet: 22,
        args: [.init(index: 0, value: 12345, op: .equal), .init(index: 0, value: 54321, op: .equal)]),
      .init(names: ["not_a_real_syscall", "getpid"], action: .allow),  // same as default: skipped
      .init(names: ["uname"], action: .trap, includes: .init(caps: ["CAP_SYS_ADMIN"])),  // not applied without it
      .init(names: ["umask"], action: .log),
    ])

  @Test("Docker's default compiles for every capability set, with the arch checks first")
  func compilesDefault() throws {
    for (label, caps) in SeccompCapabilitySets.named {
      let program = try SeccompCompiler.compile(.dockerDefault(), capabilities: caps, kernel: Self.kernel)
      #expect(!program.isEmpty && program.count % 8 == 0, "\(label)")
      #expect(program.count / 8 <= SeccompCompiler.maxInstructions, "\(label)")
      let instructions = SeccompTestInstruction.decode(program)
      #expect(
        instructions.first == SeccompTestInstruction(code: SeccompTestInstruction.loadAbsolute, jt: 0, jf: 0, k: 4),
        "\(label)")
      let returns = Set(instructions.filter { $0.code == SeccompTestInstruction.returnConstant }.map(\.k))
      #expect(returns.contains(0x0005_0001), "EPERM default, \(label)")
      #expect(returns.contains(0x7fff_0000), "allow, \(label)")
      #expect(returns.contains(0x0005_0026), "ENOSYS stub, \(label)")
      let arches = Set(instructions.filter { $0.code == SeccompTestInstruction.jumpEqual }.map(\.k))
      #if arch(x86_64)
      #expect(arches.isSuperset(of: [SeccompAuditArch.amd64, SeccompAuditArch.i386]), "\(label)")
      #endif
    }
  }

  @Test(
    "Berth's default compiles to the same program as Docker's file",
    .enabled(if: DockerSeccompReference.isPresent, "shared/reference/docker-seccomp-default.json is absent"))
  func sameProgramAsDocker() throws {
    let docker = try DockerSeccompReference.load()
    for (label, caps) in SeccompCapabilitySets.named {
      let ours = try SeccompCompiler.compile(.dockerDefault(), capabilities: caps, kernel: Self.kernel)
      let theirs = try SeccompCompiler.compile(docker, capabilities: caps, kernel: Self.kernel)
      #expect(ours == theirs, "\(label)")
    }
  }

  @Test("A small custom profile compiles")
  func compilesSmall() throws {
    let program = try SeccompCompiler.compile(Self.small, capabilities: [], kernel: Self.kernel)
    #expect(!program.isEmpty && program.count % 8 == 0)
    let returns = Set(
      SeccompTestInstruction.decode(program).filter { $0.code == SeccompTestInstruction.returnConstant }.map(\.k))
    #expect(returns.isSuperset(of: [0x0005_000D, 0x0005_005F, 0x8000_0000, 0x7ffc_0000, 0x7fff_0000]))
    #expect(!returns.contains(0x0003_0000))  // the CAP_SYS_ADMIN-only TRAP rule
    let withAdmin = try SeccompCompiler.compile(Self.small, capabilities: ["CAP_SYS_ADMIN"], kernel: Self.kernel)
    #expect(
      SeccompTestInstruction.decode(withAdmin).contains {
        $0.code == SeccompTestInstruction.returnConstant && $0.k == 0x0003_0000
      })
  }

  @Test("Compiling for another architecture checks that architecture")
  func crossArchitecture() throws {
    let program = try SeccompCompiler.compile(
      .dockerDefault(), capabilities: SeccompCapabilitySets.dockerDefault, architecture: .arm64, kernel: Self.kernel)
    let arches = Set(
      SeccompTestInstruction.decode(program).filter { $0.code == SeccompTestInstruction.jumpEqual }.map(\.k))
    #expect(arches.contains(SeccompAuditArch.aarch64))
    #if arch(x86_64)
    #expect(!arches.contains(SeccompAuditArch.amd64))
    #endif
  }

  #if arch(x86_64)
  @Test("Verdicts of Docker's default for x86_64, i386 and x32 calls")
  func verdicts() throws {
    let amd64 = SeccompAuditArch.amd64
    let i386 = SeccompAuditArch.i386
    let x32 = UInt32(0x4000_0000)
    let newNamespace: UInt64 = 0x0002_0000  // CLONE_NEWNS
    let program = SeccompTestInstruction.decode(
      try SeccompCompiler.compile(
        .dockerDefault(), capabilities: SeccompCapabilitySets.dockerDefault, kernel: Self.kernel))
    let cases: [(String, SeccompTestData, UInt32)] = [
      ("getpid", .init(arch: amd64, nr: 39), SeccompVerdict.allow),
      ("mount", .init(arch: amd64, nr: 165), SeccompVerdict.eperm),
      ("clone(SIGCHLD)", .init(arch: amd64, nr: 56, args: [17, 0, 0, 0, 0, 0]), SeccompVerdict.allow),
      ("clone(CLONE_NEWNS)", .init(arch: amd64, nr: 56, args: [newNamespace, 0, 0, 0, 0, 0]), SeccompVerdict.eperm),
      ("clone3", .init(arch: amd64, nr: 435), SeccompVerdict.enosys),
      ("socket(AF_INET)", .init(arch: amd64, nr: 41, args: [2, 1, 0, 0, 0, 0]), SeccompVerdict.allow),
      ("socket(AF_ALG)", .init(arch: amd64, nr: 41, args: [38, 1, 0, 0, 0, 0]), SeccompVerdict.eperm),
      ("socket(AF_NFC)", .init(arch: amd64, nr: 41, args: [39, 1, 0, 0, 0, 0]), SeccompVerdict.allow),
      ("socket(AF_VSOCK)", .init(arch: amd64, nr: 41, args: [40, 1, 0, 0, 0, 0]), SeccompVerdict.eperm),
      ("socket(AF_XDP)", .init(arch: amd64, nr: 41, args: [44, 1, 0, 0, 0, 0]), SeccompVerdict.allow),
      ("personality(PER_LINUX32)", .init(arch: amd64, nr: 135, args: [8, 0, 0, 0, 0, 0]), SeccompVerdict.allow),
      (
        "personality(ADDR_NO_RANDOMIZE)", .init(arch: amd64, nr: 135, args: [0x40000, 0, 0, 0, 0, 0]),
        SeccompVerdict.eperm
      ),
      ("arch_prctl", .init(arch: amd64, nr: 158), SeccompVerdict.allow),
      ("chroot (CAP_SYS_CHROOT)", .init(arch: amd64, nr: 161), SeccompVerdict.allow),
      ("ptrace (kernel >= 4.8)", .init(arch: amd64, nr: 101), SeccompVerdict.allow),
      ("iopl", .init(arch: amd64, nr: 172), SeccompVerdict.eperm),
      ("syscall 1000", .init(arch: amd64, nr: 1000), SeccompVerdict.enosys),
      ("i386 getpid", .init(arch: i386, nr: 20), SeccompVerdict.allow),
      ("i386 chown32", .init(arch: i386, nr: 212), SeccompVerdict.allow),
      ("i386 socketcall", .init(arch: i386, nr: 102), SeccompVerdict.allow),
      ("i386 mount", .init(arch: i386, nr: 21), SeccompVerdict.eperm),
      ("i386 syscall 1000", .init(arch: i386, nr: 1000), SeccompVerdict.enosys),
      ("x32 getpid", .init(arch: amd64, nr: x32 | 39), SeccompVerdict.allow),
      ("x32 mount", .init(arch: amd64, nr: x32 | 165), SeccompVerdict.eperm),
      ("x32 syscall 1000", .init(arch: amd64, nr: x32 | 1000), SeccompVerdict.enosys),
      ("aarch64 (not in the filter)", .init(arch: SeccompAuditArch.aarch64, nr: 172), SeccompVerdict.killThread),
    ]
    for (label, data, expected) in cases {
      #expect(data.verdict(of: program) == expected, "\(label)")
    }

    let admin = SeccompTestInstruction.decode(
      try SeccompCompiler.compile(.dockerDefault(), capabilities: ["CAP_SYS_ADMIN"], kernel: Self.kernel))
    #expect(SeccompTestData(arch: amd64, nr: 165).verdict(of: admin) == SeccompVerdict.allow)
    #expect(
      SeccompTestData(arch: amd64, nr: 56, args: [newNamespace, 0, 0, 0, 0, 0]).verdict(of: admin)
        == SeccompVerdict.allow)
    #expect(SeccompTestData(arch: amd64, nr: 435).verdict(of: admin) == SeccompVerdict.allow)
    #expect(SeccompTestData(arch: amd64, nr: 161).verdict(of: admin) == SeccompVerdict.eperm)  // no CAP_SYS_CHROOT

    let oldKernel = SeccompTestInstruction.decode(
      try SeccompCompiler.compile(.dockerDefault(), capabilities: [], kernel: .init(4, 4)))
    #expect(SeccompTestData(arch: amd64, nr: 101).verdict(of: oldKernel) == SeccompVerdict.eperm)
  }
  #endif

  @Test("Cross-compiled for arm64: aarch64 and arm calls, ENOSYS above the highest known syscall")
  func arm64Verdicts() throws {
    let aarch64 = SeccompAuditArch.aarch64
    let arm: UInt32 = 0x4000_0028
    let program = SeccompTestInstruction.decode(
      try SeccompCompiler.compile(.dockerDefault(), capabilities: [], architecture: .arm64, kernel: Self.kernel))
    #expect(SeccompTestData(arch: aarch64, nr: 172).verdict(of: program) == SeccompVerdict.allow)  // getpid
    #expect(
      SeccompTestData(arch: aarch64, nr: 220, args: [17, 0, 0, 0, 0, 0]).verdict(of: program) == SeccompVerdict.allow)
    #expect(
      SeccompTestData(arch: aarch64, nr: 220, args: [0x2_0000, 0, 0, 0, 0, 0]).verdict(of: program)
        == SeccompVerdict.eperm)
    #expect(SeccompTestData(arch: aarch64, nr: 40).verdict(of: program) == SeccompVerdict.eperm)  // mount
    #expect(SeccompTestData(arch: aarch64, nr: 1000).verdict(of: program) == SeccompVerdict.enosys)
    #expect(SeccompTestData(arch: arm, nr: 20).verdict(of: program) == SeccompVerdict.allow)  // arm getpid
    #expect(SeccompTestData(arch: arm, nr: 0x0f_0002).verdict(of: program) == SeccompVerdict.allow)  // ARM_cacheflush
    #expect(SeccompTestData(arch: SeccompAuditArch.amd64, nr: 39).verdict(of: program) == SeccompVerdict.killThread)
  }

  @Test("No ENOSYS stub when the default action allows, or already is ENOSYS, or no architecture is listed")
  func stubOnlyWhenDenying() throws {
    let listed = ["SCMP_ARCH_X86_64"]
    // The stub loads the architecture once more before libseccomp's program does.
    func startsWithStub(_ profile: SeccompProfile) throws -> Bool {
      let program = SeccompTestInstruction.decode(
        try SeccompCompiler.compile(profile, capabilities: [], kernel: Self.kernel))
      let loadArch = SeccompTestInstruction(code: SeccompTestInstruction.loadAbsolute, jt: 0, jf: 0, k: 4)
      return program.filter { $0 == loadArch }.count == 2
    }
    let rules: [SeccompProfile.Syscall] = [.init(names: ["getpid", "write"], action: .allow)]
    #expect(try startsWithStub(.init(defaultAction: .errno, architectures: listed, syscalls: rules)))
    #expect(try startsWithStub(.init(defaultAction: .killProcess, architectures: listed, syscalls: rules)))
    #expect(
      try !startsWithStub(.init(defaultAction: .errno, defaultErrnoRet: 38, architectures: listed, syscalls: rules)))
    #expect(try !startsWithStub(.init(defaultAction: .log, architectures: listed, syscalls: [])))
    #expect(try !startsWithStub(.init(defaultAction: .errno, syscalls: rules)))
    // The highest named syscall on x86_64 here is getpid (39): write (1) is allowed, 40 and up get ENOSYS.
    let program = SeccompTestInstruction.decode(
      try SeccompCompiler.compile(
        .init(defaultAction: .errno, architectures: listed, syscalls: rules), capabilities: [], kernel: Self.kernel))
    #expect(SeccompTestData(arch: SeccompAuditArch.amd64, nr: 1).verdict(of: program) == SeccompVerdict.allow)
    #expect(SeccompTestData(arch: SeccompAuditArch.amd64, nr: 2).verdict(of: program) == SeccompVerdict.eperm)
    #expect(SeccompTestData(arch: SeccompAuditArch.amd64, nr: 40).verdict(of: program) == SeccompVerdict.enosys)
  }

  @Test(
    "Profiles libseccomp cannot compile fail with a clear error",
    arguments: [
      (
        SeccompProfile(defaultAction: .errno, syscalls: [.init(names: ["getpid"], action: .notify)]),
        "SCMP_ACT_NOTIFY is not supported"
      ),
      (SeccompProfile(defaultAction: .notify, syscalls: []), "SCMP_ACT_NOTIFY is not supported"),
      (
        SeccompProfile(
          defaultAction: .errno,
          syscalls: [.init(names: ["getpid"], action: .allow, args: [.init(index: 9, value: 0, op: .equal)])]),
        "args[0].index: 9 is out of range"
      ),
      (SeccompProfile(defaultAction: .errno, architectures: ["SCMP_ARCH_VAX"], syscalls: []), "SCMP_ARCH_VAX"),
      (SeccompProfile(defaultAction: .errno, architectures: ["x86_64"], syscalls: []), "unknown architecture"),
      (
        SeccompProfile(defaultAction: .errno, architectures: ["SCMP_ARCH_LOONGARCH64"], syscalls: []),
        "not supported by this libseccomp"
      ),
      (
        SeccompProfile(defaultAction: .errno, syscalls: [.init(names: ["getpid"], action: .errno, errnoRet: 70000)]),
        "syscalls[0].errnoRet: 70000 is out of range"
      ),
    ])
  func badProfiles(profile: SeccompProfile, expected: String) throws {
    let error = try #require(throws: SeccompError.self) {
      try SeccompCompiler.compile(profile, capabilities: [], kernel: Self.kernel)
    }
    #expect(error.description.contains(expected), "\(error.description)")
  }

  #if _endian(little)
  @Test("Compiling for a big-endian architecture on a little-endian host is refused")
  func otherByteOrder() throws {
    let error = try #require(throws: SeccompError.self) {
      try SeccompCompiler.compile(.dockerDefault(), capabilities: [], architecture: .s390x, kernel: Self.kernel)
    }
    #expect(error.description.contains("other byte order"))
  }
  #endif

  // MARK: In the kernel

  @Test(
    "Docker's default, installed in a child process, allows and denies as Docker does",
    .enabled(if: SeccompProbe.compiler != nil, "no C compiler (cc, gcc or clang) to build the probe"))
  func defaultInKernel() throws {
    let probes = [
      "getpid", "socket_unix", "socket_alg", "socket_vsock", "personality_query", "personality_norandom",
      "unshare_none",
      "clone3_null", "chroot_missing", "unknown_syscall",
    ]
    let plain = try SeccompProbe.run(
      try SeccompCompiler.compile(.dockerDefault(), capabilities: SeccompCapabilitySets.dockerDefault), probes: probes)
    #expect(plain.signal == nil)
    #expect(
      plain.results == [
        "getpid": 0, "socket_unix": 0, "socket_alg": EPERM, "socket_vsock": EPERM, "personality_query": 0,
        "personality_norandom": EPERM, "unshare_none": EPERM, "clone3_null": ENOSYS, "chroot_missing": ENOENT,
        "unknown_syscall": ENOSYS,
      ])

    let admin = try SeccompProbe.run(
      try SeccompCompiler.compile(.dockerDefault(), capabilities: ["CAP_SYS_ADMIN"]), probes: probes)
    #expect(
      admin.results == [
        "getpid": 0, "socket_unix": 0, "socket_alg": EPERM, "socket_vsock": EPERM, "personality_query": 0,
        "personality_norandom": EPERM, "unshare_none": 0, "clone3_null": EINVAL, "chroot_missing": EPERM,
        "unknown_syscall": ENOSYS,
      ])
  }

  @Test(
    "A custom profile's errno, argument and kill rules hold in the kernel",
    .enabled(if: SeccompProbe.compiler != nil, "no C compiler (cc, gcc or clang) to build the probe"))
  func customInKernel() throws {
    let program = try SeccompCompiler.compile(Self.small, capabilities: [], kernel: Self.kernel)
    let result = try SeccompProbe.run(
      program,
      probes: [
        "getpid", "mkdirat", "personality_query", "personality_norandom", "getpgid_12345", "getpgid_54321",
        "getpgid_self", "unknown_syscall",
      ])
    #expect(
      result.results == [
        "getpid": 0, "mkdirat": EACCES, "personality_query": 0, "personality_norandom": 95, "getpgid_12345": EINVAL,
        "getpgid_54321": EINVAL, "getpgid_self": 0, "unknown_syscall": ENOSYS,
      ])
    let killed = try SeccompProbe.run(program, probes: ["getpid", "getppid", "getpid"])
    #expect(killed.results == ["getpid": 0])
    #expect(killed.signal == SIGSYS)
  }
}

/// A small C program, built once per test run, that installs a BPF program with
/// `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER)` (as Berth's init does) and reports the errno of each probe.
enum SeccompProbe {
  static let source = #"""
    #define _GNU_SOURCE
    #include <errno.h>
    #include <fcntl.h>
    #include <linux/filter.h>
    #include <linux/seccomp.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <sys/prctl.h>
    #include <sys/socket.h>
    #include <sys/syscall.h>
    #include <unistd.h>

    static long probe(const char *name) {
      if (!strcmp(name, "getpid")) return syscall(SYS_getpid);
      if (!strcmp(name, "getppid")) return syscall(SYS_getppid);
      if (!strcmp(name, "getpgid_12345")) return syscall(SYS_getpgid, 12345);
      if (!strcmp(name, "getpgid_54321")) return syscall(SYS_getpgid, 54321);
      if (!strcmp(name, "getpgid_self")) return syscall(SYS_getpgid, 0);
      if (!strcmp(name, "socket_unix")) return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
      if (!strcmp(name, "socket_alg")) return syscall(SYS_socket, 38, SOCK_SEQPACKET, 0);
      if (!strcmp(name, "socket_vsock")) return syscall(SYS_socket, 40, SOCK_STREAM, 0);
      if (!strcmp(name, "personality_query")) return syscall(SYS_personality, 0xffffffffUL);
      if (!strcmp(name, "personality_norandom")) return syscall(SYS_personality, 0x0040000UL);
      if (!strcmp(name, "unshare_none")) return syscall(SYS_unshare, 0);
      if (!strcmp(name, "clone3_null")) return syscall(SYS_clone3, NULL, 0);
      if (!strcmp(name, "chroot_missing")) return syscall(SYS_chroot, "/nonexistent-berth-probe");
      if (!strcmp(name, "mkdirat")) return syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-berth-probe/x", 0700);
      if (!strcmp(name, "unknown_syscall")) return syscall(1000);
      fprintf(stderr, "unknown probe %s\n", name);
      exit(3);
    }

    int main(int argc, char **argv) {
      static unsigned char program[65536];
      if (argc < 2) return 2;
      FILE *file = fopen(argv[1], "rb");
      if (!file) { perror("fopen"); return 2; }
      size_t size = fread(program, 1, sizeof program, file);
      fclose(file);
      struct sock_fprog prog = { .len = (unsigned short)(size / sizeof(struct sock_filter)),
                                 .filter = (struct sock_filter *)program };
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { perror("PR_SET_NO_NEW_PRIVS"); return 2; }
      if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) { perror("PR_SET_SECCOMP"); return 2; }
      for (int i = 2; i < argc; i++) {
        long rc = probe(argv[i]);
        printf("%s %d\n", argv[i], rc < 0 ? errno : 0);
        fflush(stdout);
      }
      return 0;
    }
    """#

  struct Outcome {
    var results: [String: Int32]
    /// The signal that ended the probe, if one did.
    var signal: Int32?
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  static let compiler: String? = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// The built probe, or why it could not be built.
  static let executable: Result<URL, Failure> = {
    guard let compiler else { return .failure(Failure(description: "no C compiler")) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-seccomp-probe-\(UUID())")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let sourceURL = directory.appendingPathComponent("probe.c")
      try source.write(to: sourceURL, atomically: true, encoding: .utf8)
      let output = directory.appendingPathComponent("probe")
      let (status, _, errors) = try launch(compiler, ["-O1", "-o", output.path, sourceURL.path])
      guard status == 0 else { return .failure(Failure(description: "building the probe failed: \(errors)")) }
      return .success(output)
    } catch {
      return .failure(Failure(description: "building the probe failed: \(error)"))
    }
  }()

  static func run(_ program: [UInt8], probes: [String]) throws -> Outcome {
    let executable = try executable.get()
    let filterURL = FileManager.default.temporaryDirectory.appendingPathComponent("berth-seccomp-\(UUID()).bpf")
    try Data(program).write(to: filterURL)
    defer { try? FileManager.default.removeItem(at: filterURL) }
    let process = Process()
    process.executableURL = executable
    process.arguments = [filterURL.path] + probes
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationReason == .exit, process.terminationStatus != 0 {
      throw Failure(description: "probe exited \(process.terminationStatus): \(errors)")
    }
    var results: [String: Int32] = [:]
    for line in output.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count == 2, let value = Int32(fields[1]) { results[String(fields[0])] = value }
    }
    let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
    return Outcome(results: results, signal: signal)
  }

  private static func launch(_ path: String, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output, errors)
  }
}
