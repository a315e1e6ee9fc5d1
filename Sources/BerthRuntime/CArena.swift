#if canImport(Glibc)
import Glibc
#endif

/// C strings that live as long as the arena: the init's configuration points into them.
final class CArena {
  private var pointers: [UnsafeMutableRawPointer] = []

  deinit { for p in pointers { free(p) } }

  /// A NUL-terminated copy of s.
  func string(_ s: String) -> UnsafePointer<CChar> {
    guard let p = strdup(s) else { fatalError("out of memory") }
    pointers.append(p)
    return UnsafePointer(p)
  }

  /// A NULL-terminated array of C strings.
  func stringArray(_ items: [String]) -> UnsafePointer<UnsafePointer<CChar>?> {
    guard let raw = malloc(MemoryLayout<UnsafePointer<CChar>?>.stride * (items.count + 1)) else {
      fatalError("out of memory")
    }
    pointers.append(raw)
    let array = raw.bindMemory(to: UnsafePointer<CChar>?.self, capacity: items.count + 1)
    for (i, s) in items.enumerated() { array[i] = string(s) }
    array[items.count] = nil
    return UnsafePointer(array)
  }
}
