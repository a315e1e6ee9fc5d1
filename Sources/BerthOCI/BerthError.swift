/// Berth's one error vocabulary. Every error a user sees is one of these kinds; the CLI maps kinds
/// to exit codes and the API maps them to HTTP status codes, each in one place.
public struct BerthError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What went wrong, independent of wording.
  public enum Kind: Sendable, Equatable {
    /// A named thing does not exist (404).
    case notFound
    /// The request conflicts with the current state (409), e.g. a name already in use.
    case conflict
    /// The request itself is malformed (400).
    case invalidArgument
    /// Nothing to do: the state is already as asked (304).
    case notModified
    /// The operation is not allowed (403).
    case forbidden
    /// A dependency is unavailable (503).
    case unavailable
    /// Berth itself failed (500).
    case `internal`
  }

  /// The kind of failure.
  public var kind: Kind
  /// The message as Docker words it, e.g. `No such image: friendlyhelo:latest`.
  public var message: String

  /// The exit status the CLI uses instead of the kind's (126/127 when a command could not run).
  public var exitStatus: Int32?

  /// Makes an error of a kind with a message.
  public init(_ kind: Kind, _ message: String, exitStatus: Int32? = nil) {
    self.kind = kind
    self.message = message
    self.exitStatus = exitStatus
  }

  public var description: String { message }

  /// `No such …` errors.
  public static func notFound(_ message: String) -> BerthError { BerthError(.notFound, message) }
  /// Conflicts with the current state.
  public static func conflict(_ message: String) -> BerthError { BerthError(.conflict, message) }
  /// Malformed input.
  public static func invalid(_ message: String) -> BerthError { BerthError(.invalidArgument, message) }
  /// Failures of Berth itself.
  public static func `internal`(_ message: String) -> BerthError { BerthError(.internal, message) }
}
