#if canImport(Glibc)
import Glibc
#endif

/// C string arrays for exec-style calls.
public enum CStrings {
  /// Calls body with a NULL-terminated argv copy of items, freed afterwards.
  public static func withArray<R>(_ items: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = items.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
