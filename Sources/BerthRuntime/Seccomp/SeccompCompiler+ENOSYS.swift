import CSeccomp

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The -ENOSYS prelude runc puts in front of libseccomp's program (runc `libcontainer/seccomp/patchbpf`): a syscall
/// numbered above every syscall the profile names fails with ENOSYS instead of the default action, so that libc can
/// fall back from syscalls newer than the profile (or than libseccomp) as it does on an older kernel. Added only when
/// the default action denies and is not already ENOSYS.
extension SeccompCompiler {
  /// A classic BPF instruction (`struct sock_filter`).
  struct Instruction: Equatable {
    var code: UInt16
    var jt: UInt8 = 0
    var jf: UInt8 = 0
    var k: UInt32

    static let loadWordAbsolute: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    static let jumpAlways: UInt16 = 0x05  // BPF_JMP | BPF_JA
    static let jumpEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    static let jumpGreater: UInt16 = 0x25  // BPF_JMP | BPF_JGT | BPF_K
    static let jumpBitsSet: UInt16 = 0x45  // BPF_JMP | BPF_JSET | BPF_K
    static let returnConstant: UInt16 = 0x06  // BPF_RET | BPF_K

    /// Host byte order, as the kernel reads it (`compile` refuses targets of the other byte order).
    func append(to bytes: inout [UInt8]) {
      withUnsafeBytes(of: code) { bytes.append(contentsOf: $0) }
      bytes.append(jt)
      bytes.append(jf)
      withUnsafeBytes(of: k) { bytes.append(contentsOf: $0) }
    }
  }

  static let auditArchAMD64: UInt32 = 0xC000_003E
  static let x32SyscallBit: UInt32 = 0x4000_0000
  static let offsetOfNumber: UInt32 = 0  // seccomp_data.nr
  static let offsetOfArch: UInt32 = 4  // seccomp_data.arch

  /// Whether runc would add the stub for this profile.
  static func needsEnosysStub(_ profile: SeccompProfile) -> Bool {
    switch profile.defaultAction {
    case .allow, .log, .trace: return false  // permissive: unknown syscalls already reach the kernel
    default: return !(profile.defaultAction == .errno && profile.defaultErrnoRet == UInt32(ENOSYS))
    }
  }

  /// The stub for the given filter architectures (libseccomp tokens) and the syscall names of the resolved rules.
  /// Its jumps land on the instruction right after it, where libseccomp's program starts.
  static func enosysStub(architectures: [String], names: [String]) throws -> [Instruction] {
    struct Section {
      var auditArch: UInt32
      var highest: UInt32?
      var highestX32: UInt32?
      var isS390: Bool
    }
    let x32Token = seccomp_arch_resolve_name("x32")
    let s390Tokens: Set<UInt32> = [seccomp_arch_resolve_name("s390"), seccomp_arch_resolve_name("s390x")]
    var sections: [Section] = []
    for name in architectures {
      let token = try archToken(name)
      let numbers = names.map { seccomp_syscall_resolve_name_arch(token, $0) }.filter { $0 >= 0 }
      guard let highest = numbers.max().map(UInt32.init) else { continue }
      let auditArch = token == x32Token ? auditArchAMD64 : token
      var index = sections.firstIndex { $0.auditArch == auditArch }
      if index == nil {
        sections.append(Section(auditArch: auditArch, isS390: s390Tokens.contains(token)))
        index = sections.count - 1
      }
      if token == x32Token {
        sections[index!].highestX32 = max(sections[index!].highestX32 ?? 0, highest)
      } else {
        sections[index!].highest = max(sections[index!].highest ?? 0, highest)
      }
    }
    if sections.isEmpty { return [] }

    // Layout: ld arch; one jeq per section; ja filter; the sections; ret ENOSYS; (libseccomp's program).
    func size(_ section: Section) -> Int {
      var count = 1  // ld nr
      if section.isS390 { count += 1 }  // nr 0 multiplexes unknown syscalls on s390
      if section.auditArch == auditArchAMD64 {
        count += (section.highest != nil && section.highestX32 != nil) ? 3 : 2
      } else {
        count += 1
      }
      return count
    }
    var starts: [Int] = []
    var position = 1 + sections.count + 1
    for section in sections {
      starts.append(position)
      position += size(section)
    }
    let enosys = position
    let filter = enosys + 1

    var program: [Instruction] = []
    func offset(to target: Int) throws -> UInt8 {
      let distance = target - (program.count + 1)
      guard (0...255).contains(distance) else {
        throw SeccompError(call: "ENOSYS stub", message: "jump of \(distance) instructions does not fit")
      }
      return UInt8(distance)
    }
    func jump(_ code: UInt16, _ k: UInt32, to yes: Int, else no: Int) throws {
      program.append(Instruction(code: code, jt: try offset(to: yes), jf: try offset(to: no), k: k))
    }

    program.append(Instruction(code: Instruction.loadWordAbsolute, k: offsetOfArch))
    for (section, start) in zip(sections, starts) {
      try jump(Instruction.jumpEqual, section.auditArch, to: start, else: program.count + 1)
    }
    program.append(Instruction(code: Instruction.jumpAlways, k: UInt32(filter - (program.count + 1))))
    for section in sections {
      program.append(Instruction(code: Instruction.loadWordAbsolute, k: offsetOfNumber))
      if section.isS390 {
        try jump(Instruction.jumpEqual, 0, to: enosys, else: program.count + 1)
      }
      switch (section.auditArch == auditArchAMD64, section.highest, section.highestX32) {
      case (true, let highest?, let highestX32?):
        try jump(Instruction.jumpBitsSet, x32SyscallBit, to: program.count + 2, else: program.count + 1)
        try jump(Instruction.jumpGreater, highest, to: enosys, else: filter)
        try jump(Instruction.jumpGreater, highestX32, to: enosys, else: filter)
      case (true, let highest?, nil):
        // x32 calls are not compared against x86_64 numbers: libseccomp's program decides them.
        try jump(Instruction.jumpBitsSet, x32SyscallBit, to: filter, else: program.count + 1)
        try jump(Instruction.jumpGreater, highest, to: enosys, else: filter)
      case (true, nil, let highestX32?):
        try jump(Instruction.jumpBitsSet, x32SyscallBit, to: program.count + 1, else: filter)
        try jump(Instruction.jumpGreater, highestX32, to: enosys, else: filter)
      case (_, let highest, _):
        try jump(Instruction.jumpGreater, highest ?? 0, to: enosys, else: filter)
      }
    }
    program.append(Instruction(code: Instruction.returnConstant, k: 0x0005_0000 | UInt32(ENOSYS)))
    assert(program.count == filter)
    return program
  }
}
