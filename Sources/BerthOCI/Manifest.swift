/// An OCI image manifest or Docker v2 schema 2 manifest: one platform's config and layers.
public struct Manifest: Sendable, Hashable, Codable {
  /// Always 2.
  public var schemaVersion: Int
  /// ``MediaType/ociManifest`` or ``MediaType/dockerManifest``; optional in OCI, required by Docker.
  public var mediaType: String?
  /// The artifact type, for artifact manifests.
  public var artifactType: String?
  /// The image config blob.
  public var config: Descriptor
  /// The layer blobs, base layer first.
  public var layers: [Descriptor]
  /// The manifest this one refers to (referrers API).
  public var subject: Descriptor?
  /// Arbitrary metadata.
  public var annotations: [String: String]?

  /// Creates a manifest; `mediaType` defaults to the OCI manifest type.
  public init(
    schemaVersion: Int = 2, mediaType: String? = MediaType.ociManifest, artifactType: String? = nil,
    config: Descriptor, layers: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil
  ) {
    self.schemaVersion = schemaVersion
    self.mediaType = mediaType
    self.artifactType = artifactType
    self.config = config
    self.layers = layers
    self.subject = subject
    self.annotations = annotations
  }
}
