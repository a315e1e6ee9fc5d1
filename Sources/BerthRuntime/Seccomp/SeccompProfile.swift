import Foundation

/// A seccomp profile in Docker's JSON format (`--security-opt seccomp=FILE`).
///
/// The shape is moby's `profiles/seccomp.Seccomp`: a default action, the architectures to include (either a flat
/// `architectures` list or an `archMap` keyed by the native architecture), and a list of syscall rules that may be
/// conditional on capabilities, architectures and the kernel version. Unknown keys are ignored when decoding.
public struct SeccompProfile: Codable, Sendable, Hashable {
  /// Action for every syscall no rule matches.
  public var defaultAction: Action
  /// Errno returned when `defaultAction` is `SCMP_ACT_ERRNO` or `SCMP_ACT_TRACE`; `nil` means EPERM.
  public var defaultErrnoRet: UInt32?
  /// libseccomp architecture tokens (`SCMP_ARCH_X86_64`, …), all added to the filter. Exclusive with `archMap`.
  public var architectures: [String]?
  /// Architectures keyed by native architecture: the entry for the native one is added with its sub-architectures.
  public var archMap: [ArchMapEntry]?
  /// Seccomp filter flags (`SECCOMP_FILTER_FLAG_LOG`, …); kept for the caller, not part of the BPF program.
  public var flags: [String]?
  /// Unix socket for `SCMP_ACT_NOTIFY`; Berth does not support notify and keeps the value only to round-trip it.
  public var listenerPath: String?
  /// Opaque data sent to the notify listener; kept only to round-trip it.
  public var listenerMetadata: String?
  /// The rules, in order.
  public var syscalls: [Syscall]

  public init(
    defaultAction: Action,
    defaultErrnoRet: UInt32? = nil,
    architectures: [String]? = nil,
    archMap: [ArchMapEntry]? = nil,
    flags: [String]? = nil,
    listenerPath: String? = nil,
    listenerMetadata: String? = nil,
    syscalls: [Syscall]
  ) {
    self.defaultAction = defaultAction
    self.defaultErrnoRet = defaultErrnoRet
    self.architectures = architectures
    self.archMap = archMap
    self.flags = flags
    self.listenerPath = listenerPath
    self.listenerMetadata = listenerMetadata
    self.syscalls = syscalls
  }

  enum CodingKeys: String, CodingKey {
    case defaultAction, defaultErrnoRet, architectures, archMap, flags, listenerPath, listenerMetadata, syscalls
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    defaultAction = try container.decode(Action.self, forKey: .defaultAction)
    defaultErrnoRet = try container.decodeIfPresent(UInt32.self, forKey: .defaultErrnoRet)
    architectures = try container.decodeIfPresent([String].self, forKey: .architectures)
    archMap = try container.decodeIfPresent([ArchMapEntry].self, forKey: .archMap)
    flags = try container.decodeIfPresent([String].self, forKey: .flags)
    listenerPath = try container.decodeIfPresent(String.self, forKey: .listenerPath)
    listenerMetadata = try container.decodeIfPresent(String.self, forKey: .listenerMetadata)
    syscalls = try container.decodeIfPresent([Syscall].self, forKey: .syscalls) ?? []
  }

  // MARK: - Nested types

