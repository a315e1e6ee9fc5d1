import BerthOCI
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The container's first process: cloned by the C init (`berth_spawn`) into new namespaces,
/// moved into its cgroup, then told to go. See `CBerth.h` for the handshake.
public struct ContainerProcess: Sendable {
  /// Host pid of the container's init.
  public let pid: Int32
  /// The master of the container's terminal (made in its own devpts) when it has one.
  public let consoleMaster: Int32?

  /// The stdio the init gets: fds of the calling process dup'ed to 0, 1, 2.
  public struct Stdio: Sendable {
    public var stdin: Int32
    public var stdout: Int32
    public var stderr: Int32
    /// The size of a console to make: the init makes a pty in the container's devpts, makes it
    /// stdio and hands its master back (`consoleMaster`). nil: no console.
    public var console: (rows: UInt16, cols: UInt16)?
    /// Makes stdio.
    public init(stdin: Int32, stdout: Int32, stderr: Int32) {
      self.stdin = stdin
      self.stdout = stdout
      self.stderr = stderr
    }

    /// A new terminal of the given size as stdin, stdout and stderr.
    public static func console(rows: UInt16, cols: UInt16) -> Stdio {
      var s = Stdio(stdin: -1, stdout: -1, stderr: -1)
      s.console = (rows, cols)
      return s
    }
  }

