import Foundation
import Testing

@testable import BerthRuntime

/// The host's cgroup2 mount, if any.
private let unifiedRoot = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"].first {
  FileManager.default.fileExists(atPath: $0 + "/cgroup.controllers")
}

/// The cgroup v2 code path on a real unified hierarchy: /sys/fs/cgroup on a v2 host, or the
/// hybrid layout's /sys/fs/cgroup/unified here (no controllers there, but the kernel enforces
/// cgroup BPF programs of the unified hierarchy for every process).
@Suite(.enabled(if: isRoot && unifiedRoot != nil, "needs root and a cgroup2 mount"))
struct CgroupV2Tests {
  @Test func deviceAllowlistIsEnforcedByTheBPFProgram() throws {
    let root = try #require(unifiedRoot)
    let id = "v2-test-\(getpid())"
    let cgroup = Cgroup(containerID: id, parent: "berth-test", root: root)
    #expect(cgroup.version == .v2)
    try cgroup.create(RuntimeSpec.Resources(), privileged: false)
    defer {
      cgroup.remove()
      rmdir(root + "/berth-test")
    }
    // A shell that joins the cgroup, then opens an allowed device and one outside the allowlist.
    let script = """
      echo $$ > \(cgroup.paths[0])/cgroup.procs
      : < /dev/null && echo null-allowed
      (: < /dev/kmsg) 2>/dev/null && echo kmsg-allowed || echo kmsg-denied
      """
    let r = BerthFixture.shell(script)
    #expect(r.out == "null-allowed\nkmsg-denied\n", "\(r.out) \(r.err)")
    // The host itself is unaffected.
    #expect(BerthFixture.shell(": < /dev/kmsg && echo ok").out == "ok\n")
  }

  @Test func deviceRulesParseAsDevicesAllowLines() throws {
    let rule = try Cgroup.deviceRule("c 136:* rwm")
    #expect(rule.type == CChar(UInt8(ascii: "c")) && rule.major == 136 && rule.minor == -1 && rule.access == 7)
    #expect(throws: Error.self) { try Cgroup.deviceRule("x 1:2 r") }
    #expect(throws: Error.self) { try Cgroup.deviceRule("c 1:2 q") }
  }
}