  /// A libseccomp action name as it appears in profiles.
  public enum Action: String, Codable, Sendable, CaseIterable {
    case allow = "SCMP_ACT_ALLOW"
    case errno = "SCMP_ACT_ERRNO"
    /// Kill the thread (libseccomp's `SCMP_ACT_KILL`).
    case kill = "SCMP_ACT_KILL"
    case killProcess = "SCMP_ACT_KILL_PROCESS"
    case killThread = "SCMP_ACT_KILL_THREAD"
    case trap = "SCMP_ACT_TRAP"
    case trace = "SCMP_ACT_TRACE"
    case log = "SCMP_ACT_LOG"
    /// Parsed so the error names it; `SeccompCompiler` refuses it (no notify listener in Berth).
    case notify = "SCMP_ACT_NOTIFY"

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      let raw = try container.decode(String.self)
      guard let action = Action(rawValue: raw) else {
        let known = Action.allCases.map(\.rawValue).joined(separator: ", ")
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "unknown seccomp action \"\(raw)\" (expected one of \(known))")
      }
      self = action
    }
  }

  /// A libseccomp argument comparison.
  public enum Operator: String, Codable, Sendable, CaseIterable {
    case notEqual = "SCMP_CMP_NE"
    case lessThan = "SCMP_CMP_LT"
    case lessOrEqual = "SCMP_CMP_LE"
    case equal = "SCMP_CMP_EQ"
    case greaterOrEqual = "SCMP_CMP_GE"
    case greaterThan = "SCMP_CMP_GT"
    /// `(arg & value) == valueTwo`.
    case maskedEqual = "SCMP_CMP_MASKED_EQ"

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      let raw = try container.decode(String.self)
      guard let op = Operator(rawValue: raw) else {
        let known = Operator.allCases.map(\.rawValue).joined(separator: ", ")
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "unknown seccomp operator \"\(raw)\" (expected one of \(known))")
      }
      self = op
    }
  }

  /// One `archMap` entry: a native architecture and the ones its processes may also use.
  public struct ArchMapEntry: Codable, Sendable, Hashable {
    public var architecture: String
    public var subArchitectures: [String]?

    public init(architecture: String, subArchitectures: [String]? = nil) {
      self.architecture = architecture
      self.subArchitectures = subArchitectures
    }
  }

  /// One rule: an action for some syscalls, optionally only when arguments match and conditions hold.
  public struct Syscall: Codable, Sendable, Hashable {
    public var names: [String]
    public var action: Action
    /// Errno for `SCMP_ACT_ERRNO`/`SCMP_ACT_TRACE`; `nil` means EPERM.
    public var errnoRet: UInt32?
    /// Conditions on arguments, all of which must hold (see `SeccompCompiler` for repeated indexes).
    public var args: [Arg]?
    /// The rule applies only if all of these hold.
    public var includes: Filter?
    /// The rule does not apply if any of these holds.
    public var excludes: Filter?
    public var comment: String?

    public init(
      names: [String],
      action: Action,
      errnoRet: UInt32? = nil,
      args: [Arg]? = nil,
      includes: Filter? = nil,
      excludes: Filter? = nil,
      comment: String? = nil
    ) {
      self.names = names
      self.action = action
      self.errnoRet = errnoRet
      self.args = args
      self.includes = includes
      self.excludes = excludes
      self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
      case names, name, action, errnoRet, args, includes, excludes, comment
    }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      let names = try container.decodeIfPresent([String].self, forKey: .names)
      let name = try container.decodeIfPresent(String.self, forKey: .name)
      switch (name, names) {
      case (let name?, let names?) where !name.isEmpty && !names.isEmpty:
        throw DecodingError.dataCorruptedError(
          forKey: .name, in: container,
          debugDescription: "both 'name' and 'names' are specified; use either 'name' or 'names'")
      case (let name?, _) where !name.isEmpty:
        self.names = [name]
      default:
        self.names = names ?? []
      }
      action = try container.decode(Action.self, forKey: .action)
      errnoRet = try container.decodeIfPresent(UInt32.self, forKey: .errnoRet)
      args = try container.decodeIfPresent([Arg].self, forKey: .args)
      includes = try container.decodeIfPresent(Filter.self, forKey: .includes)
      excludes = try container.decodeIfPresent(Filter.self, forKey: .excludes)
      comment = try container.decodeIfPresent(String.self, forKey: .comment)
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(names, forKey: .names)
      try container.encode(action, forKey: .action)
      try container.encodeIfPresent(errnoRet, forKey: .errnoRet)
      try container.encodeIfPresent(args, forKey: .args)
      try container.encodeIfPresent(includes, forKey: .includes)
      try container.encodeIfPresent(excludes, forKey: .excludes)
      try container.encodeIfPresent(comment, forKey: .comment)
    }
  }

  /// A condition on one syscall argument.
  public struct Arg: Codable, Sendable, Hashable {
    /// Argument index, 0–5.
    public var index: UInt32
    public var value: UInt64
    /// Second operand; only `SCMP_CMP_MASKED_EQ` uses it.
    public var valueTwo: UInt64
    public var op: Operator

    public init(index: UInt32, value: UInt64, valueTwo: UInt64 = 0, op: Operator) {
      self.index = index
      self.value = value
      self.valueTwo = valueTwo
      self.op = op
    }

    enum CodingKeys: String, CodingKey { case index, value, valueTwo, op }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      index = try container.decode(UInt32.self, forKey: .index)
      value = try container.decode(UInt64.self, forKey: .value)
      valueTwo = try container.decodeIfPresent(UInt64.self, forKey: .valueTwo) ?? 0
      op = try container.decode(Operator.self, forKey: .op)
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(index, forKey: .index)
      try container.encode(value, forKey: .value)
      if valueTwo != 0 { try container.encode(valueTwo, forKey: .valueTwo) }
      try container.encode(op, forKey: .op)
    }
  }

  /// Conditions of a rule: capabilities (`CAP_SYS_ADMIN`), Go architecture names (`amd64`, `arm64`, `s390x`, …)
  /// and a minimum kernel version.
  public struct Filter: Codable, Sendable, Hashable {
    public var caps: [String]?
    public var arches: [String]?
    public var minKernel: KernelVersion?

    public init(caps: [String]? = nil, arches: [String]? = nil, minKernel: KernelVersion? = nil) {
      self.caps = caps
      self.arches = arches
      self.minKernel = minKernel
    }
  }

  /// A kernel version as `major.minor`, written as the string `"4.8"` in profiles.
  public struct KernelVersion: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
      self.major = major
      self.minor = minor
    }

    /// Parses `"4.8"` or a kernel release such as `"6.1.0-18-amd64"` (the first two numbers).
    public init?(parsing text: String) {
      let parts = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count >= 2, let major = Int(parts[0]),
        let minor = Int(parts[1].prefix(while: { $0.isASCII && $0.isNumber }))
      else { return nil }
      self.init(major, minor)
    }

    /// The running kernel's version (`uname -r`).
    public static func host() throws -> KernelVersion {
      var info = utsname()
      guard uname(&info) == 0 else {
        throw SeccompError(call: "uname", errno: errno)
      }
      let release = withUnsafeBytes(of: &info.release) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      guard let version = KernelVersion(parsing: release) else {
        throw SeccompError(call: "uname", message: "cannot parse kernel release \"\(release)\"")
      }
      return version
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
      (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      let text = try container.decode(String.self)
      guard let version = KernelVersion(parsing: text), text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
      else {
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "invalid kernel version \"\(text)\" (expected \"major.minor\")")
      }
      self = version
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(description)
    }
  }
}

