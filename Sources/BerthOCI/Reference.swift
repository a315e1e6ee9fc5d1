/// A Docker image reference such as `busybox`, `user/app:1.0`, `localhost:5000/a/b:tag` or
/// `name@sha256:…`, normalised exactly like docker/distribution's `ParseNormalizedNamed`.
///
/// Normalisation rules:
/// - The first path component is a registry domain when it contains `.` or `:`, is `localhost`,
///   or has uppercase letters; otherwise the domain is `docker.io`.
/// - `index.docker.io` is rewritten to `docker.io`.
/// - On `docker.io`, a single-component path gets the `library/` prefix.
///
/// Parsing does not add a tag; use ``withDefaultTag()`` for Docker's `TagNameOnly`.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
  /// The registry domain, for example `docker.io` or `localhost:5000`. Empty only for the rare
  /// names the grammar accepts without one (see ``init(parsing:)``).
  public var domain: String
  /// The repository path inside the registry, for example `library/busybox`.
  public var path: String
  /// The tag, if one was given, for example `latest`.
  public var tag: String?
  /// The digest, if one was given.
  public var digest: Digest?

  /// Docker Hub's canonical domain.
  public static let defaultDomain = "docker.io"
  /// The legacy Docker Hub domain that normalises to ``defaultDomain``.
  public static let legacyDefaultDomain = "index.docker.io"
  /// The tag Docker adds to a reference that has neither tag nor digest.
  public static let defaultTag = "latest"
  /// The namespace of Docker Hub's official images.
  public static let officialRepositoryPrefix = "library/"
  /// The longest full name (domain, `/` and path) docker/distribution accepts.
  public static let maximumNameLength = 255

  /// Creates a reference from already-normalised parts without validating them.
  public init(domain: String, path: String, tag: String? = nil, digest: Digest? = nil) {
    self.domain = domain
    self.path = path
    self.tag = tag
    self.digest = digest
  }

  /// Parses and normalises a reference the way the Docker CLI and daemon do
  /// (`reference.ParseNormalizedNamed`).
  ///
  /// Throws a ``ReferenceError`` carrying Docker's message: `invalid reference format` for bad
  /// syntax, `invalid reference format: repository name (…) must be lowercase` for uppercase
  /// letters in the repository path, and `invalid repository name (…), cannot specify 64-byte
  /// hexadecimal strings` for a bare image ID.
  public init(parsing string: String) throws(ReferenceError) {
    if string.utf8.count == 64, Digest.isHex(string, allowUppercase: false) {
      throw .hexadecimalName(string)
    }
    let (domain, remainder) = Reference.splitDockerDomain(string)
    let remoteName = remainder.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
    if remoteName.lowercased() != remoteName {
      throw .mustBeLowercase(remoteName)
    }
    self = try ReferenceGrammar.parse(domain + "/" + remainder)
  }

  /// The full name without tag or digest: `docker.io/library/busybox`.
  public var name: String { domain.isEmpty ? path : domain + "/" + path }

  /// The name as Docker shows it to users: `busybox`, `user/repo`, `localhost:5000/a/b`.
  public var familiarName: String {
    guard domain == Reference.defaultDomain else { return name }
    if path.hasPrefix(Reference.officialRepositoryPrefix) {
      let rest = path.dropFirst(Reference.officialRepositoryPrefix.count)
      if !rest.contains("/") { return String(rest) }
    }
    return path
  }

  /// The full normalised reference: `docker.io/library/busybox:latest`, `…@sha256:…`.
  public var string: String { name + suffix }

  /// The reference as Docker shows it to users: `busybox:latest`, `user/repo@sha256:…`.
  public var familiarString: String { familiarName + suffix }

  /// Same as ``string``.
  public var description: String { string }

  /// This reference with tag `latest` when it has neither tag nor digest (Docker's `TagNameOnly`).
  public func withDefaultTag() -> Reference {
    guard tag == nil, digest == nil else { return self }
    var copy = self
    copy.tag = Reference.defaultTag
    return copy
  }

  /// `:tag` and `@digest` as present.
  private var suffix: String {
    var result = ""
    if let tag { result += ":" + tag }
    if let digest { result += "@" + digest.description }
    return result
  }

  /// docker/distribution's `splitDockerDomain`: decides whether the first component is a registry.
  static func splitDockerDomain(_ name: String) -> (domain: String, remainder: String) {
    var domain = Reference.defaultDomain
    var remainder = name
    if let slash = name.firstIndex(of: "/") {
      let first = name[..<slash]
      let looksLikeDomain =
        first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first
      if looksLikeDomain {
        domain = String(first)
        remainder = String(name[name.index(after: slash)...])
      }
    }
    if domain == Reference.legacyDefaultDomain {
      domain = Reference.defaultDomain
    }
    if domain == Reference.defaultDomain, !remainder.contains("/") {
      remainder = Reference.officialRepositoryPrefix + remainder
    }
    return (domain, remainder)
  }
}

extension Reference: Codable {
  /// Decodes a reference from a single JSON string, normalising it.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let string = try container.decode(String.self)
    do {
      try self.init(parsing: string)
    } catch {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
    }
  }

  /// Encodes the full normalised ``string``.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(string)
  }
}
