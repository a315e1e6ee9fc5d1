/// Why a string is not a valid image reference. `description` is the message Docker prints, for
/// example `invalid reference format: repository name (library/Busybox) must be lowercase`.
public struct ReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The message, worded as docker/distribution's `reference` package words it.
  public let description: String

  /// Creates an error with the given message.
  public init(_ description: String) {
    self.description = description
  }

  /// The catch-all error: `invalid reference format`.
  public static let invalidFormat = ReferenceError("invalid reference format")

  /// A repository path containing uppercase letters.
  public static func mustBeLowercase(_ repository: some StringProtocol) -> ReferenceError {
    ReferenceError("invalid reference format: repository name (\(repository)) must be lowercase")
  }

  /// A reference that matches the grammar only once lowercased, reported by the raw parser.
  public static let nameContainsUppercase = ReferenceError("repository name must be lowercase")

  /// A full name (domain and path) longer than ``Reference/maximumNameLength``.
  public static let nameTooLong = ReferenceError(
    "repository name must not be more than \(Reference.maximumNameLength) characters")

  /// A bare 64-character hex string, which Docker reserves for image IDs.
  public static func hexadecimalName(_ name: String) -> ReferenceError {
    ReferenceError("invalid repository name (\(name)), cannot specify 64-byte hexadecimal strings")
  }
}
