import ArgumentParser
import BerthEngine

#if canImport(Glibc)
import Glibc
#endif

/// `berth __monitor ID` (internal): started detached by `run -d`/`start`; starts the container,
/// reports on fd 3 and execs berth-monitor.
struct MonitorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__monitor", shouldDisplay: false)
  @Argument var id: String
  @Flag(name: .customLong("hold-for-attach")) var holdForAttach = false

  func run() throws {
    let engine: Engine
    do {
      engine = try CLI.engine()
    } catch {
      // Tell the waiting CLI why.
      let message = Array("error\n-1\ninternal\n\(error)".utf8)
      _ = message.withUnsafeBytes { write(3, $0.baseAddress, $0.count) }
      throw error
    }
    try engine.containers.becomeMonitor(id, reportFd: 3, holdForAttach: holdForAttach)
  }
}

/// `berth __exited ID` (internal): exec'd by berth-monitor when the container exited.
struct ExitedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__exited", shouldDisplay: false)
  @Argument var id: String

  func run() throws {
    try CLI.engine().containers.monitorExited(id)
  }
}

/// `berth __health ID` (internal): run by berth-monitor every health interval.
struct HealthCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__health", shouldDisplay: false)
  @Argument var id: String

  func run() throws {
    try CLI.engine().containers.runHealthCheck(id)
  }
}
