import BerthOCI
import BerthSystem

/// `--network container:NAME|ID`: a container that lives in another running container's
/// network namespace, as Docker's: it gets no interface of its own, shares the other's
/// hostname, /etc/hosts and /etc/resolv.conf, and its settings name the other by full id.
extension HostSettings {
  /// The id (or name, before create resolves it) of the container whose network this one
  /// joins; nil for every other mode.
  public var networkContainer: String? {
    networkMode.hasPrefix("container:") ? String(networkMode.dropFirst("container:".count)) : nil
  }
}

extension ContainerService {
  /// At create: resolves the container to join (stored as `container:<full id>`), refuses the
  /// options Docker refuses with it, and takes its hostname.
  func validateSharedNetwork(_ host: inout HostSettings, config: inout ContainerConfig, hostnameGiven: Bool) throws {
    guard let ref = host.networkContainer else { return }
    guard !ref.isEmpty else { throw BerthError.invalid("container name or id is required for --network container:") }
    let peer = try get(ref)
    let opts = host.networking ?? NetworkingOptions()
    if hostnameGiven { throw BerthError.invalid("conflicting options: hostname and the network mode") }
    if !opts.links.isEmpty {
      throw BerthError.invalid(
        "conflicting options: container type network can't be used with links. This would result in undefined behavior"
      )
    }
    if !opts.dns.isEmpty { throw BerthError.invalid("conflicting options: dns and the network mode") }
    if !opts.extraHosts.isEmpty {
      throw BerthError.invalid("conflicting options: custom host-to-IP mapping and the network mode")
    }
    if !opts.ports.isEmpty || opts.publishAll {
      throw BerthError.invalid("conflicting options: port publishing and the container type network mode")
    }
    if !opts.expose.isEmpty {
      throw BerthError.invalid("conflicting options: port exposing and the container type network mode")
    }
    if !opts.aliases.isEmpty || opts.ipv4 != nil || opts.ipv6 != nil {
      throw BerthError.invalid("conflicting options: network-scoped options and the container type network mode")
    }
    host.networkMode = "container:" + peer.id
    config.hostname = peer.config.config.hostname ?? peer.shortID
    config.domainname = peer.config.config.domainname
  }

  /// At start: the running container whose network namespace c joins (nil unless c has
  /// `--network container:`). Docker's errors when it is c itself or not running.
  func networkPeer(of c: ContainerRecord) throws -> ContainerRecord? {
    guard let ref = c.config.host.networkContainer else { return nil }
    let peer = try get(ref)
    if peer.id == c.id { throw BerthError.invalid("cannot join own network") }
    guard
      peer.state == .running || peer.state == .paused, Processes.isAlive(pid: peer.pid, startTime: peer.pidStart)
    else {
      throw BerthError.conflict("cannot join network of a non running container: \(ref)")
    }
    return peer
  }

  /// The directory whose hosts, hostname and resolv.conf c uses: its own, or (with
  /// `--network container:`) the other container's.
  func networkFilesDirectory(of c: ContainerRecord) -> String {
    if let ref = c.config.host.networkContainer, let peer = try? get(ref) { return paths.container(peer.id) }
    return paths.container(c.id)
  }
}
