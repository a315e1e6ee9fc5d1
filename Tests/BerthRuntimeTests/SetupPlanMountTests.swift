import BerthOCI
import BerthRuntime
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Binds, volumes and tmpfs mounts become the init's mount operations (whose targets it resolves
/// inside the root) with their flags, data and propagation.
@Suite struct SetupPlanMountTests {
  static func spec(_ mounts: [RuntimeSpec.Mount]) -> RuntimeSpec {
    RuntimeSpec(
      process: .init(args: ["sh"], env: []), root: .init(path: "/r", lowerDirs: [], upperDir: "/u", workDir: "/w"),
      hostname: "h", mounts: mounts, linux: .init())
  }

  @Test func bindsVolumesAndTmpfsGoThroughMountOps() {
    let ops = SetupPlan.operations(
      for: Self.spec([
        .init(destination: "/ro", type: "bind", source: "/host/dir", options: ["rbind", "ro", "rprivate"]),
        .init(destination: "/f", type: "bind", source: "/host/file", options: ["rbind", "rw", "rshared"]),
        .init(
          destination: "/t", type: "tmpfs", source: "tmpfs", options: ["noexec", "nosuid", "size=1m", "mode=1770"]),
      ]),
      isFile: { $0 == "/host/file" })
    #expect(ops.count == 3)
    #expect(ops[0].kind == .mount && ops[0].flags & UInt(MS_RDONLY) != 0 && ops[0].flags & UInt(MS_BIND) != 0)
    #expect(ops[0].propagation == 0)
    #expect(ops[1].kind == .bindFile && ops[1].propagation == UInt(MS_SHARED | MS_REC))
    #expect(ops[2].kind == .mount && ops[2].fstype == "tmpfs" && ops[2].data == "size=1m,mode=1770")
    #expect(ops[2].flags == UInt(MS_NOEXEC | MS_NOSUID))
  }

  @Test(
    arguments: [
      (["rprivate"], 0), (["private"], 0), (["slave"], MS_SLAVE), (["rslave"], MS_SLAVE | MS_REC),
      (["shared"], MS_SHARED), (["rbind", "rshared"], MS_SHARED | MS_REC),
    ] as [([String], Int)])
  func propagation(_ options: [String], _ flags: Int) {
    #expect(SetupPlan.propagationFlags(options) == UInt(flags))
  }
}
