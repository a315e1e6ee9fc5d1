/// Where a registry named in a reference is reached, as Docker decides it.
///
/// `docker.io` (Docker Hub) is served by `registry-1.docker.io`; other domains are their own host.
/// Plain HTTP is allowed only for loopback names and the configured insecure registries. Those are
/// probed over plain HTTP first, then over HTTPS without certificate verification (unless a CA is
/// configured): the reverse of Docker's order, because a plain HTTP server never answers a TLS
/// hello (the probe would wait for its timeout), while a TLS server answers plain HTTP at once
/// with a 400 that the probe recognises.
public struct RegistryHost: Sendable, Hashable {
  /// The domain as written in references: `docker.io`, `localhost:5000`.
  public var domain: String
  /// The `host[:port]` that HTTP requests go to.
  public var host: String
  /// Whether this registry may be reached without verified TLS.
  public var insecure: Bool

  /// Docker Hub's registry endpoint host.
  public static let dockerHubHost = "registry-1.docker.io"
  /// The key Docker stores Docker Hub credentials under in `config.json`.
  public static let dockerHubAuthKey = "https://index.docker.io/v1/"

  /// Resolves the domain of a reference.
  public init(domain: String, insecureRegistries: [String] = []) {
    self.domain = domain
    host = domain == Reference.defaultDomain ? RegistryHost.dockerHubHost : domain
    insecure = RegistryHost.isLoopback(domain) || insecureRegistries.contains(domain)
  }

  /// The schemes to try, in order.
  public var schemes: [String] { insecure ? ["http", "https"] : ["https"] }

  /// The key of this registry in `config.json`'s `auths`.
  public var authKey: String { domain == Reference.defaultDomain ? RegistryHost.dockerHubAuthKey : domain }

  /// Whether a domain names this machine: `localhost`, `127.0.0.0/8` or `[::1]`, any port.
  public static func isLoopback(_ domain: String) -> Bool {
    var name = Substring(domain)
    if name.hasPrefix("[") {
      name = name.dropFirst().prefix { $0 != "]" }
    } else if let colon = name.lastIndex(of: ":") {
      name = name[..<colon]
    }
    return name == "localhost" || name == "::1" || name.hasPrefix("127.")
  }
}
