import BerthEngine
import BerthRuntime
import Foundation

/// Attach connections made before their container started (`docker run` attaches, then
/// starts): the start route connects them once the monitor is up.
final class Attachments: @unchecked Sendable {
  private let lock = NSLock()
  private var pending: [String: [(token: UUID, connect: @Sendable () -> Void)]] = [:]

  /// Registers connect to run when container id starts; returns a token to cancel it.
  func add(_ id: String, _ connect: @escaping @Sendable () -> Void) -> UUID {
    let token = UUID()
    lock.withLock { pending[id, default: []].append((token, connect)) }
    return token
  }

  /// Forgets a registration; false when it was already taken by a start.
  @discardableResult
  func cancel(_ id: String, _ token: UUID) -> Bool {
    lock.withLock {
      let before = pending[id]?.count ?? 0
      pending[id]?.removeAll { $0.token == token }
      return (pending[id]?.count ?? 0) < before
    }
  }

  /// Whether a client waits for container id to start.
  func hasPending(_ id: String) -> Bool { lock.withLock { !(pending[id] ?? []).isEmpty } }

  /// Takes the registrations of container id.
  func take(_ id: String) -> [@Sendable () -> Void] {
    lock.withLock { (pending.removeValue(forKey: id) ?? []).map(\.connect) }
  }
}

/// The exits of containers the daemon started, so that `wait` gets the code even when the
/// container is removed at once (`--rm`), with a change counter so that a waiter misses no
/// exit recorded between its look at the container and its sleep.
final class ExitRecords: @unchecked Sendable {
  private let condition = NSCondition()
  private var exits: [String: (count: Int, code: Int32)] = [:]
  private var changes = 0

  /// How many exits of id were recorded, and the last code.
  func current(_ id: String) -> (count: Int, code: Int32?) {
    condition.withLock { (exits[id]?.count ?? 0, exits[id]?.code) }
  }

  /// The change counter: pass it to `waitForChange` to sleep only when nothing changed since.
  var generation: Int { condition.withLock { changes } }

  /// Records an exit and wakes the waiters.
  func record(_ id: String, code: Int32) {
    condition.withLock {
      exits[id] = ((exits[id]?.count ?? 0) + 1, code)
      changes += 1
      condition.broadcast()
    }
  }

  /// Sleeps until a change after `generation` or timeout seconds pass.
  func waitForChange(after generation: Int, timeout: TimeInterval) {
    let deadline = Date().addingTimeInterval(timeout)
    condition.withLock {
      while changes == generation {
        if !condition.wait(until: deadline) { return }
      }
    }
  }
}

/// An exec instance made by `POST /containers/{id}/exec`.
struct ExecInstance: Sendable {
  var id: String
  var containerID: String
  var options: ExecOptions
  var tty: Bool
  var attachStdin: Bool
  var attachStdout: Bool
  var attachStderr: Bool
  /// The detach sequence (with a terminal and stdin).
  var detachKeys: [UInt8]? = nil
  var running = false
  var exitCode: Int32?
  var pid: Int32 = 0
  var consoleMaster: Int32?
}

/// Exec instances by id.
final class ExecRegistry: @unchecked Sendable {
  private let lock = NSLock()
  private var instances: [String: ExecInstance] = [:]

  func add(_ e: ExecInstance) { lock.withLock { instances[e.id] = e } }

  func get(_ id: String) -> ExecInstance? { lock.withLock { instances[id] } }

  func update(_ id: String, _ body: (inout ExecInstance) -> Void) {
    lock.withLock {
      if var e = instances[id] {
        body(&e)
        instances[id] = e
      }
    }
  }
}
