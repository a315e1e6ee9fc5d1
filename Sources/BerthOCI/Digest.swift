/// A content digest such as `sha256:9f86d081…`, as used by OCI descriptors and Docker image IDs.
///
/// Parsing follows `opencontainers/go-digest`: the algorithm must be one Berth can verify
/// (`sha256`, `sha384` or `sha512`) and the encoded part must be lowercase hex of exactly the
/// algorithm's length. Encodes to and decodes from a single JSON string.
public struct Digest: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The algorithm name, for example `sha256`.
  public let algorithm: String
  /// The lowercase hexadecimal encoded hash, without the algorithm prefix.
  public let hex: String

  /// The number of hex characters of each supported algorithm.
  public static let supportedAlgorithms: [String: Int] = ["sha256": 64, "sha384": 96, "sha512": 128]

  /// Parses `algorithm:hex`, throwing a ``DigestError`` with go-digest's message when it is malformed.
  public init(parsing string: String) throws(DigestError) {
    guard let colon = string.firstIndex(of: ":"), colon != string.startIndex,
      string.index(after: colon) != string.endIndex
    else { throw .invalidFormat }
    let algorithm = String(string[..<colon])
    let hex = String(string[string.index(after: colon)...])
    guard let length = Digest.supportedAlgorithms[algorithm] else {
      throw Digest.isWellFormedAlgorithm(algorithm) && Digest.isWellFormedEncoding(hex)
        ? .unsupported : .invalidFormat
    }
    guard hex.utf8.count == length else { throw .invalidLength }
    guard Digest.isHex(hex, allowUppercase: false) else { throw .invalidFormat }
    self.algorithm = algorithm
    self.hex = hex
  }

  /// Creates a digest from its two parts, for example a freshly computed hash, validating them
  /// exactly like ``init(parsing:)``.
  public init(algorithm: String, hex: String) throws(DigestError) {
    try self.init(parsing: algorithm + ":" + hex)
  }

  /// `algorithm:hex`, the form used on the wire and in the content store.
  public var description: String { algorithm + ":" + hex }

  /// The first 12 hex characters, the short ID that `docker images` and `docker ps` print.
  public var shortID: String { String(hex.prefix(12)) }

  /// Orders digests by their string form.
  public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

  /// True when `hex` is non-empty hex (`0-9a-f`, and `A-F` when `allowUppercase`).
  static func isHex(_ hex: String, allowUppercase: Bool) -> Bool {
    !hex.isEmpty
      && hex.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
          || (allowUppercase && byte >= 0x41 && byte <= 0x46)
      }
  }

  /// go-digest's grammar for the encoded part of any algorithm: `[a-zA-Z0-9=_-]+`.
  static func isWellFormedEncoding(_ encoded: String) -> Bool {
    !encoded.isEmpty
      && encoded.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
          || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
      }
  }

  /// go-digest's algorithm grammar: components `[a-z0-9]+` joined by `+`, `.`, `_` or `-`.
  static func isWellFormedAlgorithm(_ algorithm: String) -> Bool {
    var previousWasSeparator = true
    for byte in algorithm.utf8 {
      switch byte {
      case 0x61...0x7A, 0x30...0x39: previousWasSeparator = false
      case UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        if previousWasSeparator { return false }
        previousWasSeparator = true
      default: return false
      }
    }
    return !previousWasSeparator
  }
}

extension Digest: Codable {
  /// Decodes a digest from a single JSON string.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let string = try container.decode(String.self)
    do {
      try self.init(parsing: string)
    } catch {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "\(error.description): \(string)")
    }
  }

  /// Encodes the digest as a single JSON string.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// Why a string is not a valid ``Digest``; `description` is go-digest's message.
public enum DigestError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Not `algorithm:hex`, or the hex part has characters other than lowercase hex.
  case invalidFormat
  /// The hex part has the wrong length for its algorithm.
  case invalidLength
  /// A well-formed digest whose algorithm Berth cannot verify.
  case unsupported

  /// The message go-digest uses for this error.
  public var description: String {
    switch self {
    case .invalidFormat: "invalid checksum digest format"
    case .invalidLength: "invalid checksum digest length"
    case .unsupported: "unsupported digest algorithm"
    }
  }
}
