import CSeccomp

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failure to build a seccomp filter: the libseccomp (or libc) call, its errno and the syscall concerned, or a
/// profile problem with a message.
public struct SeccompError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The failing call (`seccomp_rule_add_array`, …) or, for profile problems, what was being read.
  public var call: String
  /// The errno reported, or 0 when not a system error.
  public var errno: Int32
  /// The syscall whose rule failed, if any.
  public var syscall: String?
  /// Details when errno alone does not say it.
  public var message: String?

  public init(call: String, errno: Int32 = 0, syscall: String? = nil, message: String? = nil) {
    self.call = call
    self.errno = errno
    self.syscall = syscall
    self.message = message
  }

  public var description: String {
    var text = call
    if let syscall { text += "(\(syscall))" }
    if errno != 0 { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
    if let message { text += ": \(message)" }
    return text
  }
}

/// Compiles a `SeccompProfile` into a classic BPF program with libseccomp, as runc does for Docker's profiles.
///
/// The result is the raw array of `struct sock_filter` (8 bytes each), for the caller to install after clone with
/// `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)`; nothing is loaded here and no_new_privs is left alone.
public enum SeccompCompiler {
  /// Size of one `struct sock_filter`.
  public static let instructionSize = 8
  /// The kernel's limit on a filter's length (`BPF_MAXINSNS`).
  public static let maxInstructions = 4096

