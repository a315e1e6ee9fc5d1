import BerthImage
import BerthOCI
import Foundation

extension ImageService {
  /// The image `name` names, pulled first as `policy` says: what `run`, `create`, `build`'s
  /// `FROM` and `COPY --from=<image>` use. With `missing`, an image already here is used as is;
  /// an image id (or id prefix) is never pulled.
  public func ensure(
    _ name: String, policy: PullPolicy = .missing, platform: Platform? = nil,
    options: RegistryOptions = RegistryOptions(), progress: @escaping TransferProgress = { _ in }
  ) throws -> ImageRecord {
    switch policy {
    case .never:
      return try resolve(name)
    case .missing:
      if let image = try find(name) { return image }
    case .always:
      break
    }
    guard let reference = try? parseReference(name) else { return try resolve(name) }
    if policy == .missing {
      progress(.status("Unable to find image '\(reference.familiarString)' locally"))
    }
    progress(.status("\(reference.digest?.description ?? reference.tag ?? "latest"): Pulling from \(reference.path)"))
    return try runBlocking { [self] in
      try await self.pull(name, platform: platform, options: options, progress: progress)
    }
  }
}
