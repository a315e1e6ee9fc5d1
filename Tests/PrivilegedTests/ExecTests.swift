import Foundation
import Testing

/// `exec` joins a running container; `--init` makes stop fast for apps that ignore SIGTERM.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct ExecTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func execJoinsTheContainer() throws {
    box.berth(["run", "-d", "--name", "target", "busybox", "sh", "-c", "echo hi > /tmp/f; sleep 1000"])
    usleep(200_000)
    #expect(box.berth(["exec", "target", "cat", "/tmp/f"]).out == "hi\n")
    // Same pid namespace (the container's sleep is PID 1), hostname, cgroup and capabilities.
    let ps = box.berth(["exec", "target", "ps", "-o", "pid,args"]).out
    #expect(ps.contains("    1 sleep 1000") || ps.contains("1 sh -c"), "\(ps)")
    let id = box.berth(["inspect", "-f", "{{.Id}}", "target"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(box.berth(["exec", "target", "hostname"]).out == String(id.prefix(12)) + "\n")
    #expect(box.berth(["exec", "target", "cat", "/proc/self/cgroup"]).out.contains("/berth/\(id)"))
    #expect(box.berth(["exec", "target", "grep", "CapEff", "/proc/self/status"]).out.contains("00000000a80425fb"))
    // Exit codes, environment, working directory, user.
    #expect(box.berth(["exec", "target", "sh", "-c", "exit 5"]).code == 5)
    #expect(
      box.berth(["exec", "-e", "FOO=bar", "-w", "/tmp", "target", "sh", "-c", "echo $FOO $(pwd)"]).out == "bar /tmp\n")
    #expect(box.berth(["exec", "-u", "nobody", "target", "id", "-u"]).out == "65534\n")
    #expect(box.berth(["exec", "target", "nosuchcommand"]).code == 127)
    // Detached: it outlives the CLI.
    #expect(box.berth(["exec", "-d", "target", "sh", "-c", "sleep 0.3; echo done > /tmp/d"]).code == 0)
    usleep(800_000)
    #expect(box.berth(["exec", "target", "cat", "/tmp/d"]).out == "done\n")
    // Errors.
    let missing = box.berth(["exec", "nosuch", "true"])
    #expect(missing.code == 1 && missing.err.contains("No such container: nosuch"))
    box.berth(["stop", "-t", "0", "target"])
    let stopped = box.berth(["exec", "target", "true"])
    #expect(stopped.code == 1 && stopped.err.contains("is not running"))
  }

  @Test func initMakesStopFastAndReapsZombies() throws {
    // sh as PID 1 ignores SIGTERM; under the init it is PID 2 and dies of it.
    box.berth(["run", "-d", "--init", "--name", "inited", "busybox", "sh", "-c", "sleep 1000"])
    usleep(200_000)
    #expect(box.berth(["exec", "inited", "cat", "/proc/1/cmdline"]).out.hasPrefix("/sbin/docker-init"))
    let start = Date()
    #expect(box.berth(["stop", "inited"]).code == 0)
    #expect(Date().timeIntervalSince(start) < 3)
    #expect(box.berth(["inspect", "-f", "{{.State.ExitCode}}", "inited"]).out == "143\n")
    #expect(box.berth(["run", "--rm", "--init", "busybox", "sh", "-c", "exit 3"]).code == 3)
    let write = box.berth(["run", "--rm", "--init", "busybox", "sh", "-c", "echo x > /sbin/docker-init"])
    #expect(write.code != 0 && write.err.contains("Read-only"))
  }
}

extension ExecTests {
  @Test func attachStreamsOutputAndInputAndReturnsTheExitCode() throws {
    let script = "for i in 1 2 3; do echo out $i; echo err $i >&2; sleep 0.2; done; exit 6"
    box.berth(["run", "-d", "--name", "talker", "busybox", "sh", "-c", script])
    let r = box.berth(["attach", "talker"])
    #expect(r.code == 6)
    #expect(r.out.hasSuffix("out 3\n") && !r.out.contains("err"))
    #expect(r.err.hasSuffix("err 3\n") && !r.err.contains("out"))
    // stdin goes to the container; with -i and no -d it would close at EOF, detached it stays open.
    box.berth(["run", "-d", "-i", "--name", "echoer", "busybox", "sh", "-c", "read line; echo got $line"])
    let e = box.berth(["attach", "echoer"], stdin: "hello\n")
    #expect(e.code == 0 && e.out == "got hello\n")
    box.berth(["wait", "echoer"])
    let stopped = box.berth(["attach", "echoer"])
    #expect(stopped.code != 0 && stopped.err.contains("You cannot attach to a stopped container"))
  }
}
