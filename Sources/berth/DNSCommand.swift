import ArgumentParser
import BerthEngine

/// `berth __dns NETWORK` (internal): the embedded DNS responder of a user-defined network,
/// started with its first running container and stopped with its last.
struct DNSCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__dns", shouldDisplay: false)
  @Argument var network: String

  func run() throws {
    try CLI.engine().networks.serveDNS(network, reportFd: 3)
  }
}

/// `berth __networks-cleanup` (internal): removes the devices and rules of this data root's
/// networks (test sandboxes call it before deleting their roots).
struct NetworksCleanupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__networks-cleanup", shouldDisplay: false)

  func run() throws {
    try CLI.engine().networks.tearDownAll()
  }
}
