/// Which paths of a build context `.dockerignore` leaves out. The Dockerfile module's matcher
/// conforms; `nil` filter means "nothing excluded".
public protocol ContextFilter: Sendable {
  /// Whether the context-relative path (no leading `/` or `./`) is excluded.
  func isExcluded(_ relativePath: String) -> Bool
  /// Whether any `!` exception exists (an excluded directory may then hold included files).
  var hasExceptions: Bool { get }
}
