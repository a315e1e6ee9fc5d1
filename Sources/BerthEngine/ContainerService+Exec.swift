import BerthOCI
import BerthRuntime
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `exec` runs in a container.
public struct ExecOptions: Sendable {
  /// The command.
  public var command: [String]
  /// `-e` entries added to the container's environment.
  public var env: [String] = []
  /// `-w`; nil is the container's working directory.
  public var workingDir: String?
  /// `-u`; nil is the container's user.
  public var user: String?
  /// `--privileged`: every capability this process holds.
  public var privileged = false
  /// `-d`: start it and return; it outlives the caller.
  public var detach = false

  /// Options that run command.
  public init(command: [String]) { self.command = command }
}

extension ContainerService {
  /// Runs a command in a running container: its namespaces and cgroup, its security settings
  /// (capabilities, seccomp, no-new-privileges), its environment. Returns the command's exit
  /// code (0 at once with `detach`).
  public func exec(_ ref: String, _ options: ExecOptions, stdio: StdioMode) throws -> Int32 {
    let c = try get(ref)
    guard c.state == .running, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      throw BerthError.conflict("container \(c.id) is not running")
    }
    guard !options.command.isEmpty else { throw BerthError.invalid("exec requires at least one command argument") }
    if !options.detach { berth_forward_signals_prepare() }
    let process = try startExec(c, options, stdio: stdio)
    if options.detach { return 0 }
    berth_forward_signals(process.pid)
    if let master = process.consoleMaster {
      var withStdin = false
      if case .terminal(let s) = stdio { withStdin = s }
      berth_pump_tty(master, withStdin ? 0 : -1, 1)
      close(master)
    }
    return process.wait()
  }

  /// Starts options.command in running container c; the caller waits for it.
  func startExec(_ c: ContainerRecord, _ options: ExecOptions, stdio: StdioMode) throws -> ContainerProcess {
    let image = try images.resolve(c.imageID.description)
    let imageConfig = try images.config(of: image)
    var spec = try runtimeSpec(for: c, imageConfig: imageConfig)
    spec.process.args = options.command
    var env = spec.process.env
    for entry in options.env {
      let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
      env.removeAll { $0.hasPrefix(key + "=") }
      env.append(entry)
    }
    spec.process.env = env
    if let dir = options.workingDir, !dir.isEmpty { spec.process.cwd = dir }
    if let user = options.user {
      let dir = paths.container(c.id)
      let u = try UserLookup.resolve(
        user, passwd: images.readFile("/etc/passwd", in: imageConfig, upper: dir + "/upper"),
        group: images.readFile("/etc/group", in: imageConfig, upper: dir + "/upper"))
      spec.process.user = .init(
        uid: u.uid, gid: u.gid,
        additionalGids: try addedGroups(
          c.config.host.groupAdd, to: u.additionalGids,
          group: images.readFile("/etc/group", in: imageConfig, upper: dir + "/upper")))
    }
    if options.privileged {
      spec.process.capabilities = .init(try Capabilities.resolve(add: [], drop: [], privileged: true))
    }

    var nullFd: Int32 = -1
    defer { if nullFd >= 0 { close(nullFd) } }
    let stdioFds: ContainerProcess.Stdio
    switch stdio {
    case .inherit(let withStdin):
      if !withStdin || options.detach { nullFd = open("/dev/null", O_RDWR | O_CLOEXEC) }
      stdioFds =
        options.detach
        ? .init(stdin: nullFd, stdout: nullFd, stderr: nullFd)
        : .init(stdin: withStdin ? 0 : nullFd, stdout: 1, stderr: 2)
    case .files(let i, let o, let e):
      if i < 0 { nullFd = open("/dev/null", O_RDONLY | O_CLOEXEC) }
      stdioFds = .init(stdin: i < 0 ? nullFd : i, stdout: o, stderr: e)
    case .terminal:
      var rows: UInt16 = 0
      var cols: UInt16 = 0
      if berth_window_size(0, &rows, &cols) != 0 { _ = berth_window_size(1, &rows, &cols) }
      stdioFds = .console(rows: rows, cols: cols)
      spec.process.terminal = true
    }
    let seccomp = try compiledSeccomp(spec, custom: c.config.host.seccompProfile != nil)
    return try ContainerProcess.start(
      spec: spec, cgroup: Cgroup(containerID: c.id), stdio: stdioFds, seccomp: seccomp, join: c.pid,
      keepRunning: options.detach)
  }
}
