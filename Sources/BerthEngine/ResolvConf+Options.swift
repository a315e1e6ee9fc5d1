/// The container's resolv.conf with its options applied, as Docker's `setupDNS` and
/// `rebuildDNS` do: `--dns`, `--dns-search` and `--dns-option` replace the host's lines of
/// their kind; on user-defined networks the only nameserver is the network's embedded DNS
/// (which forwards to the `--dns` servers, or the host's) and `ndots:0` is added unless an
/// `ndots` option is given.
extension ResolvConf {
  /// base is the host's resolv.conf as `forContainer()` filters it; embeddedDNS the network's
  /// responder (nil off user-defined networks).
  static func applying(
    to base: String, embeddedDNS: String?, dns: [String], search: [String], options: [String]
  ) -> String {
    var lines = base.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last == "" { lines.removeLast() }
    func key(_ line: String) -> Substring { line.split(separator: " ", omittingEmptySubsequences: true).first ?? "" }
    if let embeddedDNS {
      lines.removeAll { key($0) == "nameserver" }
      lines.append("nameserver \(embeddedDNS)")
    } else if !dns.isEmpty {
      lines.removeAll { key($0) == "nameserver" }
      lines += dns.map { "nameserver \($0)" }
    }
    if !search.isEmpty {
      lines.removeAll { key($0) == "search" || key($0) == "domain" }
      // Docker: `--dns-search .` means no search domains at all.
      if search != ["."] { lines.append("search " + search.joined(separator: " ")) }
    }
    var wanted = options
    if wanted.isEmpty {
      wanted = lines.filter { key($0) == "options" }.flatMap { $0.split(separator: " ").dropFirst().map(String.init) }
    }
    if embeddedDNS != nil && !wanted.contains(where: { $0.hasPrefix("ndots") }) { wanted.append("ndots:0") }
    if !options.isEmpty || embeddedDNS != nil {
      lines.removeAll { key($0) == "options" }
      if !wanted.isEmpty { lines.append("options " + wanted.joined(separator: " ")) }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