  /// Compiles `profile` for `architecture` (and the sub-architectures its `archMap` lists) given the container's
  /// bounding capabilities (`CAP_SYS_ADMIN`, …). Rules are resolved as Docker does (see
  /// `SeccompProfile.resolvedRules`); syscall names libseccomp does not know are skipped, as are rules whose action
  /// equals the default action; when the default action denies, runc's -ENOSYS prelude is prepended (see
  /// `enosysStub`). `kernel` is only consulted for `minKernel` conditions; `nil` reads the host's.
  ///
  /// libseccomp takes ~25 ms for Docker's default on x86_64 (three ABIs): cache the program per (profile,
  /// capabilities) rather than compiling on every container start.
  public static func compile(
    _ profile: SeccompProfile,
    capabilities: Set<String>,
    architecture: SeccompArchitecture = .native,
    kernel: SeccompProfile.KernelVersion? = nil
  ) throws -> [UInt8] {
    try profile.validate()
    // libseccomp 2.5 writes cross-endian programs with the wrong byte order in places; such a filter would only be
    // for another machine's kernel anyway.
    guard architecture.isBigEndian == (1.bigEndian == 1) else {
      throw SeccompError(
        call: "seccomp profile", errno: ENOTSUP,
        message: "cannot compile a filter for \(architecture) on a host of the other byte order")
    }
    let rules = try profile.resolvedRules(capabilities: capabilities, architecture: architecture, kernel: kernel)
    let defaultAction = try action(profile.defaultAction, errnoRet: profile.defaultErrnoRet)

    guard let ctx = seccomp_init(defaultAction) else {
      throw SeccompError(
        call: "seccomp_init", errno: EINVAL, message: "default action \(profile.defaultAction.rawValue)")
    }
    defer { seccomp_release(ctx) }
    try check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), "seccomp_attr_set", detail: "SCMP_FLTATR_CTL_NNP")

    var architectures = profile.resolvedArchitectures(for: architecture)
    if architectures.isEmpty && architecture != .native { architectures = [architecture.scmpName] }
    try addArchitectures(ctx, names: architectures, target: architecture)

    // Binary-tree dispatch for longer rule sets, as runc does (libseccomp <= 2.5.4 misbehaves with it and no rules).
    if rules.reduce(0, { $0 + $1.names.count }) > 32 {
      _ = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)
    }

    for rule in rules {
      let ruleAction = try action(rule.action, errnoRet: rule.errnoRet)
      // libseccomp refuses rules that repeat the default action; runc skips them too.
      if ruleAction == defaultAction { continue }
      let conditions = (rule.args ?? []).map(condition)
      // The conditions of one rule must all hold, except that when an argument index repeats runc adds each
      // condition as a rule of its own (so they OR); so do we, to give such profiles the same meaning.
      let indexes = (rule.args ?? []).map(\.index)
      let repeatsIndex = Set(indexes).count != indexes.count
      let groups = repeatsIndex ? conditions.map { [$0] } : [conditions]
      for name in rule.names {
        let number = seccomp_syscall_resolve_name(name)
        // Unknown to this libseccomp: skip, as runc does (the kernel or libseccomp is older than the profile).
        if number == __NR_SCMP_ERROR { continue }
        for group in groups {
          let rc = group.withUnsafeBufferPointer { buffer in
            seccomp_rule_add_array(ctx, ruleAction, number, UInt32(buffer.count), buffer.baseAddress)
          }
          try check(rc, "seccomp_rule_add_array", syscall: name)
        }
      }
    }
    let program = try export(ctx)
    guard needsEnosysStub(profile) else { return program }
    var stubbed: [UInt8] = []
    for instruction in try enosysStub(architectures: architectures, names: rules.flatMap(\.names)) {
      instruction.append(to: &stubbed)
    }
    stubbed.append(contentsOf: program)
    if stubbed.count / instructionSize > maxInstructions { throw tooLarge(bytes: stubbed.count) }
    return stubbed
  }

  // MARK: - Pieces

  /// The libseccomp action value (`SCMP_ACT_*`); ERRNO and TRACE default to EPERM as in runc.
  static func action(_ action: SeccompProfile.Action, errnoRet: UInt32?) throws -> UInt32 {
    let code = (errnoRet ?? UInt32(EPERM)) & 0xFFFF
    switch action {
    case .allow: return 0x7fff_0000
    case .errno: return 0x0005_0000 | code
    case .kill, .killThread: return 0x0000_0000
    case .killProcess: return 0x8000_0000
    case .trap: return 0x0003_0000
    case .trace: return 0x7ff0_0000 | code
    case .log: return 0x7ffc_0000
    case .notify:
      throw SeccompError(
        call: "seccomp profile", errno: ENOTSUP,
        message: "SCMP_ACT_NOTIFY is not supported (Berth has no seccomp notify listener)")
    }
  }

  static func condition(_ arg: SeccompProfile.Arg) -> scmp_arg_cmp {
    let op: scmp_compare
    switch arg.op {
    case .notEqual: op = SCMP_CMP_NE
    case .lessThan: op = SCMP_CMP_LT
    case .lessOrEqual: op = SCMP_CMP_LE
    case .equal: op = SCMP_CMP_EQ
    case .greaterOrEqual: op = SCMP_CMP_GE
    case .greaterThan: op = SCMP_CMP_GT
    case .maskedEqual: op = SCMP_CMP_MASKED_EQ
    }
    // For MASKED_EQ libseccomp takes the mask first: (arg & datum_a) == datum_b, i.e. value = mask, valueTwo = datum.
    return scmp_arg_cmp(arg: arg.index, op: op, datum_a: arg.value, datum_b: arg.valueTwo)
  }

  /// Adds the profile's architectures; when compiling for another architecture than the native one, the native
  /// architecture is removed first unless listed (libseccomp cannot mix byte orders in one filter).
  private static func addArchitectures(_ ctx: scmp_filter_ctx, names: [String], target: SeccompArchitecture) throws {
    let tokens = try names.map(archToken)
    if target != .native && !tokens.contains(seccomp_arch_native()) {
      try check(seccomp_arch_remove(ctx, UInt32(SCMP_ARCH_NATIVE)), "seccomp_arch_remove", detail: "native")
    }
    for (name, token) in zip(names, tokens) {
      let rc = seccomp_arch_add(ctx, token)
      if rc != -EEXIST { try check(rc, "seccomp_arch_add", detail: name) }
    }
  }

  /// `SCMP_ARCH_X86_64` → libseccomp's token for `x86_64`.
  static func archToken(_ name: String) throws -> UInt32 {
    guard name.hasPrefix("SCMP_ARCH_") else {
      throw SeccompError(call: "seccomp profile", message: "unknown architecture \"\(name)\" (expected SCMP_ARCH_*)")
    }
    let short = name.dropFirst("SCMP_ARCH_".count).lowercased()
    let token = seccomp_arch_resolve_name(short)
    guard token != 0 else {
      throw SeccompError(
        call: "seccomp_arch_resolve_name", message: "architecture \"\(name)\" is not supported by this libseccomp")
    }
    return token
  }

  /// Writes the program into a non-blocking pipe and reads it back. A loadable filter (at most 4096 instructions,
  /// 32 KiB) always fits in a pipe; a program that fills the pipe is refused rather than returned truncated.
  private static func export(_ ctx: scmp_filter_ctx) throws -> [UInt8] {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw SeccompError(call: "pipe", errno: errno) }
    let (readEnd, writeEnd) = (fds[0], fds[1])
    var writeOpen = true
    defer {
      close(readEnd)
      if writeOpen { close(writeEnd) }
    }
    let flags = fcntl(writeEnd, F_GETFL)
    guard flags >= 0, fcntl(writeEnd, F_SETFL, flags | O_NONBLOCK) == 0 else {
      throw SeccompError(call: "fcntl", errno: errno, message: "O_NONBLOCK on export pipe")
    }
    let fGetPipeSize: Int32 = 1032  // F_GETPIPE_SZ (Linux 2.6.35+), not imported from <fcntl.h>
    let capacity = Int(fcntl(writeEnd, fGetPipeSize))
    guard capacity > 0 else { throw SeccompError(call: "fcntl", errno: errno, message: "F_GETPIPE_SZ") }

    let rc = seccomp_export_bpf(ctx, writeEnd)
    close(writeEnd)
    writeOpen = false
    if rc == -EAGAIN { throw tooLarge(bytes: nil) }
    try check(rc, "seccomp_export_bpf")

    var program: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw SeccompError(call: "read", errno: errno, message: "reading the exported BPF program")
      }
      if count == 0 { break }
      program.append(contentsOf: buffer[0..<count])
    }
    // A non-blocking write into an empty pipe is short only when it filled the pipe.
    if program.count >= capacity { throw tooLarge(bytes: program.count) }
    guard !program.isEmpty, program.count % instructionSize == 0 else {
      throw SeccompError(
        call: "seccomp_export_bpf", message: "exported \(program.count) bytes, not a whole number of instructions")
    }
    if program.count / instructionSize > maxInstructions { throw tooLarge(bytes: program.count) }
    return program
  }

  private static func tooLarge(bytes: Int?) -> SeccompError {
    let size = bytes.map { "\($0 / instructionSize) or more instructions" } ?? "the program does not fit in a pipe"
    return SeccompError(
      call: "seccomp_export_bpf", errno: E2BIG,
      message: "filter too large: \(size), the kernel accepts at most \(maxInstructions)")
  }

  private static func check(_ rc: Int32, _ call: String, syscall: String? = nil, detail: String? = nil) throws {
    guard rc < 0 else { return }
    throw SeccompError(call: call, errno: -rc, syscall: syscall, message: detail)
  }
}
