/// An image config blob (OCI `application/vnd.oci.image.config.v1+json`, Docker
/// `application/vnd.docker.container.image.v1+json`) with the keys Docker writes.
///
/// Optional members are omitted when nil. `created` stays the RFC 3339 string it was written
/// as (nanosecond precision), so a round trip does not change it.
public struct ImageConfig: Sendable, Hashable, Codable {
  /// Creation time, RFC 3339 with nanoseconds, for example `2024-01-02T03:04:05.123456789Z`.
  public var created: String?
  /// The image author.
  public var author: String?
  /// CPU architecture in Go's naming, for example `amd64`.
  public var architecture: String
  /// CPU variant, for example `v8`.
  public var variant: String?
  /// Operating system, `linux`.
  public var os: String
  /// The defaults for containers run from this image.
  public var config: ContainerConfig?
  /// The uncompressed layer digests, base first.
  public var rootfs: RootFS
  /// How the image was built, one entry per Dockerfile step, including steps without a layer.
  public var history: [History]?
  /// The id of the container the image was committed from (Docker's `container`; nil otherwise).
  public var container: String?
  /// That container's config (Docker's `container_config`).
  public var containerConfig: ContainerConfig?

  enum CodingKeys: String, CodingKey {
    case created, author, architecture, variant, os, config, rootfs, history, container
    case containerConfig = "container_config"
  }

  /// Creates an image config.
  public init(
    created: String? = nil, author: String? = nil, architecture: String, variant: String? = nil, os: String,
    config: ContainerConfig? = nil, rootfs: RootFS = RootFS(), history: [History]? = nil
  ) {
    self.created = created
    self.author = author
    self.architecture = architecture
    self.variant = variant
    self.os = os
    self.config = config
    self.rootfs = rootfs
    self.history = history
  }

  /// The platform this image is for.
  public var platform: Platform { Platform(architecture: architecture, os: os, variant: variant) }

  /// The `rootfs` member: the ordered uncompressed layer digests (diff IDs).
  public struct RootFS: Sendable, Hashable, Codable {
    /// Always `layers`.
    public var type: String
    /// The digest of each layer's uncompressed tar, base first.
    public var diffIDs: [Digest]

    /// Creates a rootfs of type `layers`.
    public init(type: String = "layers", diffIDs: [Digest] = []) {
      self.type = type
      self.diffIDs = diffIDs
    }

    enum CodingKeys: String, CodingKey {
      case type
      case diffIDs = "diff_ids"
    }
  }

  /// One `history` entry.
  public struct History: Sendable, Hashable, Codable {
    /// When the step ran, RFC 3339.
    public var created: String?
    /// The command of the step, for example `/bin/sh -c #(nop)  CMD ["sh"]`.
    public var createdBy: String?
    /// The author.
    public var author: String?
    /// A free-form comment.
    public var comment: String?
    /// True when the step produced no layer (ENV, CMD, …).
    public var emptyLayer: Bool?

    /// Creates a history entry.
    public init(
      created: String? = nil, createdBy: String? = nil, author: String? = nil, comment: String? = nil,
      emptyLayer: Bool? = nil
    ) {
      self.created = created
      self.createdBy = createdBy
      self.author = author
      self.comment = comment
      self.emptyLayer = emptyLayer
    }

    enum CodingKeys: String, CodingKey {
      case created
      case createdBy = "created_by"
      case author
      case comment
      case emptyLayer = "empty_layer"
    }
  }
}
