import ArgumentParser
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth start`: start created or stopped containers; `-a` attaches and returns the exit code.
struct StartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start", abstract: "Start one or more stopped containers")

  @Flag(name: [.short, .long], help: "Attach STDOUT/STDERR and forward signals") var attach = false
  @Flag(name: [.short, .long], help: "Attach container's STDIN") var interactive = false
  @Argument(help: "Containers") var containers: [String]

  func run() throws {
    CLI.failureStatus = 1
    let engine = try CLI.engine()
    guard attach || interactive else {
      try forEachReportingErrors(containers) { name in
        try engine.containers.startDetached(name)
        print(name)
      }
      return
    }
    guard containers.count == 1 else {
      throw BerthError.invalid("you cannot start and attach multiple containers at once")
    }
    let c = try engine.containers.get(containers[0])
    let tty = c.config.config.tty ?? false
    let stdin = interactive && (c.config.config.openStdin ?? false)
    let code = try engine.containers.run(c.id, stdio: tty ? .terminal(stdin: stdin) : .inherit(stdin: stdin))
    throw ExitCode(code)
  }
}
