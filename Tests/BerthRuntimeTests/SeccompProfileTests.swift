import Foundation
import Testing

#if canImport(BerthSeccomp)
import BerthSeccomp
#else
import BerthRuntime
#endif

/// Docker's default profile, kept outside the project in `shared/reference/` for comparison only.
enum DockerSeccompReference {
  static let url: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent()
    .appendingPathComponent("../../../shared/reference/docker-seccomp-default.json")
    .standardizedFileURL

  static var isPresent: Bool { FileManager.default.fileExists(atPath: url.path) }

  static func load() throws -> SeccompProfile { try SeccompProfile.load(contentsOf: url) }
}

enum SeccompCapabilitySets {
  /// Docker's default bounding set.
  static let dockerDefault: Set<String> = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP",
  ]

  static let all: Set<String> = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
    "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
  ]

  static let named: [(String, Set<String>)] = [
    ("none", []),
    ("docker default", dockerDefault),
    ("docker default + CAP_SYS_ADMIN", dockerDefault.union(["CAP_SYS_ADMIN"])),
    ("docker default + CAP_SYS_PTRACE + CAP_BPF", dockerDefault.union(["CAP_SYS_PTRACE", "CAP_BPF"])),
    ("all", all),
  ]
}

/// One resolved rule for one syscall, as it reaches libseccomp.
struct SeccompAppliedRule: Hashable, CustomStringConvertible {
  var name: String
  var action: SeccompProfile.Action
  var errnoRet: UInt32?
  var args: [SeccompProfile.Arg]

  static func of(_ rules: [SeccompProfile.Syscall]) -> [String: Set<SeccompAppliedRule>] {
    var byName: [String: Set<SeccompAppliedRule>] = [:]
    for rule in rules {
      for name in rule.names {
        byName[name, default: []].insert(
          SeccompAppliedRule(name: name, action: rule.action, errnoRet: rule.errnoRet, args: rule.args ?? []))
      }
    }
    return byName
  }

  var description: String {
    let conditions = args.map { "arg\($0.index) \($0.op.rawValue) \($0.value)/\($0.valueTwo)" }
    return "\(name): \(action.rawValue)\(errnoRet.map { "(\($0))" } ?? "") [\(conditions.joined(separator: ", "))]"
  }
}

@Suite struct SeccompProfileTests {
  // MARK: Policy equality with Docker's default

