import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Detached containers (design.md, "Starting a container"): the CLI spawns a helper
/// (`berth __monitor ID`) in a new session; the helper starts the container, so its init is the
/// helper's child, reports on fd 3, and execs `berth-monitor`, which logs its output, reaps it,
/// writes the exit file and execs the exit hook (`berth __exited ID`), which records the exit
/// and applies `--rm` and the restart policy.
extension ContainerService {
  /// The berth executable helpers run: `BERTH_EXECUTABLE`, or this process's own.
  static var berthExecutable: String {
    if let e = getenv("BERTH_EXECUTABLE") { return String(cString: e) }
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "berth"
  }

  /// The monitor, installed beside berth.
  static var monitorExecutable: String { PathName.parent(berthExecutable) + "/berth-monitor" }

  /// The init of `run --init`, installed beside berth.
  static var initExecutable: String { PathName.parent(berthExecutable) + "/berth-init" }

  /// The json-file log of a container.
  public func logPath(_ id: String) -> String { paths.container(id) + "/\(id)-json.log" }

  /// Where the monitor writes c's output: its json-file log, or nowhere with `--log-driver none`.
  func logDestination(_ c: ContainerRecord) -> String {
    c.config.host.logDriver == "none" ? "/dev/null" : logPath(c.id)
  }

  func exitFile(_ id: String) -> String { paths.container(id) + "/exit" }

  /// The monitor's attach socket (in the exec root: unix socket paths are short).
  public func attachSocket(_ id: String) -> String { paths.execRoot + "/attach-\(id.prefix(32)).sock" }

  /// Starts a container in the background under its own monitor; returns once its command runs
  /// (`run -d`, `start`). Starting a running container does nothing. With `holdForAttach` (the
  /// Engine API's attach before start) the monitor reads no output until a client attaches or
  /// 5 s have passed, so the attached client sees all of it.
  public func startDetached(_ ref: String, holdForAttach: Bool = false) throws {
    Cgroup.warmMigrations(for: 1)
    let c = try get(ref)
    if c.state == .running && Processes.isAlive(pid: c.pid, startTime: c.pidStart) { return }
    guard FileSystem.exists(Self.monitorExecutable) else {
      throw BerthError.internal("the container monitor is missing: \(Self.monitorExecutable)")
    }
    try store.write { db in
      try db.execute(sql: "UPDATE containers SET manual_stop = 0, restart_count = 0 WHERE id = ?", arguments: [c.id])
    }
    let (pid, text) = try HelperProcess.spawn(
      ["--data-root", paths.dataRoot, "--exec-root", paths.execRoot, "__monitor", c.id]
        + (holdForAttach ? ["--hold-for-attach"] : []))
    if text == "ok" { return }
    _ = berth_wait(pid)
    // As dockerd: a `--rm` container that fails to start is removed, which is what
    // `docker run --rm` waits for before it reports the error.
    if c.config.host.autoRemove { try? remove(c.id, force: true) }
    throw MonitorReport.error(from: text)
  }

  /// In the helper: starts the container with pipes (or a pty) for its stdio, reports on
  /// reportFd (-1: nobody to tell), and becomes its monitor. Returns only by throwing.
  public func becomeMonitor(_ id: String, reportFd: Int32, holdForAttach: Bool = false) throws -> Never {
    do {
      let c = try get(id)
      let monitor = Self.monitorExecutable
      let tty = c.config.config.tty ?? false
      var out: [Int32] = [-1, -1]
      var err: [Int32] = [-1, -1]
      var input: [Int32] = [-1, -1]
      if !tty {
        try syscall("pipe2", "stdout") { berth_pipe(&out) == 0 ? 0 : -1 }
        try syscall("pipe2", "stderr") { berth_pipe(&err) == 0 ? 0 : -1 }
      }
      if c.config.config.openStdin ?? false, !tty {
        try syscall("pipe2", "stdin") { berth_pipe(&input) == 0 ? 0 : -1 }
      }
      let stdio: StdioMode = tty ? .terminal(stdin: false) : .files(stdin: input[0], stdout: out[1], stderr: err[1])
      let running = try start(id, stdio: stdio)
      for fd in [out[1], err[1], input[0]] where fd >= 0 { close(fd) }
      let kept = tty ? [running.terminalMaster ?? -1, -1, -1] : [out[0], err[0], input[1]]
      for fd in kept where fd >= 0 { _ = fcntl(fd, F_SETFD, 0) }
      let log = c.config.host.logOptions ?? [:]
      let maxSize = try log["max-size"].map { try ByteSize.parse($0, flag: "--log-opt max-size") } ?? 0
      let maxFiles = Int(log["max-file"] ?? "1") ?? 1
      let argv = [
        monitor, String(running.process.pid), logDestination(c), String(maxSize), String(maxFiles), String(kept[0]),
        String(kept[1]), String(kept[2]), exitFile(id), String(healthIntervalMilliseconds(c)), attachSocket(id), "--",
        Self.berthExecutable, "--data-root", paths.dataRoot,
        "--exec-root", paths.execRoot, "__exited", id,
      ]
      Trace.mark("monitor helper: container started")
      MonitorReport.send("ok", to: reportFd)
      var env = ProcessInfo.processInfo.environment.filter { $0.key != "BERTH_ATTACH_HOLD_MS" }
      if holdForAttach { env["BERTH_ATTACH_HOLD_MS"] = "5000" }
      let envp = env.map { "\($0.key)=\($0.value)" }
      CStrings.withArray(argv) { args in CStrings.withArray(envp) { _ = execve(monitor, args, $0) } }
      let failure = SystemError("execv", monitor)
      Glibc.kill(running.process.pid, SIGKILL)
      _ = running.process.wait()
      running.cgroup.remove()
      try recordExit(id, code: 125, oom: false, error: failure.description)
      throw failure
    } catch {
      MonitorReport.send(MonitorReport.text(of: error), to: reportFd)
      throw error
    }
  }

