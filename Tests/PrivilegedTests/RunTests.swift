import BerthEngine
import Foundation
import Testing

/// Real containers started through the `berth` CLI, checked from inside.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct RunTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func echoHello() {
    let r = box.berth(["run", "--rm", "busybox", "echo", "hello"])
    #expect(r.code == 0)
    #expect(r.out == "hello\n")
  }

  @Test func pid1IsTheCommand() {
    let r = box.berth(["run", "--rm", "busybox", "sh", "-c", "echo $$"])
    #expect(r.out == "1\n")
    let cmdline = box.berth(["run", "--rm", "busybox", "cat", "/proc/1/cmdline"])
    #expect(cmdline.out == "cat\u{0}/proc/1/cmdline\u{0}")
  }

  @Test func hostnameIsShortID() throws {
    let r = box.berth(["run", "--name", "hn", "busybox", "hostname"])
    let id = box.berth(["inspect", "-f", "{{.Id}}", "hn"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 64)
    #expect(r.out == String(id.prefix(12)) + "\n")
    #expect(box.berth(["run", "--rm", "--hostname", "web", "busybox", "cat", "/etc/hostname"]).out == "web\n")
  }

  @Test func dockerCapabilities() {
    let r = box.berth(["run", "--rm", "busybox", "grep", "-E", "^Cap(Eff|Bnd|Prm)", "/proc/self/status"])
    #expect(r.out.contains("CapEff:\t00000000a80425fb"))
    #expect(r.out.contains("CapBnd:\t00000000a80425fb"))
    let drop = box.berth([
      "run", "--rm", "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "busybox", "grep", "CapEff", "/proc/self/status",
    ])
    #expect(drop.out.contains("0000000000001000"))
    let user = box.berth(["run", "--rm", "-u", "app", "busybox", "grep", "CapEff", "/proc/self/status"])
    #expect(user.out.contains("0000000000000000"))
  }

  @Test func maskedAndReadOnlyPaths() {
    // /proc/kcore is absent on some kernels; where a masked file exists it reads empty.
    let kcore = box.berth(["run", "--rm", "busybox", "sh", "-c", "cat /proc/kcore | wc -c"])
    #expect(kcore.out.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    let timers = box.berth(["run", "--rm", "busybox", "sh", "-c", "cat /proc/timer_list | wc -c"])
    #expect(timers.out.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    #expect(
      BerthFixture.shell("cat /proc/timer_list | wc -c").out.trimmingCharacters(in: .whitespacesAndNewlines) != "0")
    let sys = box.berth(["run", "--rm", "busybox", "sh", "-c", "echo 1 > /proc/sys/kernel/shm_rmid_forced"])
    #expect(sys.code != 0)
    #expect(sys.err.contains("Read-only file system"))
  }

  @Test func onlyStdioFdsOpen() {
    // ls opens the directory it lists as fd 3; nothing else may be open.
    let r = box.berth(["run", "--rm", "busybox", "ls", "/proc/self/fd"])
    #expect(r.out.split(separator: "\n") == ["0", "1", "2", "3"])
  }

  @Test func memoryLimitKillsWith137() {
    let r = box.berth([
      "run", "--rm", "--memory", "16m", "busybox", "sh", "-c", "dd if=/dev/zero of=/dev/null bs=128M count=1",
    ])
    #expect(r.code == 137)
  }

  @Test func pidsLimitStopsForkLoop() {
    let r = box.berth([
      "run", "--rm", "--pids-limit", "8", "busybox", "sh", "-c",
      "for i in $(seq 1 20); do sleep 2 & done; wait; echo done",
    ])
    #expect(r.err.contains("fork"))
  }

  @Test func envWorkdirUser() {
    let r = box.berth([
      "run", "--rm", "-e", "FOO=bar", "-w", "/tmp", "-u", "app", "busybox", "sh", "-c",
      "echo $FOO $(pwd) $(id -u) $(id -g) $(id -G) $HOME",
    ])
    #expect(r.out == "bar /tmp 1000 1000 1000 10 29 /home/app\n")
    let numeric = box.berth(["run", "--rm", "-u", "4242:4343", "busybox", "sh", "-c", "echo $(id -u) $(id -g)"])
    #expect(numeric.out == "4242 4343\n")
    let missing = box.berth(["run", "--rm", "-u", "nosuchuser", "busybox", "true"])
    #expect(missing.code == 125)
    #expect(missing.err.contains("unable to find user nosuchuser"))
  }

  @Test func containersDoNotSeeEachOthersWrites() {
    #expect(box.berth(["run", "--name", "w1", "busybox", "sh", "-c", "echo secret > /written"]).code == 0)
    let r = box.berth(["run", "--rm", "busybox", "cat", "/written"])
    #expect(r.code != 0)
    #expect(box.berth(["start", "-a", "w1"]).code == 0)
  }

  @Test func stdinIsPipedThrough() {
    let r = box.berth(["run", "--rm", "-i", "busybox", "tr", "a-z", "A-Z"], stdin: "hello\n")
    #expect(r.out == "HELLO\n")
    let closed = box.berth(["run", "--rm", "busybox", "cat"], stdin: "ignored\n")
    #expect(closed.out == "")
  }

  static let exitCases: [([String], Int32)] = [
    (["sh", "-c", "exit 0"], 0), (["sh", "-c", "exit 3"], 3), (["/etc/passwd"], 126), (["nosuchcommand"], 127),
    (["/no/such/path"], 127),
  ]

  @Test(arguments: exitCases)
  func exitCodes(words: [String], expected: Int32) {
    let r = box.berth(["run", "--rm", "busybox"] + words)
    #expect(r.code == expected, "\(words): \(r.err)")
  }

  @Test func securityOptions() throws {
    let nnp = box.berth([
      "run", "--rm", "--security-opt", "no-new-privileges", "busybox", "grep", "NoNewPrivs", "/proc/self/status",
    ])
    #expect(nnp.out.contains("NoNewPrivs:\t1"))
    let seccomp = box.berth(["run", "--rm", "busybox", "grep", "Seccomp:", "/proc/self/status"])
    #expect(seccomp.out.contains("Seccomp:\t2"))
    let unconfined = box.berth([
      "run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "grep", "Seccomp:", "/proc/self/status",
    ])
    #expect(unconfined.out.contains("Seccomp:\t0"))
    // Docker's default profile refuses unshare without CAP_SYS_ADMIN.
    #expect(box.berth(["run", "--rm", "busybox", "unshare", "-n", "true"]).code != 0)
    let profile = box.dataRoot + "-deny-mkdir.json"
    try
      #"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}"#
      .write(toFile: profile, atomically: true, encoding: .utf8)
    let denied = box.berth(["run", "--rm", "--security-opt", "seccomp=" + profile, "busybox", "mkdir", "/newdir"])
    #expect(denied.code != 0)
    #expect(denied.err.contains("Operation not permitted"))
    let bad = box.berth(["run", "--rm", "--security-opt", "seccomp=/no/such/profile.json", "busybox", "true"])
    #expect(bad.code == 125)
  }

  @Test func privilegedGetsEveryCapabilityBerthHas() {
    let r = box.berth([
      "run", "--rm", "--privileged", "busybox", "sh", "-c",
      "grep CapEff /proc/self/status; echo 1 > /proc/sys/kernel/shm_rmid_forced && echo writable",
    ])
    let own = BerthFixture.shell("grep CapEff /proc/self/status").out
    #expect(r.out.hasPrefix(own))
    #expect(r.out.contains("writable"))
  }

  @Test func privilegedGetsTheHostsDevicesInItsOwnDev() {
    let marker = "berth-test-\(getpid())"
    let r = box.berth([
      "run", "--rm", "--privileged", "busybox", "sh", "-c",
      "test -c /dev/kmsg && test -c /dev/null && touch /dev/\(marker) && ls /dev/pts/ptmx && echo ok",
    ])
    #expect(r.out.hasSuffix("ok\n"), "\(r.out) \(r.err)")
    #expect(!FileManager.default.fileExists(atPath: "/dev/\(marker)"))
    BerthFixture.shell("rm -f /dev/\(marker)")
  }

  @Test func ulimits() {
    let r = box.berth(["run", "--rm", "--ulimit", "nofile=512:1024", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn"])
    #expect(r.out == "512\n1024\n")
    // Above this host's hard limit needs CAP_SYS_RESOURCE, which this machine lacks: a clear error.
    let hard = BerthFixture.shell("ulimit -Hn").out.trimmingCharacters(in: .whitespacesAndNewlines)
    if let n = Int(hard), BerthFixture.shell("grep CapEff /proc/self/status").out.contains("fffeffffff") {
      let above = box.berth(["run", "--rm", "--ulimit", "nofile=\(n + 1):\(n + 1)", "busybox", "true"])
      #expect(above.code == 125)
      #expect(above.err.contains("CAP_SYS_RESOURCE"))
    }
  }

  @Test func readOnlyRootfs() {
    let r = box.berth(["run", "--rm", "--read-only", "busybox", "touch", "/x"])
    #expect(r.code != 0)
    #expect(box.berth(["run", "--rm", "--read-only", "busybox", "touch", "/dev/shm/x"]).code == 0)
  }

  @Test func createStartPsRm() {
    let id = box.berth(["create", "--name", "two-step", "busybox", "echo", "two"]).out
      .trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(id.count == 64)
    #expect(box.berth(["ps", "-a"]).out.contains("Created"))
    let r = box.berth(["start", "-a", "two-step"])
    #expect(r.out == "two\n")
    let ps = box.berth(["ps", "-a", "--filter", "name=two-step"]).out
    #expect(ps.hasPrefix("CONTAINER ID   IMAGE     COMMAND      CREATED"))
    #expect(ps.contains("Exited (0)"))
    #expect(ps.contains("\"echo two\""))
    #expect(box.berth(["ps", "-q"]).out == "")
    #expect(box.berth(["rm", "two-step"]).code == 0)
    #expect(box.berth(["ps", "-aq"]).out.contains(String(id.prefix(12))) == false)
  }

  @Test func nameInUse() {
    #expect(box.berth(["create", "--name", "dup", "busybox", "true"]).code == 0)
    let r = box.berth(["create", "--name", "dup", "busybox", "true"])
    #expect(r.code == 125)
    #expect(r.err.contains("Conflict. The container name \"/dup\" is already in use"))
  }

  @Test func badInput() {
    let missing = box.berth(["run", "--rm", "--pull", "never", "nosuchimage"])
    #expect(missing.code == 125)
    #expect(missing.err.contains("No such image: nosuchimage:latest"))
    let flag = box.berth(["run", "--no-such-flag", "busybox"])
    #expect(flag.code == 125)
    let ref = box.berth(["run", "--rm", "Busybox"])
    #expect(ref.code == 125)
    #expect(ref.err.contains("must be lowercase"))
    #expect(box.berth(["ps", "-aq"]).out == "")
  }

  @Test func engineAPIRunsAContainer() throws {
    let engine = try box.engine()
    var options = CreateOptions(image: "busybox")
    options.overrides.cmd = ["sh", "-c", "echo from-api; exit 7"]
    let c = try engine.containers.create(options)
    var fds: [Int32] = [0, 0]
    pipe(&fds)
    let code = try engine.containers.run(c.id, stdio: .files(stdin: -1, stdout: fds[1], stderr: 2))
    close(fds[1])
    let out = FileHandle(fileDescriptor: fds[0], closeOnDealloc: true).readDataToEndOfFile()
    #expect(code == 7)
    #expect(String(decoding: out, as: UTF8.self) == "from-api\n")
    try engine.containers.remove(c.id, force: false)
  }
}
