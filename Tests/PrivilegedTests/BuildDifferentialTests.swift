import Foundation
import Testing

/// The same Dockerfile built by Berth and by Debian's dockerd (classic builder, `DOCKER_BUILDKIT=0`,
/// started on its own socket and data root) gives the same config fields and file tree.
///
/// Cases are directories under `BuildCases/`: each is a build context with its `Dockerfile`, and
/// optionally `build-flags` (extra `build` arguments, one per line) and `Dockerfile.pre` (built
/// first, tagged `<case>-pre`, for a base image such as an ONBUILD parent).
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd"), "needs root and dockerd"),
  .serialized)
struct BuildDifferentialTests {
  static let casesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/BuildCases"
  static let cases: [String] =
    ((try? FileManager.default.contentsOfDirectory(atPath: casesDirectory)) ?? []).filter {
      FileManager.default.fileExists(atPath: casesDirectory + "/" + $0 + "/Dockerfile")
    }.sorted()

  /// The config fields the issue names, each printed as JSON.
  static let fields = [
    "Cmd", "Entrypoint", "Env", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels", "StopSignal",
    "Healthcheck", "Shell", "OnBuild",
  ]

  @Test(arguments: cases) func configAndTreeMatchDockerd(_ name: String) throws {
    let box = try Sandbox()
    let docker = try Dockerd(work: box.dataRoot + "-dockerd")
    defer { docker.stop() }
    let tar = docker.work + "/busybox.tar"
    #expect(box.berth(["save", "-o", tar, "busybox"]).code == 0)
    #expect(docker.cli(["load", "-i", tar]).code == 0)

    let context = docker.work + "/" + name
    #expect(BerthFixture.shell("cp -a '\(Self.casesDirectory)/\(name)' '\(context)'").code == 0)
    let flags =
      (try? String(contentsOfFile: context + "/build-flags", encoding: .utf8))?.split(separator: "\n").map(
        String.init) ?? []
    var builds: [(file: String, tag: String)] = []
    if FileManager.default.fileExists(atPath: context + "/Dockerfile.pre") {
      builds.append((context + "/Dockerfile.pre", name + "-pre"))
    }
    builds.append((context + "/Dockerfile", name))
    for build in builds {
      let args = ["build", "--network", "none", "-f", build.file, "-t", build.tag] + flags + [context]
      let theirs = docker.cli(args, env: ["DOCKER_BUILDKIT": "0"])
      #expect(theirs.code == 0, "dockerd: \(theirs.err)")
      let ours = box.berth(args)
      #expect(ours.code == 0, "berth: \(ours.err)")
    }

    let theirs = Self.fields(docker.cli(["inspect", "-f", "{{json .Config}}", name]).out)
    let ours = Self.fields(box.berth(["inspect", "-f", "{{json .Config}}", name]).out)
    for field in Self.fields {
      #expect(ours[field] == theirs[field], "\(name): Config.\(field)")
    }

    let listing = ["run", "--rm", "--network", "none", "-u", "0", "--entrypoint", "/bin/sh", name, "-c", Self.tree]
    let dockerTree = docker.cli(listing).out
    let berthTree = box.berth(listing).out
    #expect(!berthTree.isEmpty)
    #expect(berthTree == dockerTree, "\(name): file tree")
    if berthTree != dockerTree {
      try Data(berthTree.utf8).write(to: URL(fileURLWithPath: "/tmp/berth-build-diff-\(name)-berth.txt"))
      try Data(dockerTree.utf8).write(to: URL(fileURLWithPath: "/tmp/berth-build-diff-\(name)-docker.txt"))
    }
  }

  /// Each compared field of a `{{json .Config}}` as sorted-key JSON; absent fields are `null`.
  static func fields(_ json: String) -> [String: String] {
    let object =
      (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) as? [String: Any]
    var result: [String: String] = [:]
    for field in fields {
      let value = object?[field] ?? NSNull()
      let data = try? JSONSerialization.data(
        withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
      result[field] = data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }
    return result
  }

  /// The image's file tree as `path type mode uid:gid` lines with each file's md5 and each link's
  /// target, listed inside a container (busybox tools), without each engine's runtime files
  /// (/etc/hosts, hostname, resolv.conf, mtab, /.dockerenv) and mounts (/dev, /proc, /sys,
  /// volumes' contents).
  static let tree =
    "find / -xdev | grep -vE '^/(etc/(hosts|hostname|resolv.conf|mtab)|\\.dockerenv|dev|proc|sys)$' | sort | "
    + "while read f; do stat -c '%n %F %a %u:%g' \"$f\"; if [ -L \"$f\" ]; then readlink \"$f\"; "
    + "elif [ -f \"$f\" ]; then md5sum \"$f\" | cut -c1-32; fi; done"
}

/// Debian's dockerd on its own socket, data root and exec root, with no bridge or iptables rules.
struct Dockerd {
  let work: String
  let socket: String
  let process = Process()
  let client =
    ["/usr/local/bin/docker", "/usr/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) }
    ?? "docker"

  init(work: String) throws {
    self.work = work
    socket = "unix://\(work)/docker.sock"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/dockerd")
    process.arguments = [
      "--data-root", work + "/data", "--exec-root", work + "/exec", "-H", socket, "--pidfile", work + "/pid",
      "--iptables=false", "--bridge=none",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var ready = false
    for _ in 0..<150 where !ready {
      ready = cli(["version"]).code == 0
      if !ready { usleep(200_000) }
    }
    if !ready {
      stop()
      throw SandboxError(message: "dockerd did not start")
    }
  }

  /// Runs the docker CLI against this daemon.
  func cli(_ args: [String], env: [String: String] = [:]) -> (code: Int32, out: String, err: String) {
    BerthFixture.run(client, ["-H", socket] + args, env: env)
  }

  func stop() {
    process.terminate()
    process.waitUntilExit()
    BerthFixture.shell("umount \(work)/data/overlay2 2>/dev/null; rm -rf \(work)")
  }
}