  @Test(
    "Berth's default applies the same rules as Docker's, per syscall, capability set and architecture",
    .enabled(if: DockerSeccompReference.isPresent, "shared/reference/docker-seccomp-default.json is absent"),
    arguments: [SeccompArchitecture.amd64, .arm64, .s390x, .ppc64le, .riscv64])
  func samePolicyAsDocker(architecture: SeccompArchitecture) throws {
    let docker = try DockerSeccompReference.load()
    let berth = SeccompProfile.dockerDefault()
    #expect(berth.defaultAction == docker.defaultAction)
    #expect(berth.defaultErrnoRet == docker.defaultErrnoRet)
    #expect(berth.resolvedArchitectures(for: architecture) == docker.resolvedArchitectures(for: architecture))

    for kernel in [SeccompProfile.KernelVersion(4, 4), .init(6, 1)] {
      for (label, caps) in SeccompCapabilitySets.named {
        let ours = SeccompAppliedRule.of(
          try berth.resolvedRules(capabilities: caps, architecture: architecture, kernel: kernel))
        let theirs = SeccompAppliedRule.of(
          try docker.resolvedRules(capabilities: caps, architecture: architecture, kernel: kernel))
        for name in Set(ours.keys).union(theirs.keys).sorted() {
          #expect(
            ours[name, default: []] == theirs[name, default: []],
            "\(name) differs for caps \(label), \(architecture), kernel \(kernel)")
        }
      }
    }
  }

  @Test(
    "Berth's default has the same rules and conditions as Docker's, before resolution",
    .enabled(if: DockerSeccompReference.isPresent, "shared/reference/docker-seccomp-default.json is absent"))
  func sameRulesAsDocker() throws {
    struct Key: Hashable {
      var rule: SeccompAppliedRule
      var includes: [String]
      var excludes: [String]
    }
    func normalized(_ filter: SeccompProfile.Filter?) -> [String] {
      guard let filter else { return [] }
      return (filter.caps ?? []).map { "cap:\($0)" } + (filter.arches ?? []).map { "arch:\($0)" }
        + (filter.minKernel.map { ["kernel:\($0)"] } ?? [])
    }
    func keys(_ profile: SeccompProfile) -> Set<Key> {
      var result: Set<Key> = []
      for rule in profile.syscalls {
        for name in rule.names {
          result.insert(
            Key(
              rule: SeccompAppliedRule(name: name, action: rule.action, errnoRet: rule.errnoRet, args: rule.args ?? []),
              includes: normalized(rule.includes).sorted(), excludes: normalized(rule.excludes).sorted()))
        }
      }
      return result
    }
    let docker = try DockerSeccompReference.load()
    let berth = SeccompProfile.dockerDefault()
    #expect(berth.archMap == docker.archMap)
    let ours = keys(berth)
    let theirs = keys(docker)
    #expect(ours.subtracting(theirs).map(\.rule.description).sorted() == [], "only in Berth's default")
    #expect(theirs.subtracting(ours).map(\.rule.description).sorted() == [], "only in Docker's default")
  }

  @Test("Resolution: capability conditions, excludes, arches and minKernel")
  func resolution() throws {
    let profile = SeccompProfile.dockerDefault()
    func applied(_ caps: Set<String>, _ arch: SeccompArchitecture = .amd64, kernel: SeccompProfile.KernelVersion)
      throws -> [String: Set<SeccompAppliedRule>]
    {
      SeccompAppliedRule.of(try profile.resolvedRules(capabilities: caps, architecture: arch, kernel: kernel))
    }
    let new = SeccompProfile.KernelVersion(6, 1)
    let plain = try applied(SeccompCapabilitySets.dockerDefault, kernel: new)
    #expect(plain["mount"] == nil)
    #expect(plain["clone3"].map { $0.map(\.errnoRet) } == [38])
    #expect(plain["clone"]?.first?.args.first?.op == .maskedEqual)
    #expect(plain["chroot"] != nil)
    #expect(plain["arch_prctl"] != nil)
    #expect(plain["s390_runtime_instr"] == nil)
    #expect(plain["ptrace"] != nil)

    let admin = try applied(["sys_admin"], kernel: new)  // lower case, without CAP_
    #expect(admin["mount"] != nil)
    #expect(admin["clone3"].map { $0.map(\.action) } == [.allow])
    #expect(admin["clone"].map { $0.map(\.args) } == [[]])
    #expect(admin["chroot"] == nil)

    let old = try applied(SeccompCapabilitySets.dockerDefault, kernel: .init(4, 4))
    #expect(old["ptrace"] == nil)
    #expect(try applied(["CAP_SYS_PTRACE"], kernel: .init(4, 4))["ptrace"] != nil)

    let s390 = try applied(SeccompCapabilitySets.dockerDefault, .s390x, kernel: new)
    #expect(s390["clone"]?.first?.args.first?.index == 1)
    #expect(s390["arch_prctl"] == nil)
    #expect(profile.resolvedArchitectures(for: .amd64) == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
    #expect(profile.resolvedArchitectures(for: .riscv64) == ["SCMP_ARCH_RISCV64"])
  }

  // MARK: JSON

  @Test("Round trip through JSON keeps the profile")
  func roundTrip() throws {
    let profile = SeccompProfile.dockerDefault()
    let data = try JSONEncoder().encode(profile)
    #expect(try SeccompProfile.decode(from: data) == profile)
  }

  @Test(
    "Docker's file decodes",
    .enabled(if: DockerSeccompReference.isPresent, "shared/reference/docker-seccomp-default.json is absent"))
  func decodesDockerFile() throws {
    let docker = try DockerSeccompReference.load()
    #expect(docker.defaultAction == .errno)
    #expect(docker.defaultErrnoRet == 1)
    #expect(docker.syscalls.count > 20)
    let clone = try #require(docker.syscalls.first { $0.comment != nil })
    #expect(clone.args == [.init(index: 1, value: 2_114_060_288, valueTwo: 0, op: .maskedEqual)])
  }

  @Test("A user profile with unknown keys and the legacy 'name' field")
  func userProfile() throws {
    let json = """
      {
        "defaultAction": "SCMP_ACT_ALLOW",
        "someFutureKey": {"nested": [1, 2, 3]},
        "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [
          {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "unknown": true},
          {"name": "personality", "action": "SCMP_ACT_ERRNO",
           "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE", "extra": 1}],
           "includes": {"caps": ["CAP_SYS_ADMIN"], "minKernel": "5.10", "other": 1}},
          {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS", "args": null, "excludes": {}}
        ]
      }
      """
    let profile = try SeccompProfile.decode(from: Data(json.utf8))
    #expect(profile.defaultAction == .allow)
    #expect(profile.architectures == ["SCMP_ARCH_X86_64"])
    #expect(profile.syscalls.map(\.names) == [["mkdir", "mkdirat"], ["personality"], ["getppid"]])
    #expect(profile.syscalls[0].errnoRet == 13)
    #expect(profile.syscalls[1].args == [.init(index: 0, value: 0xffff_ffff, op: .notEqual)])
    #expect(profile.syscalls[1].includes?.minKernel == .init(5, 10))
    #expect(profile.syscalls[2].action == .killProcess)
    #expect(profile.resolvedArchitectures(for: .arm64) == ["SCMP_ARCH_X86_64"])
  }

  @Test(
    "Bad profiles fail with an error naming the field",
    arguments: [
      (#"{"defaultAction": "SCMP_ACT_FOO", "syscalls": []}"#, #"defaultAction: unknown seccomp action "SCMP_ACT_FOO""#),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "ALLOW"}]}"#,
        #"syscalls[0].action: unknown seccomp action "ALLOW""#
      ),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}]}"#,
        #"syscalls[0].args[0].op: unknown seccomp operator "SCMP_CMP_XX""#
      ),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}"#,
        "syscalls[0].args[0].index: 6 is out of range"
      ),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "a", "names": ["b"], "action": "SCMP_ACT_ALLOW"}]}"#,
        "both 'name' and 'names' are specified"
      ),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}], "syscalls": []}"#,
        "both 'architectures' and 'archMap' are specified"
      ),
      (
        #"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "four"}}]}"#,
        #"syscalls[0].includes.minKernel: invalid kernel version "four""#
      ),
      (#"{"syscalls": []}"#, "defaultAction: missing required field"),
      (#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": 3}]}"#, "syscalls[0].action: expected String"),
      ("{not json", "invalid JSON"),
    ])
  func badProfiles(json: String, expected: String) throws {
    let error = try #require(throws: SeccompError.self) {
      try SeccompProfile.decode(from: Data(json.utf8), source: "test.json")
    }
    #expect(error.description.hasPrefix("test.json: "))
    #expect(error.description.contains(expected), "\(error.description)")
  }

  @Test("Kernel versions parse like Docker's")
  func kernelVersions() throws {
    #expect(SeccompProfile.KernelVersion(parsing: "6.18.44-fc-v595") == .init(6, 18))
    #expect(SeccompProfile.KernelVersion(parsing: "4.8") == .init(4, 8))
    #expect(SeccompProfile.KernelVersion(parsing: "5") == nil)
    #expect(SeccompProfile.KernelVersion(4, 8) < .init(4, 10))
    #expect(try SeccompProfile.KernelVersion.host() >= .init(3, 0))
  }
}
