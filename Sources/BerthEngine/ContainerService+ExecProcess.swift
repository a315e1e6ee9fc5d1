import BerthOCI
import BerthRuntime
import BerthSystem

extension ContainerService {
  /// Starts a command in a running container for a caller that relays its stdio itself (the
  /// Engine API's exec): no signal forwarding, no terminal pumping; the caller waits for the
  /// returned process. `.terminal` gives it a pty whose master is `consoleMaster`.
  public func startExecProcess(_ ref: String, _ options: ExecOptions, stdio: StdioMode) throws -> ContainerProcess {
    Cgroup.warmMigrations(for: 1)
    let c = try get(ref)
    guard c.state == .running, Processes.isAlive(pid: c.pid, startTime: c.pidStart) else {
      throw BerthError.conflict("container \(c.id) is not running")
    }
    guard !options.command.isEmpty else { throw BerthError.invalid("No exec command specified") }
    return try startExec(c, options, stdio: stdio)
  }
}
