import ArgumentParser
import BerthEngine
import BerthOCI
import BerthTemplate

/// `berth network …`.
struct NetworkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "network", abstract: "Manage networks",
    subcommands: [
      NetworkCreateCommand.self, NetworkListCommand.self, NetworkInspectCommand.self, NetworkRmCommand.self,
      NetworkPruneCommand.self, NetworkConnectCommand.self, NetworkDisconnectCommand.self,
    ])
}

/// `berth network create`.
struct NetworkCreateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a network")
  @Option(name: [.short, .long], help: "Driver to manage the Network (bridge)") var driver = "bridge"
  @Option(name: .long, help: "Subnet in CIDR format that represents a network segment") var subnet: [String] = []
  @Option(name: .long, help: "IPv4 or IPv6 Gateway for the master subnet") var gateway: [String] = []
  @Option(name: .customLong("ip-range"), help: "Allocate container ip from a sub-range") var ipRange: [String] = []
  @Option(name: .customLong("aux-address"), help: "Auxiliary IPv4 addresses used by Network driver (name=ip)")
  var auxAddress: [String] = []
  @Flag(name: .long, help: "Restrict external access to the network") var `internal` = false
  @Flag(name: .long, help: "Enable IPv6 networking") var ipv6 = false
  @Flag(name: .long, help: "Enable manual container attachment") var attachable = false
  @Flag(name: .long, help: "Create swarm routing-mesh network") var ingress = false
  @Option(name: .long, help: "Control the network's scope") var scope = ""
  @Option(name: .long, help: "Set metadata on a network") var label: [String] = []
  @Argument(help: "The network's name") var name: String

  func run() throws {
    var labels: [String: String] = [:]
    for l in label {
      let kv = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      labels[kv[0]] = kv.count > 1 ? kv[1] : ""
    }
    var aux: [String: String] = [:]
    for a in auxAddress {
      let kv = a.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw BerthError.invalid("invalid aux-address: \(a)") }
      aux[kv[0]] = kv[1]
    }
    // As Docker's CLI: at most one subnet per address family, with the gateway and range of
    // the same family.
    let v6 = { (s: String) in s.contains(":") }
    let subnets4 = subnet.filter { !v6($0) }
    let subnets6 = subnet.filter(v6)
    if subnets4.count > 1 || subnets6.count > 1 {
      throw BerthError.invalid("multiple subnets of one address family are not supported")
    }
    for g in gateway where !subnet.contains(where: { v6($0) == v6(g) }) {
      throw BerthError.invalid("no matching subnet for gateway \(g)")
    }
    for r in ipRange where !subnet.contains(where: { v6($0) == v6(r) }) {
      throw BerthError.invalid("no matching subnet for range \(r)")
    }
    var options = NetworkCreateOptions()
    options.enableIPv6 = ipv6
    options.subnet6 = subnets6.first
    options.gateway6 = gateway.first(where: v6)
    options.ipRange6 = ipRange.first(where: v6)
    options.attachable = attachable
    options.ingress = ingress
    options.scope = scope
    let n = try CLI.engine().networks.create(
      name: name, driver: driver, subnet: subnets4.first, gateway: gateway.first { !v6($0) }, isInternal: `internal`,
      labels: labels, ipRange: ipRange.first { !v6($0) }, auxAddresses: aux, options: options)
    print(n.id)
  }
}

/// `berth network ls`.
struct NetworkListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ls", abstract: "List networks", aliases: ["list"])
  @Flag(name: [.short, .long], help: "Only display network IDs") var quiet = false
  @Flag(name: .customLong("no-trunc"), help: "Do not truncate the output") var noTrunc = false

  func run() throws {
    let networks = try CLI.engine().networks.listAll()
    if quiet {
      for n in networks { print(noTrunc ? n.id : n.shortID) }
      return
    }
    var table = Table(header: ["NETWORK ID", "NAME", "DRIVER", "SCOPE"])
    for n in networks { table.append([noTrunc ? n.id : n.shortID, n.name, n.driver, n.scope]) }
    print(table.render(), terminator: "")
  }
}

/// `berth network inspect`.
struct NetworkInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Display detailed information on one or more networks")
  @Option(name: [.short, .long], help: "Format output using a custom template") var format: String?
  @Argument(help: "Networks") var names: [String]

  func run() throws {
    let engine = try CLI.engine()
    try InspectOptions.printDocuments(of: names, format: format) {
      try JSONValue(encoding: engine.networks.inspect($0))
    }
  }
}

/// `berth network rm`.
struct NetworkRmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove one or more networks", aliases: ["remove"])
  @Argument(help: "Networks") var names: [String]

  func run() throws {
    let engine = try CLI.engine()
    try forEachReportingErrors(names) { name in
      try engine.networks.remove(name)
      print(name)
    }
  }
}

/// `berth network prune`.
struct NetworkPruneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove all unused networks")
  @Flag(name: [.short, .long], help: "Do not prompt for confirmation") var force = false

  func run() throws {
    let removed = try CLI.engine().networks.prune()
    if !removed.isEmpty { print("Deleted Networks:\n" + removed.map { $0 + "\n" }.joined(), terminator: "") }
  }
}

/// `berth network connect` (takes effect at the container's next start).
struct NetworkConnectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "connect", abstract: "Connect a container to a network")
  @Option(name: .long, help: "Add network-scoped alias for the container") var alias: [String] = []
  @Option(name: .long, help: "IPv4 address (e.g., 172.30.100.104)") var ip: String?
  @Option(name: .long, help: "IPv6 address (e.g., 2001:db8::33)") var ip6: String?
  @Option(name: .long, help: "Add link to another container") var link: [String] = []
  @Option(name: .customLong("link-local-ip"), help: "Add a link-local address for the container")
  var linkLocalIP: [String] = []
  @Option(name: .customLong("driver-opt"), help: "driver options for the network") var driverOpt: [String] = []
  @Argument(help: "The network") var network: String
  @Argument(help: "The container") var container: String

  func run() throws {
    var endpoint = EndpointSettings()
    endpoint.ipv4Address = ip
    endpoint.ipv6Address = ip6
    try endpoint.validate()
    endpoint.links = link.isEmpty ? nil : link
    endpoint.linkLocalIPs = linkLocalIP.isEmpty ? nil : linkLocalIP
    for opt in driverOpt {
      let kv = opt.split(separator: "=", maxSplits: 1).map(String.init)
      endpoint.driverOpts = (endpoint.driverOpts ?? [:]).merging([kv[0]: kv.count > 1 ? kv[1] : ""]) { $1 }
    }
    try CLI.engine().containers.connect(container, network: network, aliases: alias, endpoint: endpoint)
  }
}

/// `berth network disconnect` (takes effect at the container's next start).
struct NetworkDisconnectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disconnect", abstract: "Disconnect a container from a network")
  @Flag(name: [.short, .long], help: "Force the container to disconnect from a network") var force = false
  @Argument(help: "The network") var network: String
  @Argument(help: "The container") var container: String

  func run() throws {
    try CLI.engine().containers.disconnect(container, network: network)
  }
}
