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

/// `berth __networks-cleanup` (internal): force-removes this data root's running containers
/// and removes the devices and rules of its networks (test sandboxes call it before deleting
/// their roots; bridges and iptables rules are host-wide and would outlive the directory).
struct NetworksCleanupCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "__networks-cleanup", shouldDisplay: false)

  func run() throws {
    let engine = try CLI.engine()
    for c in try engine.containers.list(all: false) { try? engine.containers.remove(c.id, force: true) }
    try engine.networks.tearDownAll()
  }
}