  /// Starts the container described by spec in cgroup. `seccomp` is the compiled filter.
  /// `beforeGo` runs after clone and cgroup placement, before the init runs anything as the
  /// container (network setup).
  ///
  /// With `join` (exec), the process enters the namespaces of that running container's init
  /// instead of making new ones, and the spec's mounts and hostname are not used.
  ///
  /// With `joinNetworkOf` (`--network container:ID`), the new container enters the network
  /// namespace of that running process instead of making one (the spec must not ask for one).
  public static func start(
    spec: RuntimeSpec, cgroup: Cgroup, stdio: Stdio, seccomp: [UInt8]?, join: Int32? = nil,
    joinNetworkOf: Int32? = nil, keepRunning: Bool = false, beforeGo: (Int32) throws -> Void = { _ in }
  ) throws -> ContainerProcess {
    var joinFds: [Int32] = []
    var pidnsFd: Int32 = -1
    var netnsFd: Int32 = -1
    defer {
      for fd in joinFds { close(fd) }
      if pidnsFd >= 0 { close(pidnsFd) }
      if netnsFd >= 0 { close(netnsFd) }
    }
    if let peer = joinNetworkOf {
      let path = "/proc/\(peer)/ns/net"
      netnsFd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    }
    if let join {
      // The mount namespace last: after it, /proc is the container's.
      for ns in ["ipc", "uts", "net", "cgroup", "mnt"] {
        let path = "/proc/\(join)/ns/\(ns)"
        joinFds.append(try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) })
      }
      let path = "/proc/\(join)/ns/pid"
      pidnsFd = try syscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
    }
    let arena = CArena()
    let ops = SetupPlan.operations(for: spec)
    var cOps = ops.map { op in
      berth_op(
        kind: op.kind.rawValue, source: arena.string(op.source), target: arena.string(op.target),
        fstype: arena.string(op.fstype), data: op.data.isEmpty ? nil : arena.string(op.data),
        flags: op.flags, mode: op.mode, dev: op.dev, propagation: op.propagation)
    }
    var rlimits = try spec.process.rlimits.map { r in
      berth_rlimit(resource: Int32(try Rlimits.resource(named: r.type)), soft: r.soft, hard: r.hard)
    }
    let capLast = Rlimits.capLast()
    let caps = spec.process.capabilities
    let root = spec.root
    let overlay =
      root.lowerDirs.isEmpty
      ? nil : "lowerdir=\(root.lowerDirs.joined(separator: ":")),upperdir=\(root.upperDir),workdir=\(root.workDir)"
    var flags: Int32 = 0
    for ns in join == nil ? spec.linux.namespaces : [] {
      switch ns {
      case "pid": flags |= Int32(BERTH_NS_PID.rawValue)
      case "network": flags |= Int32(BERTH_NS_NET.rawValue)
      case "ipc": flags |= Int32(BERTH_NS_IPC.rawValue)
      case "uts": flags |= Int32(BERTH_NS_UTS.rawValue)
      case "mount": flags |= Int32(BERTH_NS_MOUNT.rawValue)
      case "cgroup": break  // made after cgroup placement (unshare_cgroup)
      default: throw BerthError.invalid("unknown namespace \(ns)")
      }
    }
    let path = spec.process.env.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
    var groups = spec.process.user.additionalGids
    var filter = seccomp ?? []
    var syncFd: Int32 = -1
    var errorFd: Int32 = -1
    var consoleSockets: [Int32] = [-1, -1]
    if stdio.console != nil {
      try syscall("socketpair", "console") {
        socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &consoleSockets)
      }
    }
    defer { for fd in consoleSockets where fd >= 0 { close(fd) } }

    if join != nil { cOps = [] }
    let pid: Int32 = try cOps.withUnsafeMutableBufferPointer { opsBuf in
      try rlimits.withUnsafeMutableBufferPointer { rlBuf in
        try groups.withUnsafeMutableBufferPointer { gBuf in
          try filter.withUnsafeMutableBytes { fBuf in
            var config = berth_init_config()
            config.clone_flags = flags
            config.rootfs = arena.string(root.path)
            config.overlay_data = overlay.map { arena.string($0) }
            config.ops = UnsafePointer(opsBuf.baseAddress)
            config.n_ops = Int32(opsBuf.count)
            config.hostname = arena.string(spec.hostname)
            config.readonly_rootfs = root.readonly ? 1 : 0
            config.argv = arena.stringArray(spec.process.args)
            config.envp = arena.stringArray(spec.process.env)
            config.path_env = path.map { arena.string($0) }
            config.cwd = arena.string(spec.process.cwd)
            config.uid = spec.process.user.uid
            config.gid = spec.process.user.gid
            config.groups = UnsafePointer(gBuf.baseAddress)
            config.n_groups = Int32(gBuf.count)
            // A container can only get capabilities this process has (this host lacks
            // CAP_SYS_RESOURCE, so even --privileged gets all but that one).
            let own = Capabilities.ownPermitted()
            config.cap_bounding = Capabilities.mask(caps.bounding, last: capLast) & own
            config.cap_effective = Capabilities.mask(caps.effective, last: capLast) & own
            config.cap_permitted = Capabilities.mask(caps.permitted, last: capLast) & own
            config.cap_inheritable = Capabilities.mask(caps.inheritable, last: capLast) & own
            config.cap_ambient = Capabilities.mask(caps.ambient, last: capLast) & own
            config.cap_last = Int32(capLast)
            config.no_new_privs = spec.process.noNewPrivileges ? 1 : 0
            config.seccomp_filter = seccomp == nil ? nil : UnsafeRawPointer(fBuf.baseAddress)
            config.seccomp_len = Int32(fBuf.count / 8)
            config.rlimits = UnsafePointer(rlBuf.baseAddress)
            config.n_rlimits = Int32(rlBuf.count)
            config.stdio = (stdio.stdin, stdio.stdout, stdio.stderr)
            config.console_socket = consoleSockets[1]
            config.rows = stdio.console?.rows ?? 0
            config.cols = stdio.console?.cols ?? 0
            config.loopback_up = flags & Int32(BERTH_NS_NET.rawValue) != 0 ? 1 : 0
            config.join_pidns_fd = pidnsFd
            config.join_net_fd = netnsFd
            config.unshare_cgroup = join == nil && spec.linux.namespaces.contains("cgroup") ? 1 : 0
            config.keep_running = keepRunning ? 1 : 0
            if let adj = spec.process.oomScoreAdj {
              config.oom_score_adj_set = 1
              config.oom_score_adj = Int32(adj)
            }
            let pid = joinFds.withUnsafeBufferPointer { fds in
              config.join_ns_fds = fds.baseAddress
              config.n_join_ns_fds = Int32(fds.count)
              return berth_spawn(&config, &syncFd, &errorFd)
            }
            if pid < 0 { throw SystemError("clone", "container init", errno: -pid) }
            return pid
          }
        }
      }
    }
    withExtendedLifetime(arena) {}
    if consoleSockets[1] >= 0 {
      close(consoleSockets[1])
      consoleSockets[1] = -1
    }

    // 'G' lets the init make its mounts while this process places it in its cgroup; 'C' lets it
    // go on to run as the container. The cgroup move (on cgroup v1 mostly a wait for an RCU
    // grace period, ~15 ms) runs on another thread while beforeGo plumbs the network.
    _ = berth_write_byte(syncFd, CChar(UInt8(ascii: "G")))
    do {
      let placement = CgroupPlacement(cgroup: cgroup, pid: pid)
      let thread = Thread { placement.run() }
      thread.start()
      var goError: Error?
      do { try beforeGo(pid) } catch { goError = error }
      placement.done.wait()
      if let error = placement.error { throw error }
      if let goError { throw goError }
    } catch {
      close(syncFd)
      close(errorFd)
      kill(pid, SIGKILL)
      _ = berth_wait(pid)
      throw error
    }
    _ = berth_write_byte(syncFd, CChar(UInt8(ascii: "C")))
    close(syncFd)
    var master: Int32?
    if consoleSockets[0] >= 0 {
      let fd = berth_receive_console(consoleSockets[0])
      if fd >= 0 { master = fd }
    }

    var report = berth_init_error()
    let n = withUnsafeMutableBytes(of: &report) { buf in
      var total = 0
      while total < buf.count {
        let r = read(errorFd, buf.baseAddress! + total, buf.count - total)
        if r < 0 && errno == EINTR { continue }
        if r <= 0 { break }
        total += r
      }
      return total
    }
    close(errorFd)
    if n == 0 { return ContainerProcess(pid: pid, consoleMaster: master) }
    if let master { close(master) }
    _ = berth_wait(pid)
    throw BerthError(report: report, argv0: spec.process.args.first ?? "")
  }

  /// Waits for the process to exit; returns Docker's exit code (the code, or 128 + signal).
  public func wait() -> Int32 {
    let status = berth_wait(pid)
    if status < 0 { return 255 }
    return Processes.exitCode(fromWaitStatus: status)
  }
}