// MARK: - Loading and validation

extension SeccompProfile {
  /// Decodes and validates a profile from JSON (`--security-opt seccomp=FILE`); errors name the offending field.
  public static func decode(from data: Data, source: String = "seccomp profile") throws -> SeccompProfile {
    let profile: SeccompProfile
    do {
      profile = try JSONDecoder().decode(SeccompProfile.self, from: data)
    } catch let error as DecodingError {
      throw SeccompError(call: source, message: describe(error))
    }
    do {
      try profile.validate()
    } catch let error as SeccompError {
      throw SeccompError(call: source, message: error.message ?? error.description)
    }
    return profile
  }

  /// Reads, decodes and validates a profile file.
  public static func load(contentsOf url: URL) throws -> SeccompProfile {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw SeccompError(call: "seccomp profile \(url.path)", message: "cannot read: \(error.localizedDescription)")
    }
    return try decode(from: data, source: "seccomp profile \(url.path)")
  }

  /// Checks what JSON decoding cannot: exclusive fields, argument indexes, empty names.
  public func validate() throws {
    if let architectures, !architectures.isEmpty, let archMap, !archMap.isEmpty {
      throw SeccompError(call: "seccomp profile", message: "both 'architectures' and 'archMap' are specified")
    }
    for (ruleIndex, rule) in syscalls.enumerated() {
      for name in rule.names where name.isEmpty {
        throw SeccompError(call: "seccomp profile", message: "syscalls[\(ruleIndex)].names: empty syscall name")
      }
      for (argIndex, arg) in (rule.args ?? []).enumerated() where arg.index > 5 {
        throw SeccompError(
          call: "seccomp profile",
          message: "syscalls[\(ruleIndex)].args[\(argIndex)].index: \(arg.index) is out of range (0-5)")
      }
      if let errnoRet = rule.errnoRet, errnoRet > 0xFFFF {
        throw SeccompError(
          call: "seccomp profile", message: "syscalls[\(ruleIndex)].errnoRet: \(errnoRet) is out of range (0-65535)")
      }
    }
    if let defaultErrnoRet, defaultErrnoRet > 0xFFFF {
      throw SeccompError(
        call: "seccomp profile", message: "defaultErrnoRet: \(defaultErrnoRet) is out of range (0-65535)")
    }
  }

  private static func describe(_ error: DecodingError) -> String {
    func path(_ codingPath: [any CodingKey]) -> String {
      var result = ""
      for key in codingPath {
        if let index = key.intValue {
          result += "[\(index)]"
        } else {
          result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
      }
      return result.isEmpty ? "(top level)" : result
    }
    switch error {
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty { return "invalid JSON: \(context.debugDescription)" }
      return "\(path(context.codingPath)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "\(path(context.codingPath + [key])): missing required field"
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context):
      return "\(path(context.codingPath)): expected \(type), found null"
    @unknown default:
      return "\(error)"
    }
  }
}

