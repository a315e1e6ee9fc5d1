import BerthImage
import BerthOCI
import BerthSystem

/// The build cache: a file per step key under `<data-root>/build-cache`, naming the image the
/// step produced. An entry whose image or layers are gone (the image was removed) is a miss.
struct BuildCache {
  let root: String
  let content: ContentStore
  let layers: LayerStore

  init(dataRoot: String, content: ContentStore, layers: LayerStore) throws {
    root = dataRoot + "/build-cache"
    self.content = content
    self.layers = layers
    try FileSystem.makeDirectory(root)
  }

  /// The image of a cached step, when it and all its layers still exist.
  func lookup(_ key: Digest, images: ImageService) -> (Digest, ImageConfig)? {
    guard let bytes = try? FileSystem.read(root + "/" + key.hex),
      let id = try? Digest(parsing: String(decoding: bytes, as: UTF8.self)),
      let config = try? images.decodeConfig(id)
    else { return nil }
    let chains = LayerStore.chainIDs(diffIDs: config.rootfs.diffIDs)
    guard chains.allSatisfy(layers.contains), config.rootfs.diffIDs.allSatisfy(content.contains) else { return nil }
    return (id, config)
  }

  /// Records the image a step produced.
  func record(_ key: Digest, image: Digest) {
    try? FileSystem.writeAtomically(root + "/" + key.hex, Array(image.description.utf8))
  }
}
