import BerthImage
import BerthOCI
import Foundation

/// The build cache's key: a step is reused when its parent image, its recorded command
/// (`created_by`, which for COPY/ADD names the sources' content hash) and the config it runs
/// with are the same. Extra parts (such as `--chown` and `--chmod`, which Docker's text leaves
/// out) are added by the caller.
public enum BuildCacheKey {
  /// The key of a step on `parent` (nil for `FROM scratch`).
  public static func key(parent: Digest?, createdBy: String, config: ContainerConfig, extra: [String] = [])
    -> Digest
  {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let json = (try? encoder.encode(config)).map { Array($0) } ?? []
    var text = "berth-build-cache-1\nparent \(parent?.description ?? "scratch")\ncreated_by \(createdBy)\n"
    for part in extra { text += "extra \(part)\n" }
    return Digest.sha256(of: Array(text.utf8) + json)
  }
}
