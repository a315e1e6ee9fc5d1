import BerthOCI

/// What `network create` asks for beyond the IPv4 pool: an IPv6 pool, Docker's swarm-era
/// flags, and whether a taken name is refused.
public struct NetworkCreateOptions: Sendable, Equatable {
  /// `--ipv6` (`EnableIPv6`): endpoints get an IPv6 address too; needs ``subnet6``.
  public var enableIPv6 = false
  /// The IPv6 pool (`--subnet`, `--gateway`, `--ip-range` with IPv6 values). Kept and reported
  /// without `--ipv6` as well, as Docker does, but then no endpoint gets an IPv6 address.
  public var subnet6: String?
  public var gateway6: String?
  public var ipRange6: String?
  /// `--attachable` and `--ingress` (`Attachable`, `Ingress`), stored and reported.
  public var attachable = false
  public var ingress = false
  /// `--scope` (`Scope`): only `local` (or empty) is possible without a swarm.
  public var scope = ""
  /// `CheckDuplicate`: refuse a name another network has. Always true from the CLI and for
  /// API 1.44 and later; a client of an older API that does not send it may make a second
  /// network of that name, as with dockerd 20.10.
  public var checkDuplicate = true

  /// Nothing beyond the defaults.
  public init() {}

  /// Refuses what needs a swarm, with dockerd's messages.
  func validate() throws {
    if ingress { throw BerthError(.forbidden, "Ingress network can only be global scope network") }
    switch scope {
    case "", "local": break
    case "swarm": throw BerthError(.forbidden, "cannot create a swarm scoped network when swarm is not active")
    default:
      throw BerthError(
        .unavailable,
        "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again."
      )
    }
  }
}
