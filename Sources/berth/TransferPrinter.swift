import BerthEngine
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Prints pull and push progress as the Docker CLI does: on a terminal one line per layer with a
/// bar, redrawn in place; otherwise plain lines, one per state change, no bars.
final class TransferPrinter: Sendable {
  private struct State {
    var order: [String] = []
    var lines: [String: String] = [:]
    var drawn = 0
  }
  private let state = Mutex(State())
  private let terminal: Bool
  private let width: Int
  private let fd: Int32

  /// A printer writing to fd (stdout; `run` and `create` use stderr, as Docker).
  init(fd: Int32 = 1) {
    self.fd = fd
    terminal = isatty(fd) == 1
    var size = winsize()
    width = ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
  }

  /// The closure the engine calls.
  var progress: TransferProgress { { [self] event in self.handle(event) } }

  private func handle(_ event: TransferEvent) {
    state.withLock { state in
      switch event {
      case .status(let line):
        if terminal { redraw(&state, final: true) }
        write(line + "\n")
      case .layer(let id, let status, let current, let total):
        if !terminal {
          // Plain output has no byte counts: only the changes of state, as Docker's.
          guard current == nil else { return }
          write("\(id): \(status)\n")
          return
        }
        if state.lines[id] == nil { state.order.append(id) }
        var line = "\(id): \(status)"
        if let current, let total, total > 0 { line += " " + bar(current, total) }
        state.lines[id] = line
        redraw(&state, final: false)
      }
    }
  }

  /// Docker's `[=====>     ]  12.3MB/45.6MB`.
  private func bar(_ current: Int64, _ total: Int64) -> String {
    let cells = 50
    let filled = Int(Double(cells) * Double(min(current, total)) / Double(total))
    let arrow = filled < cells ? ">" : ""
    let bar = String(repeating: "=", count: max(0, filled - arrow.count)) + arrow
    let padding = String(repeating: " ", count: max(0, cells - bar.count))
    return "[\(bar)\(padding)]  \(Human.size(current))/\(Human.size(total))"
  }

  private func redraw(_ state: inout State, final: Bool) {
    guard terminal, !state.order.isEmpty else { return }
    var out = state.drawn > 0 ? "\u{1B}[\(state.drawn)A" : ""
    for id in state.order {
      out += "\u{1B}[2K" + String((state.lines[id] ?? "").prefix(width - 1)) + "\n"
    }
    state.drawn = state.order.count
    if final {
      state.order = []
      state.lines = [:]
      state.drawn = 0
    }
    write(out)
  }

  private func write(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return }
      offset += n
    }
  }
}
