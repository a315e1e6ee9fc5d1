/// An OCI content descriptor: what a blob is, its digest and size, and where it applies.
public struct Descriptor: Sendable, Hashable, Codable {
  /// The blob's media type, usually one of ``MediaType``'s constants.
  public var mediaType: String
  /// The digest of the blob's bytes.
  public var digest: Digest
  /// The blob's size in bytes.
  public var size: Int64
  /// Alternative download locations (foreign layers).
  public var urls: [String]?
  /// Arbitrary metadata, for example `org.opencontainers.image.ref.name` in an OCI layout index.
  public var annotations: [String: String]?
  /// The platform of the manifest this descriptor points to, in an index.
  public var platform: Platform?
  /// The artifact type, for descriptors of artifact manifests.
  public var artifactType: String?

  /// Creates a descriptor.
  public init(
    mediaType: String, digest: Digest, size: Int64, urls: [String]? = nil, annotations: [String: String]? = nil,
    platform: Platform? = nil, artifactType: String? = nil
  ) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.urls = urls
    self.annotations = annotations
    self.platform = platform
    self.artifactType = artifactType
  }
}
