/// docker/distribution's reference grammar (`reference.Parse`), matched by hand on bytes:
///
/// ```
/// reference        := name [ ":" tag ] [ "@" digest ]
/// name             := [ domain "/" ] path-component [ "/" path-component ]*
/// domain           := host [ ":" port ]           host := domain-name | "[" ipv6 "]"
/// domain-name      := /[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?/ ( "." same )*
/// path-component   := /[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*/
/// tag              := /[\w][\w.-]{0,127}/
/// digest           := /[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}/
/// ```
///
/// As with the regular expression, the first component is taken as the domain when the rest
/// still matches; otherwise the whole name is a path with an empty domain.
enum ReferenceGrammar {
  /// The pieces of a reference that matched the grammar, before the digest is validated.
  struct Match {
    var domain: String
    var path: String
    var name: String
    var tag: String?
    var digest: String?
  }

  /// `reference.Parse`: matches the grammar, checks the name length and validates the digest.
  static func parse(_ string: String) throws(ReferenceError) -> Reference {
    guard let match = match(string) else {
      if string.isEmpty { throw ReferenceError("repository name must have at least one component") }
      if self.match(string.lowercased()) != nil { throw .nameContainsUppercase }
      throw .invalidFormat
    }
    if match.name.utf8.count > Reference.maximumNameLength { throw .nameTooLong }
    var digest: Digest?
    if let text = match.digest {
      do {
        digest = try Digest(parsing: text)
      } catch {
        throw ReferenceError(error.description)
      }
    }
    return Reference(domain: match.domain, path: match.path, tag: match.tag, digest: digest)
  }

  /// Matches the whole string against the grammar, or returns nil.
  static func match(_ string: String) -> Match? {
    let bytes = Array(string.utf8)
    var nameEnd = bytes.endIndex
    var digest: String?
    if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
      let digestBytes = bytes[(at + 1)...]
      guard isDigest(digestBytes) else { return nil }
      digest = String(decoding: digestBytes, as: UTF8.self)
      nameEnd = at
    }
    var name = bytes[..<nameEnd]
    var tag: String?
    if let colon = name.lastIndex(of: UInt8(ascii: ":")),
      colon > (name.lastIndex(of: UInt8(ascii: "/")) ?? -1)
    {
      let tagBytes = name[(colon + 1)...]
      guard isTag(tagBytes) else { return nil }
      tag = String(decoding: tagBytes, as: UTF8.self)
      name = name[..<colon]
    }
    let components = name.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    let nameString = String(decoding: name, as: UTF8.self)
    if components.count >= 2, isDomain(components[0]), components.dropFirst().allSatisfy(isPathComponent) {
      let domain = String(decoding: components[0], as: UTF8.self)
      let path = String(decoding: name.dropFirst(components[0].count + 1), as: UTF8.self)
      return Match(domain: domain, path: path, name: nameString, tag: tag, digest: digest)
    }
    if components.allSatisfy(isPathComponent) {
      return Match(domain: "", path: nameString, name: nameString, tag: tag, digest: digest)
    }
    return nil
  }

  private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    isLowerAlphanumeric(byte) || (byte >= 0x41 && byte <= 0x5A)
  }

  private static func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
  }

  private static func isHexDigit(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
  }

  /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
  static func isPathComponent(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
    else { return false }
    var separator: [UInt8] = []
    for byte in bytes {
      if isLowerAlphanumeric(byte) {
        if !separator.isEmpty {
          let valid =
            separator == [0x2E] || separator == [0x5F] || separator == [0x5F, 0x5F]
            || separator.allSatisfy { $0 == UInt8(ascii: "-") }
          guard valid else { return false }
          separator.removeAll(keepingCapacity: true)
        }
      } else {
        separator.append(byte)
      }
    }
    return true
  }

  /// `host [":" port]` where host is a dotted domain name or a bracketed IPv6 address.
  static func isDomain(_ bytes: ArraySlice<UInt8>) -> Bool {
    var host = bytes
    if host.first == UInt8(ascii: "[") {
      guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return false }
      let address = host[(host.startIndex + 1)..<close]
      guard !address.isEmpty, address.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") }) else {
        return false
      }
      return isOptionalPort(host[(close + 1)...])
    }
    if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
      guard isOptionalPort(host[colon...]) else { return false }
      host = host[..<colon]
    }
    let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    return labels.allSatisfy { label in
      guard let first = label.first, let last = label.last, isAlphanumeric(first), isAlphanumeric(last) else {
        return false
      }
      return label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
  }

  /// Empty, or `:` followed by one or more decimal digits.
  private static func isOptionalPort(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let first = bytes.first else { return true }
    let digits = bytes.dropFirst()
    return first == UInt8(ascii: ":") && !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
  }

  /// `[\w][\w.-]{0,127}`
  static func isTag(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let first = bytes.first, bytes.count <= 128 else { return false }
    let isWord = { (byte: UInt8) in isAlphanumeric(byte) || byte == UInt8(ascii: "_") }
    return isWord(first)
      && bytes.allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
  }

  /// `algorithm ":" hex{32,}` with algorithm components `[A-Za-z][A-Za-z0-9]*` joined by `-_+.`.
  static func isDigest(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
    let hex = bytes[(colon + 1)...]
    guard hex.count >= 32, hex.allSatisfy(isHexDigit) else { return false }
    var atComponentStart = true
    for byte in bytes[..<colon] {
      if atComponentStart {
        guard isLetter(byte) else { return false }
        atComponentStart = false
      } else if [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: ".")].contains(byte) {
        atComponentStart = true
      } else if !isAlphanumeric(byte) {
        return false
      }
    }
    return !atComponentStart
  }
}