/// A failure of the container's init before its command ran.
extension BerthError {
  /// Makes the error a failed init reported.
  init(report r: berth_init_error, argv0: String) {
    let detail = withUnsafeBytes(of: r.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let reason = String(cString: strerror(r.err))
    if r.step == Int32(BERTH_STEP_EXEC.rawValue) {
      if r.exit_code == 127 {
        let message =
          argv0.contains("/")
          ? "exec: \"\(argv0)\": stat \(argv0): no such file or directory"
          : "exec: \"\(argv0)\": executable file not found in $PATH"
        self.init(.invalidArgument, message, exitStatus: 127)
      } else {
        self.init(.invalidArgument, "exec: \"\(detail)\": \(reason.lowercased())", exitStatus: 126)
      }
      return
    }
    let steps = [
      "sync", "make / private", "mount the root filesystem", "mount", "pivot_root", "set the hostname",
      "bring up loopback", "set rlimits", "load seccomp", "set capabilities", "set user", "set up stdio",
      "change to the working directory", "exec", "make / read-only", "make the console",
      "join the container's namespaces",
    ]
    let step = Int(r.step) - 1
    let what = steps.indices.contains(step) ? steps[step] : "start"
    self.init(.internal, "failed to start container: \(what) \(detail): \(reason)", exitStatus: r.exit_code)
  }
}

/// Moves a process into its cgroup on another thread; `done` is signalled when it has.
final class CgroupPlacement: @unchecked Sendable {
  let cgroup: Cgroup
  let pid: Int32
  let done = DispatchSemaphore(value: 0)
  var error: Error?

  init(cgroup: Cgroup, pid: Int32) {
    self.cgroup = cgroup
    self.pid = pid
  }

  func run() {
    do { try cgroup.add(pid: pid) } catch { self.error = error }
    done.signal()
  }
}
