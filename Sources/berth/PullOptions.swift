import BerthEngine
import BerthOCI

/// `--pull` and `--platform` of `run` and `create`.
struct PullOptions {
  var pull = "missing"
  var platform: String?

  /// Pulls the image when the policy says so; progress goes to stderr, as Docker's.
  func ensure(_ image: String, engine: Engine) throws {
    guard let policy = PullPolicy(rawValue: pull) else {
      throw BerthError.invalid("invalid pull option: '\(pull)': must be one of \"always\", \"missing\" or \"never\"")
    }
    let platform = try platform.map { try Platform(parsing: $0) }
    let printer = TransferPrinter(fd: 2)
    _ = try engine.images.ensure(image, policy: policy, platform: platform, progress: printer.progress)
  }
}
