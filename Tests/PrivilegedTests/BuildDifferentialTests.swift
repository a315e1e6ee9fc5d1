import Foundation
import Testing

/// The same Dockerfile built by Berth and by Debian's dockerd (classic builder, `DOCKER_BUILDKIT=0`,
/// started on its own socket and data root) gives the same config fields and file tree.
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd"), "needs root and dockerd"))
struct BuildDifferentialTests {
  let docker =
    ["/usr/local/bin/docker", "/usr/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) }
    ?? "docker"

  @Test func configAndTreeMatchDockerd() throws {
    let box = try Sandbox()
    let work = box.dataRoot + "-dockerd"
    let sock = "unix://\(work)/docker.sock"
    let context = work + "/ctx"
    try FileManager.default.createDirectory(atPath: context + "/src/sub", withIntermediateDirectories: true)
    try Data("print('hi')\n".utf8).write(to: URL(fileURLWithPath: context + "/app.py"))
    try Data("x\n".utf8).write(to: URL(fileURLWithPath: context + "/src/sub/x"))
    try Data(
      """
      FROM busybox
      WORKDIR /app
      COPY . /app
      COPY src /data/
      RUN echo built > /app/built && rm /bin/vi && mkdir -p /var/lib/x && chmod 700 /var/lib/x
      ENV NAME=World PATH=/app:$PATH
      EXPOSE 80 53/udp
      CMD ["python", "app.py"]

      """.utf8
    ).write(to: URL(fileURLWithPath: context + "/Dockerfile"))
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
    #expect(BerthFixture.run(docker, ["-H", sock, "load", "-i", tar]).code == 0)
    let built = BerthFixture.run(
      docker, ["-H", sock, "build", "--network", "none", "-t", "diff", context], env: ["DOCKER_BUILDKIT": "0"])
    #expect(built.code == 0, "\(built.err)")
    #expect(box.berth(["build", "-t", "diff", context]).code == 0)

    let format =
      "{{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}} "
      + "{{json .Config.ExposedPorts}} {{len .RootFS.Layers}}"
    let theirs = BerthFixture.run(docker, ["-H", sock, "inspect", "-f", format, "diff"]).out
    let ours = box.berth(["inspect", "-f", format, "diff"]).out
    #expect(ours == theirs)

    // /etc/hosts, hostname, resolv.conf and mtab are each engine's runtime files, not the build's.
    let tree =
      "find /app /data /var/lib/x /etc | grep -vE '^/etc/(hosts|hostname|resolv.conf|mtab)$' | sort | while read f; do "
      + "stat -c '%n %F %a %u:%g %s' \"$f\"; [ -f \"$f\" ] && md5sum \"$f\" | cut -c1-32; done; ls /bin/vi 2>&1"
    let dockerTree = BerthFixture.run(
      docker, ["-H", sock, "run", "--rm", "--network", "none", "diff", "sh", "-c", tree]
    ).out
    let berthTree = box.berth(["run", "--rm", "--network", "none", "diff", "sh", "-c", tree]).out
    #expect(!berthTree.isEmpty)
    #expect(berthTree == dockerTree)
    if berthTree != dockerTree {
      try Data(berthTree.utf8).write(to: URL(fileURLWithPath: "/tmp/berth-build-diff-berth.txt"))
      try Data(dockerTree.utf8).write(to: URL(fileURLWithPath: "/tmp/berth-build-diff-docker.txt"))
    }
  }
}
