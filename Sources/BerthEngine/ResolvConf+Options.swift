/// The container's resolv.conf with its options applied, as Docker's `setupDNS` and
/// `rebuildDNS` do: with `--dns`, `--dns-search` or `--dns-option` the file is rebuilt as
/// `search`, `nameserver`s, `options` (each given or else the host's); on user-defined networks
/// the only nameserver is the network's embedded DNS (which forwards to the `--dns` servers,
/// or the host's) and `ndots:0` is added unless an `ndots` option is given.
extension ResolvConf {
  /// base is the host's resolv.conf as `forContainer()` filters it; embeddedDNS the network's
  /// responder (nil off user-defined networks).
  static func applying(
    to base: String, embeddedDNS: String?, dns: [String], search: [String], options: [String]
  ) -> String {
    if embeddedDNS == nil && dns.isEmpty && search.isEmpty && options.isEmpty { return base }
    let lines = base.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
    func values(_ key: String) -> [String] {
      lines.filter { $0.first.map(String.init) == key }.flatMap { $0.dropFirst().map(String.init) }
    }
    let servers = embeddedDNS.map { [$0] } ?? (dns.isEmpty ? values("nameserver") : dns)
    // Docker: `--dns-search .` means no search domains at all.
    let domains = search.isEmpty ? values("search") : search == ["."] ? [] : search
    var wanted = options.isEmpty ? values("options") : options
    if embeddedDNS != nil && !wanted.contains(where: { $0.hasPrefix("ndots") }) { wanted.append("ndots:0") }
    var out = domains.isEmpty ? "" : "search " + domains.joined(separator: " ") + "\n"
    out += servers.map { "nameserver \($0)\n" }.joined()
    if !wanted.isEmpty { out += "options " + wanted.joined(separator: " ") + "\n" }
    return out
  }
}
