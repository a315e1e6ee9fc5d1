import BerthOCI
import BerthRuntime
import Testing

@Suite struct CapabilityTests {
  @Test func dockerDefaultMask() {
    #expect(Capabilities.mask(Capabilities.dockerDefault) == 0xa804_25fb)
  }

  @Test func addAndDrop() throws {
    let caps = try Capabilities.resolve(add: ["net_admin"], drop: ["CAP_CHOWN", "mknod"], privileged: false)
    #expect(caps.contains("CAP_NET_ADMIN"))
    #expect(!caps.contains("CAP_CHOWN") && !caps.contains("CAP_MKNOD"))
    #expect(try Capabilities.resolve(add: [], drop: ["ALL"], privileged: false).isEmpty)
    #expect(try Capabilities.resolve(add: [], drop: [], privileged: true).count == Capabilities.names.count)
    #expect(throws: BerthError.self) { try Capabilities.resolve(add: ["NOPE"], drop: [], privileged: false) }
  }
}

@Suite struct UserLookupTests {
  static let passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
  static let group = "root:x:0:\nwheel:x:10:app,other\naudio:x:29:app\napp:x:1000:\n"

  @Test(arguments: [
    ("", UInt32(0), UInt32(0), [UInt32](), "/root"),
    ("app", 1000, 1000, [10, 29], "/home/app"),
    ("1000", 1000, 1000, [10, 29], "/home/app"),
    ("app:wheel", 1000, 10, [], "/home/app"),
    ("4242", 4242, 0, [], "/"),
    ("4242:77", 4242, 77, [], "/"),
  ])
  func resolves(user: String, uid: UInt32, gid: UInt32, groups: [UInt32], home: String) throws {
    let r = try UserLookup.resolve(user, passwd: Self.passwd, group: Self.group)
    #expect(r.uid == uid && r.gid == gid && r.additionalGids == groups && r.home == home)
  }

  @Test func unknownNames() {
    #expect(throws: BerthError.self) { try UserLookup.resolve("nobody2", passwd: Self.passwd, group: Self.group) }
    #expect(throws: BerthError.self) { try UserLookup.resolve("app:nogroup", passwd: Self.passwd, group: Self.group) }
  }
}

@Suite struct SetupPlanTests {
  func spec(privileged: Bool) -> RuntimeSpec {
    var linux = RuntimeSpec.Linux()
    linux.privileged = privileged
    linux.devices = privileged ? [] : RuntimeSpec.defaultDevices
    linux.maskedPaths = privileged ? [] : RuntimeSpec.defaultMaskedPaths
    linux.readonlyPaths = privileged ? [] : RuntimeSpec.defaultReadonlyPaths
    var mounts = RuntimeSpec.defaultMounts(privileged: privileged)
    mounts.append(.init(destination: "/etc/hosts", type: "bind", source: "/x/hosts", options: ["rbind"]))
    return RuntimeSpec(
      process: .init(args: ["sh"], env: []),
      root: .init(path: "/r", lowerDirs: ["/l"], upperDir: "/u", workDir: "/w"), hostname: "h", mounts: mounts,
      linux: linux)
  }

  @Test func defaultOperations() {
    let ops = SetupPlan.operations(for: spec(privileged: false), isFile: { $0.hasSuffix("hosts") })
    #expect(ops.first == SetupOp(.mount, source: "proc", target: "/proc", fstype: "proc", flags: 0xe))
    #expect(ops.contains { $0.kind == .mknod && $0.target == "/dev/null" && $0.dev == 0x103 })
    #expect(ops.contains { $0.kind == .symlink && $0.target == "/dev/ptmx" && $0.source == "pts/ptmx" })
    #expect(ops.contains { $0.kind == .bindFile && $0.target == "/etc/hosts" })
    #expect(ops.filter { $0.kind == .mask }.count == RuntimeSpec.defaultMaskedPaths.count)
    #expect(ops.contains { $0.kind == .readonly && $0.target == "/proc/sys" })
    let sys = ops.first { $0.target == "/sys" }
    #expect((sys?.flags ?? 0) & 1 == 1)  // MS_RDONLY
  }

  @Test func privilegedHasNoMasks() {
    let ops = SetupPlan.operations(for: spec(privileged: true), isFile: { _ in true })
    #expect(!ops.contains { $0.kind == .mask || $0.kind == .readonly || $0.kind == .mknod })
  }

  @Test func hostDevicesAreTheHostsNodesWithoutPerContainerMounts() {
    let devices = RuntimeSpec.hostDevices()
    #expect(devices.contains { $0.path == "/dev/null" && $0.type == "c" && $0.major == 1 && $0.minor == 3 })
    #expect(!devices.contains { $0.path.hasPrefix("/dev/pts/") || $0.path == "/dev/console" })
  }

  @Test func mountOptions() {
    let (flags, data) = SetupPlan.mountFlags(["nosuid", "ro", "mode=755", "size=65536k", "rprivate"])
    #expect(flags == 0x3)
    #expect(data == "mode=755,size=65536k")
  }

  @Test(arguments: [
    ("nofile=1024:2048", "RLIMIT_NOFILE", UInt64(1024), UInt64(2048)), ("nproc=10", "RLIMIT_NPROC", 10, 10),
  ])
  func ulimits(value: String, type: String, soft: UInt64, hard: UInt64) throws {
    let r = try Rlimits.parse(value)
    #expect(r.type == type && r.soft == soft && r.hard == hard)
  }

  @Test func ulimitErrors() {
    #expect(throws: BerthError.self) { try Rlimits.parse("bogus=1") }
    #expect(throws: BerthError.self) { try Rlimits.parse("nofile=20:10") }
  }
}
