import BerthOCI
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The registries reached over plain HTTP or unverified TLS besides loopback ones, from Docker's
/// three places: `berth daemon --insecure-registry` (repeatable, as dockerd's flag), the
/// `insecure-registries` key of the daemon config file (`/etc/berth/daemon.json`, or the file
/// `BERTH_CONFIG` names; the same key as Docker's `/etc/docker/daemon.json`; read by the CLI and
/// the daemon), and `BERTH_INSECURE_REGISTRIES` (comma-separated). An entry is a `host[:port]`,
/// matched exactly (an `http://` or `https://` prefix is dropped), or a CIDR such as
/// `10.0.0.0/8` that matches a registry whose host is, or resolves to, an address in it.
public enum InsecureRegistries {
  /// The default daemon config file.
  public static let defaultConfigFile = "/etc/berth/daemon.json"

  private static let daemonEntries = Mutex<[String]>([])

  /// Sets the daemon's `--insecure-registry` entries (checked by ``validate(_:)`` first).
  public static func setDaemonEntries(_ entries: [String]) { daemonEntries.withLock { $0 = entries } }

  /// The config file in effect: `BERTH_CONFIG`, else ``defaultConfigFile``.
  public static var configFile: String {
    ProcessInfo.processInfo.environment["BERTH_CONFIG"] ?? defaultConfigFile
  }

  /// Every configured entry: daemon flags, then the config file, then the environment.
  public static func entries() throws -> [String] {
    let env = ProcessInfo.processInfo.environment["BERTH_INSECURE_REGISTRIES"] ?? ""
    let fromEnv = env.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return try daemonEntries.withLock { $0 } + fileEntries(configFile) + fromEnv
  }

  /// The `insecure-registries` of a daemon.json; none when the file does not exist.
  public static func fileEntries(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    struct File: Decodable {
      var insecureRegistries: [String]?
      enum CodingKeys: String, CodingKey { case insecureRegistries = "insecure-registries" }
    }
    do {
      let entries = try JSONDecoder().decode(File.self, from: data).insecureRegistries ?? []
      try validate(entries)
      return entries
    } catch let error as BerthError {
      throw BerthError.invalid("unable to configure the daemon with file \(path): \(error.message)")
    } catch {
      throw BerthError.invalid("unable to configure the daemon with file \(path): \(error)")
    }
  }

  /// Refuses entries Docker refuses: empty, with a path, or a malformed CIDR.
  public static func validate(_ entries: [String]) throws {
    for entry in entries {
      let name = stripScheme(entry)
      if name.contains("/") {
        guard CIDR(name) != nil else { throw BerthError.invalid("insecure registry \(entry) is not a valid CIDR") }
      } else if name.isEmpty || name.contains(" ") {
        throw BerthError.invalid("insecure registry \(entry) is not valid")
      }
    }
  }

  /// Whether `domain` (a reference's registry, `host[:port]`) is one of `entries`.
  public static func matches(_ domain: String, entries: [String]) -> Bool {
    let names = entries.map(stripScheme)
    if names.contains(domain) { return true }
    let cidrs = names.compactMap(CIDR.init)
    guard !cidrs.isEmpty else { return false }
    let host = hostPart(of: domain)
    return addresses(of: host).contains { address in cidrs.contains { $0.contains(address) } }
  }

  static func stripScheme(_ entry: String) -> String {
    for scheme in ["http://", "https://"] where entry.hasPrefix(scheme) { return String(entry.dropFirst(scheme.count)) }
    return entry
  }

  /// `host` of `host[:port]` or `[v6]:port`.
  static func hostPart(of domain: String) -> String {
    if domain.hasPrefix("[") { return String(domain.dropFirst().prefix { $0 != "]" }) }
    if domain.filter({ $0 == ":" }).count == 1, let colon = domain.lastIndex(of: ":") {
      return String(domain[..<colon])
    }
    return domain
  }

  /// The addresses of a host: itself when it is an IP literal, else what the resolver says.
  static func addresses(of host: String) -> [[UInt8]] {
    if let literal = CIDR.parseAddress(host) { return [literal] }
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
    defer { freeaddrinfo(list) }
    var result: [[UInt8]] = []
    var cursor = list
    while let info = cursor?.pointee {
      if info.ai_family == AF_INET, let address = info.ai_addr {
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
          var raw = $0.pointee.sin_addr
          result.append(withUnsafeBytes(of: &raw) { Array($0) })
        }
      } else if info.ai_family == AF_INET6, let address = info.ai_addr {
        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
          var raw = $0.pointee.sin6_addr
          result.append(withUnsafeBytes(of: &raw) { Array($0) })
        }
      }
      cursor = info.ai_next
    }
    return result
  }

  /// An IPv4 or IPv6 network, `address/prefix`.
  struct CIDR {
    var network: [UInt8]
    var prefix: Int

    init?(_ text: String) {
      let parts = text.split(separator: "/", omittingEmptySubsequences: false)
      guard parts.count == 2, let address = CIDR.parseAddress(String(parts[0])), let prefix = Int(parts[1]),
        prefix >= 0, prefix <= address.count * 8
      else { return nil }
      network = address
      self.prefix = prefix
    }

    func contains(_ address: [UInt8]) -> Bool {
      guard address.count == network.count else { return false }
      var bits = prefix
      for (a, n) in zip(address, network) where bits > 0 {
        let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
        if a & mask != n & mask { return false }
        bits -= 8
      }
      return true
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) literal.
    static func parseAddress(_ text: String) -> [UInt8]? {
      var v4 = in_addr()
      if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
      var v6 = in6_addr()
      if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
      return nil
    }
  }
}
