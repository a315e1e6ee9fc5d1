import ArgumentParser
import BerthEngine

/// `berth __proxy --pid-file FILE ROUTE…` (internal): the IPv6 listeners of a container's
/// published ports (`[::]:4000=172.17.0.2:80`), started with its rules and killed with them.
struct ProxyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__proxy", shouldDisplay: false)
  @Option(name: .customLong("pid-file")) var pidFile: String
  @Argument var routes: [String]

  func run() throws {
    try NetworkService.serveProxy(routes: routes, pidFile: pidFile, reportFd: 3)
  }
}
