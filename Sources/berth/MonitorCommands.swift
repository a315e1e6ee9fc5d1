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

  func run() throws { try Self.run(id: id, holdForAttach: holdForAttach) }

  static func run(id: String, holdForAttach: Bool) throws {
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

  func run() throws { try CLI.engine().containers.monitorExited(id) }
}

/// `berth __health ID` (internal): run by berth-monitor every health interval.
struct HealthCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__health", shouldDisplay: false)
  @Argument var id: String

  func run() throws { try CLI.engine().containers.runHealthCheck(id) }
}

/// The helpers berth starts itself (`__monitor`, `__exited`, `__health`) with fixed arguments,
/// run without ArgumentParser: parsing even one command makes the Swift runtime look up
/// protocol conformances (each lookup scans the binary's 10,000 conformance records), which was
/// most of an exit hook's CPU time. Returns false when arguments are not such a helper's.
enum HelperCommands {
  static func run(_ arguments: [String]) throws -> Bool {
    guard arguments.count >= 2, !arguments[1].hasPrefix("-") else { return false }
    let id = arguments[1]
    switch (arguments[0], Array(arguments.dropFirst(2))) {
    case ("__monitor", []): try MonitorCommand.run(id: id, holdForAttach: false)
    case ("__monitor", ["--hold-for-attach"]): try MonitorCommand.run(id: id, holdForAttach: true)
    case ("__exited", []): try CLI.engine().containers.monitorExited(id)
    case ("__health", []): try CLI.engine().containers.runHealthCheck(id)
    default: return false
    }
    return true
  }
}
