import Foundation
import Testing

/// `top`, `stats` and `update` of running containers.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct ContainerResourcesTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func topListsTheContainersProcesses() throws {
    box.berth(["run", "-d", "--name", "t1", "busybox", "sh", "-c", "sleep 1000 & sleep 2000"])
    usleep(300_000)
    let top = box.berth(["top", "t1"])
    #expect(top.code == 0, "\(top.err)")
    let lines = top.out.split(separator: "\n")
    #expect(lines.first?.hasPrefix("UID                 PID                 PPID") == true, "\(top.out)")
    #expect(lines.contains { $0.hasSuffix("sleep 1000") } && lines.contains { $0.hasSuffix("sleep 2000") })
    #expect(lines.count == 3, "\(top.out)")  // header and the two sleeps (sh execs the last)
    let custom = box.berth(["top", "t1", "-o", "pid,comm"]).out
    #expect(custom.hasPrefix("PID") && custom.contains("sleep"), "\(custom)")
    box.berth(["stop", "-t", "0", "t1"])
    #expect(box.berth(["top", "t1"]).err.contains("is not running"))
  }

  @Test func theContainerSeesItsOwnCgroupReadOnly() throws {
    let v2 = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers")
    let limit = v2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes"
    let script = "cat \(limit); echo 1 > \(limit) || echo refused; touch /sys/fs/cgroup/x || echo refused"
    let r = box.berth(["run", "--rm", "-m", "64m", "busybox", "sh", "-c", script])
    #expect(r.out == "67108864\nrefused\nrefused\n", "\(r.out) \(r.err)")
    #expect(r.err.contains("Read-only file system"), "\(r.err)")
  }

  @Test func statsShowsUsageAndTheMemoryLimit() throws {
    box.berth(["run", "-d", "--name", "s1", "-m", "64m", "busybox", "sleep", "1000"])
    usleep(300_000)
    let r = box.berth(["stats", "--no-stream", "s1"])
    #expect(r.code == 0, "\(r.err)")
    let lines = r.out.split(separator: "\n")
    // Columns are padded to their widest cell (NET I/O is wider on a bridge network).
    let header = lines.first.map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
    #expect(header == "CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS", "\(r.out)")
    #expect(lines.count == 2 && lines[1].contains(" / 64MiB") && lines[1].hasSuffix("1"), "\(r.out)")
    let formatted = box.berth(["stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}", "s1"]).out
    #expect(formatted.hasPrefix("s1 ") && formatted.hasSuffix(" / 64MiB 1\n"), "\(formatted)")
    box.berth(["rm", "-f", "s1"])
  }

  @Test func updateChangesTheLimitsOfARunningContainer() throws {
    let id = box.berth(["run", "-d", "--name", "u1", "-m", "64m", "busybox", "sleep", "1000"]).out
      .trimmingCharacters(in: .whitespacesAndNewlines)
    usleep(300_000)
    let memory = "/sys/fs/cgroup/memory/berth/\(id)/memory.limit_in_bytes"
    let v2 = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers")
    let file = v2 ? "/sys/fs/cgroup/berth/\(id)/memory.max" : memory
    func read(_ path: String) -> String {
      ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
    #expect(read(file) == "67108864")
    let r = box.berth(["update", "--memory", "100m", "--memory-swap", "200m", "--pids-limit", "50", "u1"])
    #expect(r.code == 0 && r.out == "u1\n", "\(r.err)")
    #expect(read(file) == "104857600")
    #expect(box.berth(["inspect", "-f", "{{.HostConfig.Memory}}", "u1"]).out == "104857600\n")
    #expect(box.berth(["stats", "--no-stream", "--format", "{{.MemUsage}}", "u1"]).out.hasSuffix(" / 100MiB\n"))
    #expect(box.berth(["update", "--restart", "always", "u1"]).code == 0)
    #expect(box.berth(["inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", "u1"]).out == "always\n")
    let none = box.berth(["update", "u1"])
    #expect(none.code != 0)
    box.berth(["rm", "-f", "u1"])
  }
}
