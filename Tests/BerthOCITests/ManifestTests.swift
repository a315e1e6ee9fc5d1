import Testing

@testable import BerthOCI

private let configDigest = "sha256:b9ab8a8d7b5f3c0b8dd7bb1a3d2e5e4f4f3b6b1f9fce7d1b1e1e4e3bcd3b6d1a"
private let layerDigest = "sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"

@Test func ociManifestRoundTrips() throws {
  let json = """
    {"annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"},\
    "config":{"digest":"\(configDigest)","mediaType":"application/vnd.oci.image.config.v1+json","size":581},\
    "layers":[{"digest":"\(layerDigest)","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":2152262}],\
    "mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}
    """
  let manifest = try JSONValueRoundTrip.decode(Manifest.self, json)
  #expect(manifest.schemaVersion == 2)
  #expect(manifest.config.mediaType == MediaType.ociConfig)
  #expect(manifest.layers[0].size == 2_152_262)
  #expect(MediaType.layerCompression(manifest.layers[0].mediaType) == .gzip)
  #expect(try JSONValueRoundTrip.encode(manifest) == json)
}

@Test func dockerManifestListSelectsPlatform() throws {
  let json = """
    {"manifests":[\
    {"digest":"\(configDigest)","mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
    "platform":{"architecture":"arm","os":"linux","variant":"v7"},"size":527},\
    {"digest":"\(layerDigest)","mediaType":"application/vnd.docker.distribution.manifest.v2+json",\
    "platform":{"architecture":"amd64","os":"linux"},"size":528}],\
    "mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","schemaVersion":2}
    """
  let index = try JSONValueRoundTrip.decode(Index.self, json)
  #expect(MediaType.isIndex(index.mediaType ?? ""))
  #expect(index.manifest(for: Platform(architecture: "amd64", os: "linux"))?.size == 528)
  #expect(index.manifest(for: Platform(architecture: "arm", os: "linux", variant: "v7"))?.size == 527)
  #expect(index.manifest(for: Platform(architecture: "arm", os: "linux", variant: "v6")) == nil)
  #expect(index.manifest(for: Platform(architecture: "s390x", os: "linux")) == nil)
  #expect(try JSONValueRoundTrip.encode(index) == json)
}

@Test func platformKeysAndDescription() throws {
  let platform = Platform(architecture: "amd64", os: "windows", osVersion: "10.0.17763", osFeatures: ["win32k"])
  #expect(
    try JSONValueRoundTrip.encode(platform)
      == #"{"architecture":"amd64","os":"windows","os.features":["win32k"],"os.version":"10.0.17763"}"#)
  #expect(Platform(architecture: "arm64", os: "linux", variant: "v8").description == "linux/arm64/v8")
}

private let mediaTypeCases: [(String, String)] = [
  (MediaType.ociManifest, "manifest"), (MediaType.dockerManifest, "manifest"),
  (MediaType.ociIndex, "index"), (MediaType.dockerManifestList, "index"),
  (MediaType.ociConfig, "config"), (MediaType.dockerConfig, "config"),
  (MediaType.ociLayer, "layer"), (MediaType.ociLayerGzip, "layer"), (MediaType.ociLayerZstd, "layer"),
  (MediaType.dockerLayerGzip, "layer"), ("application/octet-stream", "other"),
]

@Test("media type classification", arguments: mediaTypeCases)
func mediaTypeClassification(mediaType: String, kind: String) {
  #expect(MediaType.isManifest(mediaType) == (kind == "manifest"))
  #expect(MediaType.isIndex(mediaType) == (kind == "index"))
  #expect(MediaType.isConfig(mediaType) == (kind == "config"))
  #expect(MediaType.isLayer(mediaType) == (kind == "layer"))
}
