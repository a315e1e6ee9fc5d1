import Foundation
import Testing

/// Crash safety, signals, terminals and the image commands, through the `berth` CLI.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct LifecycleTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func sigkillOfBerthLeavesNothingBehind() throws {
    let p = try box.background(["run", "--name", "victim", "--memory", "64m", "busybox", "sleep", "60"])
    waitUntil { box.berth(["ps", "-q"]).out.count > 0 }
    let id = box.berth(["inspect", "-f", "{{.Id}}", "victim"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    let pid = box.berth(["inspect", "-f", "{{.State.Pid}}", "victim"]).out.trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(Int(pid) ?? 0 > 0)
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    // The container's init dies with its parent; the next command records it and frees the cgroup.
    waitUntil { kill(Int32(pid) ?? 0, 0) != 0 }
    let ps = box.berth(["ps", "-a", "--filter", "name=victim"]).out
    #expect(ps.contains("Exited (137)"))
    #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/berth/\(id)"))
    #expect(box.berth(["rm", "victim"]).code == 0)
    #expect(box.berth(["run", "--rm", "--name", "victim", "busybox", "true"]).code == 0)
    let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
    #expect(!mounts.contains(box.dataRoot))
  }

  @Test func sigtermReachesTheContainer() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BerthFixture.berth)
    p.arguments = [
      "--data-root", box.dataRoot, "--exec-root", box.execRoot, "run", "--rm", "--name", "term", "busybox", "sh", "-c",
      "trap 'echo got-term; exit 5' TERM; echo ready; while true; do sleep 0.1; done",
    ]
    let out = Pipe()
    p.standardOutput = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains("ready") {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      seen += chunk
    }
    kill(p.processIdentifier, SIGTERM)
    seen += out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 5)
    #expect(String(decoding: seen, as: UTF8.self).contains("got-term"))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func terminalIsARealPty() {
    let command =
      "\(BerthFixture.berth) --data-root \(box.dataRoot) --exec-root \(box.execRoot) run --rm -it busybox sh -c 'test -t 0 && test -t 1 && echo is-a-tty; stty size'"
    let r = BerthFixture.run("/usr/bin/script", ["-qec", "stty rows 33 cols 77; " + command, "/dev/null"])
    #expect(r.code == 0)
    #expect(r.out.contains("is-a-tty"))
    #expect(r.out.contains("33 77"))
  }

  @Test func hostileImportChangesNothing() throws {
    let before = box.berth(["images", "-q"]).out
    let tar = NSTemporaryDirectory() + "berth-hostile-\(getpid()).tar"
    BerthFixture.shell(
      "python3 -c \"import tarfile,io; t=tarfile.open('\(tar)','w'); i=tarfile.TarInfo('l'); i.type=tarfile.SYMTYPE; i.linkname='/tmp'; t.addfile(i); i=tarfile.TarInfo('l/berth-pwned'); i.size=1; t.addfile(i, io.BytesIO(b'x')); t.close()\""
    )
    let r = box.berth(["import", tar, "evil"])
    #expect(r.code != 0)
    #expect(r.err.contains("refusing to write through symlink"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/berth-pwned"))
    #expect(box.berth(["images", "-q"]).out == before)
    let blobs = try FileManager.default.contentsOfDirectory(atPath: box.dataRoot + "/content/blobs/sha256")
    #expect(blobs.count == 3)  // busybox's layer, config and manifest only
  }

  @Test func importChangesAndInspect() {
    let r = box.berth([
      "import", "-c", "CMD [\"echo\", \"from-cmd\"]", "-c", "ENV GREETING=hi", "-c", "WORKDIR /tmp",
      BerthFixture.busyboxTar, "configured:v1",
    ])
    #expect(r.code == 0)
    #expect(
      box.berth(["inspect", "-f", "{{.Config.Cmd}} {{.Config.WorkingDir}} {{json .Config.Env}}", "configured:v1"]).out
        == "[echo from-cmd] /tmp [\"GREETING=hi\"]\n")
    #expect(box.berth(["run", "--rm", "configured:v1"]).out == "from-cmd\n")
    #expect(box.berth(["run", "--rm", "configured:v1", "sh", "-c", "echo $GREETING $(pwd)"]).out == "hi /tmp\n")
    let json = box.berth(["image", "inspect", "configured:v1"]).out
    #expect(json.hasPrefix("[\n    {\n        \"Id\": \"sha256:"))
    #expect(json.contains("\"RepoTags\": [\n            \"configured:v1\"\n        ]"))
    #expect(box.berth(["inspect", "-f", "{{.NoSuchField}}", "configured:v1"]).code != 0)
  }

  @Test func tagHistoryAndRmi() {
    #expect(box.berth(["tag", "busybox", "localhost:5000/team/box:1.0"]).code == 0)
    let images = box.berth(["images"]).out
    #expect(images.contains("localhost:5000/team/box   1.0"))
    let history = box.berth(["history", "busybox"]).out
    #expect(history.hasPrefix("IMAGE          CREATED"))
    #expect(history.contains("Imported from"))
    #expect(box.berth(["rmi", "localhost:5000/team/box:1.0"]).out == "Untagged: localhost:5000/team/box:1.0\n")
    #expect(box.berth(["create", "--name", "user", "busybox", "true"]).code == 0)
    let refused = box.berth(["rmi", "busybox"])
    #expect(refused.code == 1)
    #expect(refused.err.contains("container"))
    #expect(box.berth(["rm", "user"]).code == 0)
    let removed = box.berth(["rmi", "busybox"])
    #expect(removed.out.hasPrefix("Untagged: busybox:latest\nDeleted: sha256:"))
    #expect(box.berth(["images", "-q"]).out == "")
    let layers = (try? FileManager.default.contentsOfDirectory(atPath: box.dataRoot + "/layers")) ?? []
    #expect(layers.isEmpty)
    #expect(box.berth(["rmi", "busybox"]).err.contains("No such image: busybox:latest"))
  }
}