// MARK: - Resolution (what applies for given capabilities, architecture and kernel)

extension SeccompProfile {
  /// The libseccomp architecture tokens the filter covers for `architecture`, as Docker resolves them: the flat
  /// `architectures` list, or the native entry of `archMap` with its sub-architectures; empty means native only.
  public func resolvedArchitectures(for architecture: SeccompArchitecture = .native) -> [String] {
    if let architectures, !architectures.isEmpty { return architectures }
    var result: [String] = []
    for entry in archMap ?? [] where entry.architecture == architecture.scmpName {
      result.append(entry.architecture)
      result.append(contentsOf: entry.subArchitectures ?? [])
    }
    return result
  }

  /// The rules that apply, as Docker (moby `setupSeccomp`) resolves includes and excludes: a rule is dropped if an
  /// excluded architecture is `architecture`, an excluded capability is in `capabilities` or the kernel is at
  /// least an excluded `minKernel`; and unless every included capability is present, `architecture` is among the
  /// included ones and the kernel is at least the included `minKernel`. Capability names may omit `CAP_` and are
  /// compared case-insensitively. `kernel` is needed only when a rule has `minKernel`; `nil` reads the host's.
  public func resolvedRules(
    capabilities: Set<String>,
    architecture: SeccompArchitecture = .native,
    kernel: KernelVersion? = nil
  ) throws -> [Syscall] {
    let caps = Set(capabilities.map(Self.normalizedCapability))
    var hostKernel = kernel
    func kernelAtLeast(_ minimum: KernelVersion) throws -> Bool {
      if hostKernel == nil { hostKernel = try KernelVersion.host() }
      return hostKernel! >= minimum
    }
    var result: [Syscall] = []
    for rule in syscalls {
      if let excludes = rule.excludes {
        if let arches = excludes.arches, arches.contains(architecture.goName) { continue }
        if let excluded = excludes.caps, excluded.contains(where: { caps.contains(Self.normalizedCapability($0)) }) {
          continue
        }
        if let minimum = excludes.minKernel, try kernelAtLeast(minimum) { continue }
      }
      if let includes = rule.includes {
        if let arches = includes.arches, !arches.isEmpty, !arches.contains(architecture.goName) { continue }
        if let included = includes.caps, !included.allSatisfy({ caps.contains(Self.normalizedCapability($0)) }) {
          continue
        }
        if let minimum = includes.minKernel, try !kernelAtLeast(minimum) { continue }
      }
      result.append(rule)
    }
    return result
  }

  /// `sys_admin` → `CAP_SYS_ADMIN`.
  static func normalizedCapability(_ name: String) -> String {
    let upper = name.uppercased()
    return upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
  }
}

/// An architecture as profiles name it: Go's `GOARCH` in rule filters, a libseccomp token in `archMap`.
public struct SeccompArchitecture: Hashable, Sendable, CustomStringConvertible {
  /// The name used in `includes.arches`/`excludes.arches` (`amd64`, `arm64`, …).
  public var goName: String
  /// The libseccomp token (`SCMP_ARCH_X86_64`, …).
  public var scmpName: String
  /// Whether the architecture's kernel is big-endian (its BPF programs are then in that byte order).
  public var isBigEndian: Bool

  public init(goName: String, scmpName: String, isBigEndian: Bool = false) {
    self.goName = goName
    self.scmpName = scmpName
    self.isBigEndian = isBigEndian
  }

  public static let amd64 = SeccompArchitecture(goName: "amd64", scmpName: "SCMP_ARCH_X86_64")
  public static let arm64 = SeccompArchitecture(goName: "arm64", scmpName: "SCMP_ARCH_AARCH64")
  public static let ppc64le = SeccompArchitecture(goName: "ppc64le", scmpName: "SCMP_ARCH_PPC64LE")
  public static let s390x = SeccompArchitecture(goName: "s390x", scmpName: "SCMP_ARCH_S390X", isBigEndian: true)
  public static let riscv64 = SeccompArchitecture(goName: "riscv64", scmpName: "SCMP_ARCH_RISCV64")

  /// The architecture this binary runs on.
  public static var native: SeccompArchitecture {
    #if arch(x86_64)
    return .amd64
    #elseif arch(arm64)
    return .arm64
    #elseif arch(powerpc64le)
    return .ppc64le
    #elseif arch(s390x)
    return .s390x
    #elseif arch(riscv64)
    return .riscv64
    #else
    #error("unsupported architecture for seccomp")
    #endif
  }

  public var description: String { goName }
}
