/// A template that could not be parsed or executed. `description` is Go's message, for example
/// `template: :1: unexpected "}" in operand` or
/// `template: :1:7: executing "" at <.A.B>: can't evaluate field B in type string`.
/// Docker prints it after `template parsing error: `.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// When the error happened.
  public enum Kind: Sendable, Equatable {
    /// While parsing: the template text is malformed.
    case parse
    /// While rendering: the template does not fit the data.
    case execution
  }

  /// When the error happened.
  public var kind: Kind
  /// Go's message.
  public var description: String

  /// Creates an error.
  public init(_ kind: Kind, _ description: String) {
    self.kind = kind
    self.description = description
  }
}
