#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: the call, its operands and errno, e.g.
/// `mount(overlay -> /var/lib/berth/containers/3f2a…/rootfs): Invalid argument (EINVAL)`.
public struct SystemError: Error, CustomStringConvertible, Sendable {
  /// The call that failed, as `mount` or `open`.
  public var call: String
  /// What it was called on, as paths or names.
  public var operands: String
  /// The errno value.
  public var errno: Int32

  /// Makes an error for `call` on `operands` with the given errno (default: the current errno).
  public init(_ call: String, _ operands: String = "", errno: Int32 = Glibc.errno) {
    self.call = call
    self.operands = operands
    self.errno = errno
  }

  public var description: String {
    let reason = String(cString: strerror(errno))
    return operands.isEmpty ? "\(call): \(reason)" : "\(call)(\(operands)): \(reason)"
  }
}

/// Runs a call that returns -1 and sets errno on failure, retrying EINTR.
@discardableResult
public func syscall<T: BinaryInteger>(
  _ call: String, _ operands: @autoclosure () -> String = "", _ body: () -> T
) throws(SystemError) -> T {
  while true {
    let result = body()
    if result >= 0 { return result }
    if errno == EINTR { continue }
    throw SystemError(call, operands())
  }
}
