import Foundation
import Testing

/// `berth save` output loads into Debian's dockerd (a reference implementation started on its own
/// socket and data root) and runs there.
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd"), "needs root and dockerd"))
struct DockerLoadTests {
  /// The Docker CLI: the machine's own (28) or Debian's.
  let docker =
    ["/usr/local/bin/docker", "/usr/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) }
    ?? "docker"

  @Test func saveLoadsIntoDockerd() throws {
    let box = try Sandbox()
    let work = box.dataRoot + "-dockerd"
    let sock = "unix://\(work)/docker.sock"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    let tar = work + "/busybox.tar"
    #expect(box.berth(["save", "-o", tar, "busybox"]).code == 0)

    let dockerd = Process()
    dockerd.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
    dockerd.arguments = [
      "--data-root", work + "/data", "--exec-root", work + "/exec", "-H", sock, "--pidfile", work + "/pid",
      "--iptables=false", "--bridge=none",
    ]
    dockerd.standardOutput = FileHandle.nullDevice
    dockerd.standardError = FileHandle.nullDevice
    try dockerd.run()
    defer {
      dockerd.terminate()
      dockerd.waitUntilExit()
      BerthFixture.shell("umount \(work)/data/overlay2 2>/dev/null; rm -rf \(work)")
    }
    var ready = false
    for _ in 0..<150 where !ready {
      ready = BerthFixture.run(docker, ["-H", sock, "version"]).code == 0
      if !ready { usleep(200_000) }
    }
    #expect(ready)
    let load = BerthFixture.run(docker, ["-H", sock, "load", "-i", tar])
    #expect(load.code == 0, "\(load.err)")
    #expect(load.out.contains("Loaded image: busybox:latest"))
    let id = box.berth(["inspect", "-f", "{{.Id}}", "busybox"]).out
    let dockerID = BerthFixture.run(docker, ["-H", sock, "inspect", "-f", "{{.Id}}", "busybox"]).out
    #expect(id == dockerID)
    let run = BerthFixture.run(
      docker, ["-H", sock, "run", "--rm", "--network", "none", "busybox", "echo", "hello from berth"])
    #expect(run.out == "hello from berth\n", "\(run.err)")
  }
}
