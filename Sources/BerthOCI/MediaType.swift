/// Media type strings of the OCI image spec and of Docker's registry format (image manifest v2,
/// schema 2). Descriptors carry them as plain strings so unknown types pass through unchanged.
public enum MediaType {
  /// OCI image manifest.
  public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
  /// OCI image index (a multi-platform list of manifests).
  public static let ociIndex = "application/vnd.oci.image.index.v1+json"
  /// OCI image config.
  public static let ociConfig = "application/vnd.oci.image.config.v1+json"
  /// OCI layer, uncompressed tar.
  public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
  /// OCI layer, gzip-compressed tar.
  public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
  /// OCI layer, zstd-compressed tar.
  public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
  /// OCI non-distributable layer, uncompressed tar (deprecated by the spec, still seen).
  public static let ociNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar"
  /// OCI non-distributable layer, gzip-compressed tar.
  public static let ociNondistributableLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
  /// OCI non-distributable layer, zstd-compressed tar.
  public static let ociNondistributableLayerZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
  /// The OCI empty descriptor `{}`, used as the config of artifacts.
  public static let ociEmptyJSON = "application/vnd.oci.empty.v1+json"
  /// Docker image manifest v2 schema 2.
  public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
  /// Docker manifest list (the Docker counterpart of the OCI index).
  public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
  /// Docker image config.
  public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
  /// Docker layer, gzip-compressed tar.
  public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
  /// Docker layer, uncompressed tar.
  public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
  /// Docker foreign (non-distributable) layer, gzip-compressed tar.
  public static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

  /// True for single-platform image manifests (OCI or Docker).
  public static func isManifest(_ mediaType: String) -> Bool {
    mediaType == ociManifest || mediaType == dockerManifest
  }

  /// True for multi-platform indexes (OCI index or Docker manifest list).
  public static func isIndex(_ mediaType: String) -> Bool {
    mediaType == ociIndex || mediaType == dockerManifestList
  }

  /// True for image configs (OCI or Docker).
  public static func isConfig(_ mediaType: String) -> Bool {
    mediaType == ociConfig || mediaType == dockerConfig
  }

  /// True for layer blobs of any known compression, OCI or Docker.
  public static func isLayer(_ mediaType: String) -> Bool {
    layerCompression(mediaType) != nil
  }

  /// True for foreign (non-distributable) layers: fetched from their descriptor's `urls` when
  /// the registry does not have them, and never pushed.
  public static func isForeignLayer(_ mediaType: String) -> Bool {
    mediaType == dockerForeignLayerGzip || mediaType == ociNondistributableLayer
      || mediaType == ociNondistributableLayerGzip || mediaType == ociNondistributableLayerZstd
  }

  /// The compression of a layer media type, or nil when it is not a known layer type.
  public static func layerCompression(_ mediaType: String) -> LayerCompression? {
    switch mediaType {
    case ociLayer, ociNondistributableLayer, dockerLayer: .uncompressed
    case ociLayerGzip, ociNondistributableLayerGzip, dockerLayerGzip, dockerForeignLayerGzip: .gzip
    case ociLayerZstd, ociNondistributableLayerZstd: .zstd
    default: nil
    }
  }
}

/// How a layer blob is compressed.
public enum LayerCompression: String, Sendable, Hashable, Codable, CaseIterable {
  /// Plain tar.
  case uncompressed
  /// gzip-compressed tar.
  case gzip
  /// zstd-compressed tar.
  case zstd
}
