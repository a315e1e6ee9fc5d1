import Foundation
import Testing

/// Volumes and mounts in real containers: binds, named and anonymous volumes with copy-up,
/// tmpfs, `--mount`, `--volumes-from`, the volume commands, and images that try to lead a mount
/// out of the container's root with symlinks.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct VolumeTests {
  let box: Sandbox
  /// A scratch directory on the host, removed with the sandbox.
  let host: String

  init() throws {
    box = try Sandbox()
    host = (box.dataRoot as NSString).deletingLastPathComponent + "/host"
    BerthFixture.shell("mkdir -p '\(host)'")
  }

  /// Imports busybox plus `setup` (a shell script run in the unpacked rootfs) with `changes`.
  func makeImage(_ name: String, setup: String, changes: [String]) throws {
    let dir = host + "/image-" + name
    let tar = dir + ".tar"
    let r = BerthFixture.shell(
      "mkdir -p '\(dir)' && tar -C '\(dir)' -xf '\(BerthFixture.busyboxTar)' && cd '\(dir)' && \(setup) && tar -C '\(dir)' -cf '\(tar)' ."
    )
    guard r.code == 0 else { throw SandboxError(message: "image setup failed: \(r.err)") }
    let imported = box.berth(["import"] + changes.flatMap { ["-c", $0] } + [tar, name])
    guard imported.code == 0 else { throw SandboxError(message: "import failed: \(imported.err)") }
  }

  @Test func bindMountsReadWriteAndReadOnly() throws {
    try "from host\n".write(toFile: host + "/in", atomically: true, encoding: .utf8)
    let rw = box.berth(["run", "--rm", "-v", "\(host):/h", "busybox", "sh", "-c", "cat /h/in; echo back > /h/out"])
    #expect(rw.code == 0 && rw.out == "from host\n", "\(rw.err)")
    #expect((try? String(contentsOfFile: host + "/out", encoding: .utf8)) == "back\n")

    let ro = box.berth(["run", "--rm", "-v", "\(host):/h:ro", "busybox", "sh", "-c", "cat /h/in; echo x > /h/denied"])
    #expect(ro.code != 0 && ro.out == "from host\n" && ro.err.contains("Read-only file system"))
    #expect(!FileManager.default.fileExists(atPath: host + "/denied"))

    // A single file, and a missing host directory that -v makes (as Docker does).
    let file = box.berth(["run", "--rm", "-v", "\(host)/in:/etc/motd:ro", "busybox", "cat", "/etc/motd"])
    #expect(file.out == "from host\n")
    #expect(box.berth(["run", "--rm", "-v", "\(host)/made/here:/m", "busybox", "touch", "/m/x"]).code == 0)
    #expect(FileManager.default.fileExists(atPath: host + "/made/here/x"))

    box.berth(["create", "--name", "binder", "-v", "\(host):/h:ro", "busybox", "true"])
    #expect(box.value("{{json .HostConfig.Binds}}", "binder") == "[\"\(host):/h:ro\"]")
    #expect(
      box.value("{{json .Mounts}}", "binder")
        == "[{\"Type\":\"bind\",\"Source\":\"\(host)\",\"Destination\":\"/h\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"rprivate\"}]"
    )
  }

  @Test func namedVolumePersistsAndIsSharedByRunningContainers() throws {
    #expect(box.berth(["run", "--rm", "-v", "data:/data", "busybox", "sh", "-c", "echo kept > /data/f"]).code == 0)
    #expect(box.berth(["run", "--rm", "-v", "data:/data", "busybox", "cat", "/data/f"]).out == "kept\n")
    #expect(box.berth(["volume", "ls", "-q"]).out == "data\n")

    let loop = "while true; do echo $0 >> /s/log; sleep 0.05; done"
    #expect(box.berth(["run", "-d", "--name", "w1", "-v", "shared:/s", "busybox", "sh", "-c", loop, "one"]).code == 0)
    #expect(box.berth(["run", "-d", "--name", "w2", "-v", "shared:/s", "busybox", "sh", "-c", loop, "two"]).code == 0)
    waitUntil {
      let log = (try? String(contentsOfFile: box.dataRoot + "/volumes/shared/_data/log", encoding: .utf8)) ?? ""
      return log.contains("one") && log.contains("two")
    }
    let both = box.berth(["run", "--rm", "-v", "shared:/s", "busybox", "sh", "-c", "sort -u /s/log"])
    #expect(both.out == "one\ntwo\n")

    let id1 = box.value("{{.Id}}", "w1")
    let id2 = box.value("{{.Id}}", "w2")
    let inUse = box.berth(["volume", "rm", "shared"])
    let ids = [id1, id2].sorted().joined(separator: " ")
    #expect(inUse.code == 1 && inUse.err == "Error response from daemon: remove shared: volume is in use - [\(ids)]\n")
    #expect(box.berth(["volume", "rm", "-f", "shared"]).code == 1)  // force does not remove a volume in use
    #expect(box.berth(["rm", "-f", "w1", "w2"]).code == 0)
    #expect(box.berth(["volume", "rm", "shared"]).out == "shared\n")
    #expect(!FileManager.default.fileExists(atPath: box.dataRoot + "/volumes/shared"))
  }

  @Test func imageVolumeGetsTheImageContent() throws {
    try makeImage(
      "withvol",
      setup:
        "mkdir -p data/sub && echo seed > data/file && ln -s file data/link && chown -R 1000:1001 data && chmod 0750 data",
      changes: ["VOLUME /data"])
    let r = box.berth([
      "run", "--name", "v1", "withvol", "sh", "-c",
      "cat /data/file /data/link; stat -c '%u:%g %a' /data; echo new > /data/new",
    ])
    #expect(r.code == 0 && r.out == "seed\nseed\n1000:1001 750\n", "\(r.err)")
    let name = box.value("{{range .Mounts}}{{.Name}}{{end}}", "v1")
    #expect(name.count == 64 && name.allSatisfy(\.isHexDigit))
    #expect(box.value("{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}}{{end}}", "v1") == "volume /data true")
    // Restarting keeps the volume's content (no second copy-up over it).
    #expect(box.berth(["start", "-a", "v1"]).code == 0)
    let data = box.dataRoot + "/volumes/\(name)/_data"
    #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: data + "/link")) == "file")
    #expect(FileManager.default.fileExists(atPath: data + "/new"))

    // `rm -v` removes the anonymous volume; plain `rm` keeps it for `volume prune`.
    #expect(box.berth(["rm", "-v", "v1"]).code == 0)
    #expect(!FileManager.default.fileExists(atPath: box.dataRoot + "/volumes/\(name)"))
    box.berth(["run", "--name", "v2", "withvol", "true"])
    #expect(box.berth(["rm", "v2"]).code == 0)
    #expect(box.berth(["volume", "ls", "-q", "--filter", "dangling=true"]).out.count == 65)
    let prune = box.berth(["volume", "prune", "-f"])
    #expect(prune.out.hasPrefix("Deleted Volumes:\n") && prune.out.contains("Total reclaimed space: "))
    #expect(box.berth(["volume", "ls", "-q"]).out == "")

    // `run --rm` takes its anonymous volumes along, but not named ones; volume-nocopy copies nothing.
    #expect(box.berth(["run", "--rm", "-v", "named:/named", "withvol", "ls", "/data"]).out == "file\nlink\nsub\n")
    #expect(box.berth(["volume", "ls", "-q"]).out == "named\n")
    let nocopy = box.berth([
      "run", "--rm", "--mount", "type=volume,target=/data,volume-nocopy", "withvol", "ls", "/data",
    ])
    #expect(nocopy.code == 0 && nocopy.out == "")
  }

  @Test func tmpfsAndMountForms() throws {
    let t = box.berth([
      "run", "--rm", "--tmpfs", "/run:size=1m,mode=1770", "busybox", "sh", "-c",
      "grep ' /run ' /proc/mounts; stat -c %a /run",
    ])
    #expect(t.out.hasPrefix("tmpfs /run tmpfs rw,nosuid,nodev,noexec") && t.out.contains("size=1024k"), "\(t.err)")
    #expect(t.out.hasSuffix("\n1770\n"))
    let m = box.berth([
      "run", "--rm", "--mount", "type=tmpfs,target=/scratch,tmpfs-size=2m", "busybox", "grep", " /scratch ",
      "/proc/mounts",
    ])
    #expect(m.out.contains("size=2048k"))

    let bind = box.berth([
      "run", "--rm", "--mount", "type=bind,source=\(host),target=/h,readonly", "busybox", "touch", "/h/no",
    ])
    #expect(bind.code == 1 && bind.err.contains("Read-only file system"))
    let volume = box.berth([
      "run", "--rm", "--mount", "source=mvol,target=/v", "busybox", "sh", "-c", "echo ok > /v/f && cat /v/f",
    ])
    #expect(volume.out == "ok\n")

    let missing = box.berth(["run", "--rm", "--mount", "type=bind,source=\(host)/nope,target=/x", "busybox", "true"])
    #expect(missing.code == 125)
    #expect(
      missing.err.contains("invalid mount config for type \"bind\": bind source path does not exist: \(host)/nope"))
    #expect(!FileManager.default.fileExists(atPath: host + "/nope"))
    let badType = box.berth(["run", "--rm", "--mount", "type=nfs,target=/x", "busybox", "true"])
    #expect(badType.code == 125 && badType.err.contains("mount type unknown"))
    let noTarget = box.berth(["run", "--rm", "--mount", "type=volume,source=x", "busybox", "true"])
    #expect(noTarget.code == 125 && noTarget.err.contains("target is required"))
    let dup = box.berth(["run", "--rm", "-v", "a1:/x", "--mount", "source=a2,target=/x", "busybox", "true"])
    #expect(dup.code == 125 && dup.err.contains("Duplicate mount point: /x"))
    let badName = box.berth(["run", "--rm", "-v", "bad@name:/x", "busybox", "true"])
    #expect(
      badName.code == 125 && badName.err.contains("\"bad@name\" includes invalid characters for a local volume name"))
  }

  @Test func volumesFrom() throws {
    box.berth(["create", "--name", "store", "-v", "vf:/vf", "-v", "/anon", "-v", "\(host):/h", "busybox", "true"])
    #expect(box.berth(["run", "--rm", "-v", "vf:/vf", "busybox", "sh", "-c", "echo from-store > /vf/f"]).code == 0)
    let rw = box.berth([
      "run", "--rm", "--volumes-from", "store", "busybox", "sh", "-c", "cat /vf/f; touch /anon/ok /h/ok",
    ])
    #expect(rw.code == 0 && rw.out == "from-store\n", "\(rw.err)")
    #expect(FileManager.default.fileExists(atPath: host + "/ok"))
    let ro = box.berth(["run", "--rm", "--volumes-from", "store:ro", "busybox", "sh", "-c", "cat /vf/f; touch /vf/no"])
    #expect(ro.code == 1 && ro.out == "from-store\n" && ro.err.contains("Read-only file system"))
    let missing = box.berth(["run", "--rm", "--volumes-from", "nosuch", "busybox", "true"])
    #expect(missing.code == 125 && missing.err.contains("No such container: nosuch"))
    // The anonymous volume of store survived the --rm runs that borrowed it.
    #expect(box.berth(["run", "--rm", "--volumes-from", "store", "busybox", "ls", "/anon"]).out == "ok\n")
  }

  @Test func volumeCommands() throws {
    let created = box.berth(["volume", "create", "--label", "team=a", "--label", "flag", "labelled"])
    #expect(created.code == 0 && created.out == "labelled\n")
    #expect(box.berth(["volume", "create", "labelled"]).out == "labelled\n")  // idempotent, as Docker
    let random = box.berth(["volume", "create"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(random.count == 64 && random.allSatisfy(\.isHexDigit))

    let inspect = box.berth(["volume", "inspect", "labelled"])
    let json = try JSONSerialization.jsonObject(with: Data(inspect.out.utf8)) as? [[String: Any]]
    let doc = json?.first ?? [:]
    #expect(Array(doc.keys).sorted() == ["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"])
    #expect(doc["Driver"] as? String == "local" && doc["Scope"] as? String == "local")
    #expect(doc["Mountpoint"] as? String == box.dataRoot + "/volumes/labelled/_data")
    #expect(doc["Labels"] as? [String: String] == ["team": "a", "flag": ""])
    #expect((doc["CreatedAt"] as? String)?.hasSuffix("Z") == true)
    #expect(box.berth(["volume", "inspect", "-f", "{{.Name}} {{.Labels.team}}", "labelled"]).out == "labelled a\n")

    let ls = box.berth(["volume", "ls"])
    #expect(ls.out == "DRIVER    VOLUME NAME\nlocal     \(random)\nlocal     labelled\n")
    #expect(box.berth(["volume", "ls", "-q", "--filter", "name=label"]).out == "labelled\n")
    #expect(box.berth(["volume", "ls", "-q", "--filter", "label=team=a"]).out == "labelled\n")
    box.berth(["create", "--name", "user", "-v", "labelled:/l", "busybox", "true"])
    #expect(box.berth(["volume", "ls", "-q", "--filter", "dangling=true"]).out == "\(random)\n")
    #expect(box.berth(["volume", "ls", "-q", "--filter", "dangling=false"]).out == "labelled\n")

    let missing = box.berth(["volume", "inspect", "nosuch"])
    #expect(missing.code == 1 && missing.err == "Error: No such volume: nosuch\n")
    let rmMissing = box.berth(["volume", "rm", "nosuch"])
    #expect(rmMissing.code == 1 && rmMissing.err == "Error: No such volume: nosuch\n")
    #expect(box.berth(["volume", "rm", "-f", "nosuch"]).code == 0)
    let bad = box.berth(["volume", "create", "no/slash"])
    #expect(bad.code == 1 && bad.err.contains("\"no/slash\" includes invalid characters for a local volume name"))

    // A stopped container still holds its volumes; a volume created without a name is
    // anonymous (Docker 23+), so plain prune removes it; prune -a finds nothing more.
    let inUse = box.berth(["volume", "rm", "labelled"])
    #expect(inUse.err.contains("remove labelled: volume is in use - [\(box.value("{{.Id}}", "user"))]"))
    let pruned = box.berth(["volume", "prune", "-f"])
    #expect(pruned.out.hasPrefix("Deleted Volumes:\n\(random)\n\n"))
    #expect(box.berth(["volume", "prune", "-a", "-f"]).out == "Total reclaimed space: 0B\n")
    #expect(box.berth(["volume", "ls", "-q"]).out == "labelled\n")
  }

  @Test func buildRunStepsAndRecovery() throws {
    // As Docker's classic builder: a RUN after VOLUME writes into a throwaway anonymous volume,
    // so the change is not in the image, and no volume is left behind.
    let context = host + "/ctx"
    BerthFixture.shell("mkdir -p '\(context)'")
    try "FROM busybox\nVOLUME /v\nRUN echo lost > /v/f && echo kept > /k\n".write(
      toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
    let build = box.berth(["build", "-t", "vbuilt", context])
    #expect(build.code == 0, "\(build.err)")
    #expect(box.berth(["volume", "ls", "-q"]).out == "")
    let r = box.berth(["run", "--rm", "vbuilt", "sh", "-c", "cat /k; ls /v"])
    #expect(r.out == "kept\n")

    // A volume directory without a row (a create that died before its commit) is removed by the
    // next command.
    BerthFixture.shell("mkdir -p '\(box.dataRoot)/volumes/orphan/_data'")
    #expect(box.berth(["volume", "ls", "-q"]).out == "")
    #expect(!FileManager.default.fileExists(atPath: box.dataRoot + "/volumes/orphan"))
  }

  @Test func symlinksInTheImageCannotLeadMountsOutOfTheRoot() throws {
    let sentinel = host + "/sentinel"
    BerthFixture.shell("mkdir -p '\(sentinel)'")
    let up = String(repeating: "../", count: 12)
    try makeImage(
      "hostile",
      setup:
        "ln -s /etc data && ln -s \(up)\(sentinel.dropFirst()) esc && ln -s \(up)etc leak && mkdir -p .\(sentinel)",
      changes: ["VOLUME /leak"])
    try "planted\n".write(toFile: host + "/planted", atomically: true, encoding: .utf8)
    // /data -> /etc: the bind lands on the container's /etc, inside its root.
    let r = box.berth([
      "run", "--rm", "-v", "\(host)/planted:/data/planted", "-v", "\(host):/esc/sub", "hostile", "sh", "-c",
      "cat /etc/planted; ls /esc/sub/planted",
    ])
    #expect(r.code == 0 && r.out == "planted\n/esc/sub/planted\n", "\(r.err)")
    #expect(!FileManager.default.fileExists(atPath: "/etc/planted"))
    // /esc points (relatively) at a host directory's path: the mount point is made inside the root.
    #expect(FileSystemCheck.list(sentinel).isEmpty)
    // The copy-up for VOLUME /leak (-> ../…/etc) copies the image's /etc, not the host's.
    box.berth(["run", "--name", "leaky", "hostile", "true"])
    let name = box.value("{{range .Mounts}}{{.Name}}{{end}}", "leaky")
    let copied = Set(FileSystemCheck.list(box.dataRoot + "/volumes/\(name)/_data"))
    let imageEtc = Set(FileSystemCheck.list(host + "/image-hostile/etc"))
    #expect(!copied.isEmpty && copied == imageEtc)
  }
}

/// Directory listings for assertions.
enum FileSystemCheck {
  static func list(_ path: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  }
}
