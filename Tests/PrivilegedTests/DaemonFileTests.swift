import Foundation
import Testing

/// `docker cp` both ways, export, stats, update, `system df`, prunes and list filters through
/// `berth daemon`, driven by the real Docker CLI.
@Suite(
  .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs root and docker"),
  .serialized)
struct DaemonFileTests {
  @Test func copyExportAndChanges() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    #expect(d.docker(["run", "-d", "--name", "box1", "busybox", "sleep", "1000"]).code == 0)
    let host = box.execRoot + "/cp"
    try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
    try "hello\n".write(toFile: host + "/f.txt", atomically: true, encoding: .utf8)
    #expect(d.docker(["cp", host + "/f.txt", "box1:/tmp/"]).code == 0)
    #expect(d.docker(["exec", "box1", "cat", "/tmp/f.txt"]).out == "hello\n")
    #expect(d.docker(["cp", host + "/f.txt", "box1:/tmp/renamed.txt"]).code == 0)
    #expect(d.docker(["exec", "box1", "ls", "/tmp"]).out == "f.txt\nrenamed.txt\n")
    #expect(d.docker(["cp", "box1:/etc/passwd", host + "/pw"]).code == 0)
    #expect((try String(contentsOfFile: host + "/pw", encoding: .utf8)).hasPrefix("root:x:0:0"))
    #expect(d.docker(["cp", "box1:/etc", host + "/etc"]).code == 0)
    #expect(FileManager.default.fileExists(atPath: host + "/etc/group"))
    let tar = d.docker(["cp", "box1:/tmp/f.txt", "-"])
    #expect(tar.out.contains("hello"))
    let missing = d.docker(["cp", "box1:/nosuch", host + "/x"])
    #expect(missing.code != 0)
    #expect(missing.err.contains("No such container:path: box1:/nosuch"))
    #expect(d.docker(["diff", "box1"]).out.contains("A /tmp/f.txt"))
    #expect(d.docker(["export", "-o", host + "/fs.tar", "box1"]).code == 0)
    let listing = BerthFixture.shell("tar tf \(host)/fs.tar").out
    #expect(listing.contains("bin/busybox"))
    #expect(listing.contains("tmp/renamed.txt"))
  }

  @Test func statsUpdateDiskUsageAndPrunes() throws {
    let box = try Sandbox()
    let d = try Daemon(box)
    #expect(
      d.docker(["run", "-d", "--name", "busy", "-v", "data:/data", "--label", "tier=db", "busybox", "sleep", "1000"])
        .code == 0)
    #expect(d.docker(["run", "--name", "done", "busybox", "true"]).code == 0)
    let stats = d.docker(["stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "busy"])
    #expect(stats.out == "busy 1\n")
    #expect(d.docker(["update", "--memory", "64m", "--restart", "on-failure:2", "busy"]).out == "busy\n")
    #expect(
      d.docker(["inspect", "-f", "{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}", "busy"]).out
        == "67108864 on-failure\n")
    let df = d.docker(["system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}"])
    #expect(df.out == "Images 1 1\nContainers 2 1\nLocal Volumes 1 1\nBuild Cache 0 0\n")
    #expect(d.docker(["ps", "-aq", "--filter", "volume=data"]).out.count == 13)
    #expect(d.docker(["ps", "-a", "--format", "{{.Names}}", "--filter", "label=tier=db"]).out == "busy\n")
    #expect(d.docker(["ps", "-a", "--format", "{{.Names}}", "--filter", "status=exited"]).out == "done\n")
    #expect(d.docker(["ps", "--format", "{{.Names}}", "--filter", "network=bridge"]).out == "busy\n")
    #expect(d.docker(["pause", "busy"]).code == 0)
    #expect(d.docker(["ps", "--format", "{{.Status}}"]).out.contains("(Paused)"))
    #expect(d.docker(["unpause", "busy"]).code == 0)
    #expect(d.docker(["rename", "busy", "busier"]).code == 0)
    #expect(d.docker(["container", "prune", "-f"]).out.contains("Total reclaimed space"))
    #expect(d.docker(["ps", "-aq"]).out.count == 13)
    #expect(d.docker(["tag", "busybox", "spare:1"]).code == 0)
    #expect(d.docker(["rm", "-f", "busier"]).code == 0)
    let pruned = d.docker(["image", "prune", "-a", "-f"])
    #expect(pruned.code == 0)
    #expect(pruned.out.contains("untagged: spare:1") || pruned.out.contains("Untagged: spare:1"))
    #expect(d.docker(["images", "-q"]).out.isEmpty)
    let volumes = d.docker(["volume", "prune", "--filter", "all=true", "-f"])
    #expect(volumes.out.contains("data"), "\(volumes.err)")
  }
}
