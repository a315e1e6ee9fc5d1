/// Splitting slash-separated paths (Foundation's NSString path methods are avoided: they are
/// slower and have crashed under concurrency on Linux).
public enum PathName {
  /// Everything before the last slash ("" for a bare name, "/" for a child of the root).
  public static func parent(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// The last component.
  public static func base(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}
