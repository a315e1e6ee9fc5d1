import BerthOCI
import BerthSystem
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
  /// Attaches this process's stdio to a running detached container through its monitor's attach
  /// socket: its output to stdout/stderr, stdin (when `stdin`) to its input; signals are
  /// forwarded to it with `proxySignals` (no terminal). Returns its exit code once it exits, or
  /// nil when the user detached (ctrl-p ctrl-q).
  public func attach(_ ref: String, stdin: Bool, proxySignals: Bool) throws -> Int32? {
    let c = try get(ref)
    guard c.state == .running || c.state == .paused else {
      throw BerthError.conflict("You cannot attach to a stopped container, start it first")
    }
    let path = attachSocket(c.id)
    let sock = berth_attach_connect(path)
    if sock < 0 { throw SystemError("connect", path, errno: -sock) }
    defer { close(sock) }
    let tty = c.config.config.tty ?? false
    if proxySignals && !tty {
      berth_forward_signals_prepare()
      berth_forward_signals(c.pid)
    }
    let withStdin = stdin && (c.config.config.openStdin ?? false)
    let result = berth_attach_relay(
      sock, path, tty ? 1 : 0, withStdin ? 0 : -1, 1, 2, c.config.config.stdinOnce == true ? 1 : 0)
    if result == 1 { return nil }
    if result < 0 { throw SystemError("attach", path, errno: -result) }
    return try wait(c.id)
  }
}
