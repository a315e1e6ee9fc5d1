/// An OCI image index or Docker manifest list: manifests for several platforms, or the
/// `index.json` at the root of an OCI image layout.
public struct Index: Sendable, Hashable, Codable {
  /// Always 2.
  public var schemaVersion: Int
  /// ``MediaType/ociIndex`` or ``MediaType/dockerManifestList``; optional in OCI.
  public var mediaType: String?
  /// The artifact type, for artifact indexes.
  public var artifactType: String?
  /// The manifests, each usually with a ``Descriptor/platform``.
  public var manifests: [Descriptor]
  /// The manifest this one refers to (referrers API).
  public var subject: Descriptor?
  /// Arbitrary metadata.
  public var annotations: [String: String]?

  /// Creates an index; `mediaType` defaults to the OCI index type.
  public init(
    schemaVersion: Int = 2, mediaType: String? = MediaType.ociIndex, artifactType: String? = nil,
    manifests: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil
  ) {
    self.schemaVersion = schemaVersion
    self.mediaType = mediaType
    self.artifactType = artifactType
    self.manifests = manifests
    self.subject = subject
    self.annotations = annotations
  }

  /// The first manifest whose platform matches `os`, `architecture` and, when given, `variant`.
  public func manifest(for platform: Platform) -> Descriptor? {
    manifests.first { descriptor in
      guard let candidate = descriptor.platform else { return false }
      return candidate.os == platform.os && candidate.architecture == platform.architecture
        && (platform.variant == nil || candidate.variant == platform.variant)
    }
  }
}