  /// In the exit hook the monitor execs: records the exit from the exit file, frees the cgroup,
  /// removes a `--rm` container, or restarts it as its policy says (then becomes its monitor
  /// again). Returns when there is nothing more to do.
  public func monitorExited(_ id: String) throws {
    Trace.mark("exit hook")
    defer { Trace.mark("exit hook done") }
    guard let c = try? get(id) else { return }
    let (code, finished) = readExitFile(id) ?? (137, Timestamp.now())
    let cgroup = Cgroup(containerID: id)
    let oom = cgroup.oomKilled()
    cgroup.remove()
    try recordExit(id, code: code, oom: oom, error: "", finishedAt: finished)
    releaseNetwork(id)
    Trace.mark("exit recorded, network released")
    if c.config.host.autoRemove {
      try remove(id, force: true)
      return
    }
    guard let policy = c.config.host.restartPolicy else { return }
    let current = try get(id)
    guard policy.restarts(exitCode: code, restartCount: current.restartCount, manuallyStopped: current.manuallyStopped)
    else { return }
    let ran = (Timestamp.parse(finished) ?? Date()).timeIntervalSince(Timestamp.parse(c.startedAt) ?? Date())
    let delay = RestartPolicy.delay(restartCount: current.restartCount, lastRunSeconds: ran)
    try store.write { db in
      try db.execute(
        sql: """
          UPDATE containers SET state = 'restarting', restart_count = restart_count + 1, monitor_pid = ?,
          monitor_start = ? WHERE id = ?
          """, arguments: [getpid(), Int64(Processes.startTime(of: getpid()) ?? 0), id])
    }
    // Sleep in slices so that a `stop` (which sets manual_stop) cancels the restart quickly.
    let until = Date().addingTimeInterval(delay)
    while Date() < until {
      usleep(50_000)
      guard let now = try? get(id) else { return }
      if now.manuallyStopped {
        try store.write { db in
          try db.execute(sql: "UPDATE containers SET state = 'exited' WHERE id = ?", arguments: [id])
        }
        return
      }
    }
    try becomeMonitor(id, reportFd: -1)
  }

  /// The exit the monitor recorded for the last run.
  func readExitFile(_ id: String) -> (Int32, String)? {
    guard let bytes = try? FileSystem.read(exitFile(id)), let exit = ExitFile(bytes) else { return nil }
    return (exit.code, exit.finishedAt)
  }
}

/// The exit file the monitor writes when it reaps the container: "CODE SECONDS.NANOSECONDS".
struct ExitFile {
  let code: Int32
  /// RFC 3339 with the monitor's nanoseconds.
  let finishedAt: String

  init?(_ bytes: [UInt8]) {
    let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
    guard fields.count >= 2, let code = Int32(fields[0]) else { return nil }
    let parts = fields[1].split(separator: ".")
    guard let seconds = Double(parts[0]) else { return nil }
    let nanos = String((parts.count > 1 ? String(parts[1]) : "").prefix(9))
    let text = Timestamp.format(Date(timeIntervalSince1970: seconds))
    guard let dot = text.firstIndex(of: ".") else { return nil }
    self.code = code
    finishedAt = String(text[..<dot]) + "." + nanos.padding(toLength: 9, withPad: "0", startingAt: 0) + "Z"
  }
}

/// The helper's one-line report on fd 3: `ok`, or the error that stopped the start.
enum MonitorReport {
  static func send(_ text: String, to fd: Int32) {
    guard fd >= 0 else { return }
    try? FileSystem.writeAll(fd, Array(text.utf8))
    close(fd)
  }

  static func text(of error: Error) -> String {
    if let e = error as? BerthError {
      return "error\n\(e.exitStatus ?? -1)\n\(kindName(e.kind))\n\(e.message)"
    }
    return "error\n-1\ninternal\n\(error)"
  }

  static func error(from text: String) -> BerthError {
    let parts = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 4, parts[0] == "error" else {
      return .internal("the container monitor failed to start\(text.isEmpty ? "" : ": " + text)")
    }
    let kinds: [String: BerthError.Kind] = [
      "notFound": .notFound, "conflict": .conflict, "invalidArgument": .invalidArgument, "forbidden": .forbidden,
      "unavailable": .unavailable,
    ]
    let status = Int32(parts[1]) ?? -1
    return BerthError(kinds[parts[2]] ?? .internal, parts[3], exitStatus: status < 0 ? nil : status)
  }

  static func kindName(_ kind: BerthError.Kind) -> String {
    switch kind {
    case .notFound: "notFound"
    case .conflict: "conflict"
    case .invalidArgument: "invalidArgument"
    case .notModified: "notModified"
    case .forbidden: "forbidden"
    case .unavailable: "unavailable"
    case .internal: "internal"
    }
  }
}

extension ContainerService {
  /// After a reboot (or whenever berth starts as a service): starts the containers whose
  /// restart policy says so — `always` ones, and `unless-stopped` ones the user did not stop.
  /// Returns the ids started.
  public func startOnBoot() throws -> [String] {
    var started: [String] = []
    for c in try list(all: true) where c.state == .exited {
      guard let policy = c.config.host.restartPolicy else { continue }
      let wanted = policy.name == "always" || (policy.name == "unless-stopped" && !c.manuallyStopped)
      guard wanted else { continue }
      try startDetached(c.id)
      started.append(c.id)
    }
    return started
  }
}
