import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`.
struct PortCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "port", abstract: "List port mappings or a specific mapping for the container")
  @Argument(help: "The container") var container: String
  @Argument(help: "PRIVATE_PORT[/PROTO]") var privatePort: String?

  func run() throws {
    let (c, bindings) = try CLI.engine().containers.publishedPorts(container)
    guard let privatePort else {
      for b in bindings { print("\(b.portKey) -> \(b.displayHostPort)") }
      return
    }
    let key = privatePort.contains("/") ? privatePort : privatePort + "/tcp"
    let matching = bindings.filter { $0.portKey == key }
    guard !matching.isEmpty else {
      throw BerthError.notFound("No public port '\(key)' published for \(c.name)")
    }
    for b in matching { print(b.displayHostPort) }
  }
}
