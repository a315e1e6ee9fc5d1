import ArgumentParser
import BerthAPI
import BerthEngine
import BerthOCI

#if canImport(Glibc)
import Glibc
#endif

/// `berth daemon`: serves the Docker Engine API on unix sockets, over the same data root as
/// the CLI. Containers outlive it: killing it loses no container and no log line.
struct DaemonCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "daemon", abstract: "Serve the Docker Engine API (DOCKER_HOST=unix:///run/berth/berth.sock)")

  @Option(
    name: [.customShort("H"), .customLong("host")],
    help: "Daemon socket to listen on (unix://PATH, tcp://127.0.0.1:PORT)")
  var hosts: [String] = []
  @Option(name: .long, help: "Group that owns the socket (default: berth, when it exists)")
  var group: String?
  @Flag(name: .long, help: "Use TLS and verify the remote (clients need a certificate signed by --tlscacert)")
  var tlsverify = false
  @Flag(name: .long, help: "Use TLS; implied by --tlsverify")
  var tls = false
  @Option(name: .long, help: "Trust certs signed only by this CA") var tlscacert: String?
  @Option(name: .long, help: "Path to TLS certificate file") var tlscert: String?
  @Option(name: .long, help: "Path to TLS key file") var tlskey: String?
  @Option(
    name: .customLong("insecure-registry"),
    help: "Enable insecure registry communication (HOST[:PORT] or CIDR; repeatable; also daemon.json)")
  var insecureRegistries: [String] = []

  /// The TLS settings of the flags, nil without --tls/--tlsverify.
  func tlsSettings() throws -> DaemonTLS? {
    guard tls || tlsverify else { return nil }
    guard let tlscert, let tlskey else { throw BerthError.invalid("--tls and --tlsverify need --tlscert and --tlskey") }
    return DaemonTLS(certificate: tlscert, key: tlskey, clientCA: tlscacert, verifyClients: tlsverify)
  }

  func run() throws {
    signal(SIGPIPE, SIG_IGN)
    // SIGTERM and SIGINT end the daemon (containers go on); whatever mask or disposition it
    // inherited.
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    signal(SIGTERM, SIG_DFL)
    signal(SIGINT, SIG_DFL)
    let tlsSettings = try tlsSettings()
    try InsecureRegistries.validate(insecureRegistries)
    InsecureRegistries.setDaemonEntries(insecureRegistries)
    _ = try InsecureRegistries.entries()  // a broken config file stops the daemon here, as dockerd
    let engine = try CLI.engine()
    let server = try APIServer(engine: engine)
    let addresses = hosts.isEmpty ? ["unix://\(engine.paths.execRoot)/berth.sock"] : hosts
    for address in addresses {
      if address.hasPrefix("tcp://") {
        try server.listen(tcp: address, tls: tlsSettings)
      } else if address.hasPrefix("unix://") || address.hasPrefix("/") {
        try server.listen(unixSocket: address, group: group ?? "berth")
      } else {
        throw BerthError.invalid("unsupported daemon address \(address): use unix://PATH or tcp://127.0.0.1:PORT")
      }
      printError("berth daemon: API listening on \(address)\n")
    }
    try server.run()
  }
}
