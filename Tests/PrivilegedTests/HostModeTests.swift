import Foundation
import Testing

/// Docker's host-side run flags, checked from inside real containers: `--pid host`,
/// `--uts host`, `--group-add`, `--cpuset-cpus`, `--device-cgroup-rule`, `--memory-swappiness`,
/// `--mac-address`, `--log-driver none` and the environment of legacy links.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct HostModeTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func pidHostSeesTheHostsProcesses() throws {
    // The host's pid 1 is not the container's command, and this test process is visible.
    let mine = getpid()
    let r = box.berth([
      "run", "--rm", "--pid", "host", "busybox", "sh", "-c", "cat /proc/1/comm; test -d /proc/\(mine)",
    ])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out != "sh\n", "\(r.out)")
    let isolated = box.berth([
      "run", "--rm", "busybox", "sh", "-c", "test -d /proc/\(mine) && echo seen || echo hidden",
    ])
    #expect(isolated.out == "hidden\n", "\(isolated.out) \(isolated.err)")
    box.berth(["create", "--name", "p1", "--pid", "host", "busybox", "true"])
    #expect(box.value("{{.HostConfig.PidMode}}", "p1") == "host")
    #expect(box.berth(["run", "--rm", "--pid", "bogus", "busybox", "true"]).err.contains("invalid PID mode"))
  }

  @Test func utsHostHasTheHostsName() throws {
    let host = ((try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)) ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let r = box.berth(["run", "--rm", "--uts", "host", "busybox", "hostname"])
    #expect(r.code == 0 && r.out == host + "\n", "\(r.out) \(r.err)")
    let conflict = box.berth(["run", "--rm", "--uts", "host", "-h", "other", "busybox", "true"])
    #expect(conflict.code != 0 && conflict.err.contains("Conflicting options: hostname and the UTS mode"))
  }

  @Test func cgroupnsPrivateRootsTheContainersCgroup() throws {
    let own = box.berth(["run", "--rm", "--cgroupns", "private", "busybox", "cat", "/proc/self/cgroup"])
    #expect(own.code == 0, "\(own.err)")
    let lines = own.out.split(separator: "\n")
    #expect(!lines.isEmpty && lines.allSatisfy { $0.hasSuffix(":/") }, "\(own.out)")
    let shared = box.berth(["run", "--rm", "busybox", "cat", "/proc/self/cgroup"])
    #expect(shared.out.contains("/berth/"), "\(shared.out)")
    box.berth(["run", "-d", "--name", "cg", "--cgroupns", "private", "busybox", "sleep", "100"])
    #expect(box.value("{{.HostConfig.CgroupnsMode}}", "cg") == "private")
    // exec joins the container's cgroup namespace (and its cgroups of Berth's controllers).
    let exec = box.berth(["exec", "cg", "cat", "/proc/self/cgroup"]).out.split(separator: "\n")
    let memory = exec.first { $0.contains(":memory:") || $0.hasPrefix("0::") }
    #expect(memory?.hasSuffix(":/") == true, "\(exec)")
    box.berth(["rm", "-f", "cg"])
  }

  @Test func groupAddGivesSupplementaryGroups() throws {
    let r = box.berth(["run", "--rm", "--group-add", "1000", "--group-add", "audio", "busybox", "id", "-G"])
    #expect(r.code == 0, "\(r.err)")
    let groups = r.out.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    #expect(groups.contains("1000") && groups.contains("29"), "\(r.out)")
    let unknown = box.berth(["run", "--rm", "--group-add", "nosuchgroup", "busybox", "true"])
    #expect(unknown.code != 0 && unknown.err.contains("Unable to find group nosuchgroup"), "\(unknown.err)")
    // exec processes get them too.
    box.berth(["run", "-d", "--name", "g1", "--group-add", "1001", "busybox", "sleep", "100"])
    #expect(box.berth(["exec", "g1", "id", "-G"]).out.contains("1001"))
    box.berth(["rm", "-f", "g1"])
  }

  @Test func cpusetAndSwappinessReachTheCgroup() throws {
    let v2 = FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers")
    let cpus = v2 ? "/sys/fs/cgroup/cpuset.cpus" : "/sys/fs/cgroup/cpuset/cpuset.cpus"
    let r = box.berth([
      "run", "--rm", "--cpuset-cpus", "0", "busybox", "sh", "-c",
      "cat \(cpus); grep Cpus_allowed_list /proc/self/status",
    ])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.hasPrefix("0\n") && r.out.contains("Cpus_allowed_list:\t0\n"), "\(r.out)")
    if !v2 {
      let s = box.berth([
        "run", "--rm", "--memory-swappiness", "40", "busybox", "cat", "/sys/fs/cgroup/memory/memory.swappiness",
      ])
      #expect(s.out == "40\n", "\(s.out) \(s.err)")
    }
    #expect(
      box.berth(["run", "--rm", "--cpuset-cpus", "x", "busybox", "true"]).err.contains(
        "Invalid value x for cpuset cpus"))
  }

  @Test func deviceCgroupRuleAllowsTheDevice() throws {
    // /dev/loop-control is 10:237; mknod succeeds always, opening needs the cgroup's allowance.
    let script = "mknod /tmp/lc c 10 237 && (echo -n < /tmp/lc && echo open) 2>/dev/null || echo denied"
    let denied = box.berth(["run", "--rm", "busybox", "sh", "-c", script])
    #expect(denied.out == "denied\n", "\(denied.out) \(denied.err)")
    let allowed = box.berth(["run", "--rm", "--device-cgroup-rule", "c 10:237 rwm", "busybox", "sh", "-c", script])
    #expect(allowed.out == "open\n", "\(allowed.out) \(allowed.err)")
    #expect(
      box.berth(["run", "--rm", "--device-cgroup-rule", "x 1:2 r", "busybox", "true"]).err.contains(
        "invalid device rule"))
  }

  @Test func macAddressIsTheInterfaces() throws {
    let r = box.berth([
      "run", "--rm", "--mac-address", "02:42:ac:11:00:0a", "busybox", "cat", "/sys/class/net/eth0/address",
    ])
    #expect(r.out == "02:42:ac:11:00:0a\n", "\(r.out) \(r.err)")
    #expect(
      box.berth(["run", "--rm", "--mac-address", "zz", "busybox", "true"]).err.contains("is not a valid mac address"))
  }

  @Test func linksGiveDockersEnvironment() throws {
    box.berth(["run", "-d", "--name", "target", "-e", "FOO=1", "--expose", "80", "busybox", "sleep", "100"])
    let ip = box.value("{{.NetworkSettings.IPAddress}}", "target")
    let r = box.berth(["run", "--rm", "--name", "me", "--link", "target:db", "busybox", "env"])
    #expect(r.code == 0, "\(r.err)")
    for line in ["DB_NAME=/me/db", "DB_ENV_FOO=1", "DB_PORT=tcp://\(ip):80", "DB_PORT_80_TCP_ADDR=\(ip)"] {
      #expect(r.out.contains(line + "\n"), "\(line) in \(r.out)")
    }
    box.berth(["rm", "-f", "target"])
  }

  @Test func logDriverNoneKeepsNoLog() throws {
    box.berth(["run", "--name", "quiet", "--log-driver", "none", "busybox", "echo", "hello"])
    #expect(box.value("{{.HostConfig.LogConfig.Type}}", "quiet") == "none")
    let logs = box.berth(["logs", "quiet"])
    #expect(logs.code != 0 && logs.err.contains("configured logging driver does not support reading"), "\(logs.err)")
    box.berth(["rm", "quiet"])
  }
}
