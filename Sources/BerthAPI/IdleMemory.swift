import CBerth
import CLazyLoad
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Gives memory back while the daemon is idle. Every period it unloads the libraries loaded on
/// first use that went a whole period without use (libarchive and its dependencies: 2 MB once an
/// image was imported, pulled or built; the next use loads them again in 3.5 ms), and when a
/// period without requests follows one with, it returns malloc's free pages to the kernel.
final class IdleMemory: Sendable {
  /// Requests dispatched since the last period ended.
  private let requests = Atomic<Int>(0)
  /// Whether the last period that ended served requests.
  private let wasBusy = Atomic<Bool>(false)

  /// Each request runs on a thread of its own, and glibc gives threads up to 8 arenas per core,
  /// each keeping the memory freed in it: two arenas keep the idle daemon's heap small. Call it
  /// before the threads start.
  static func limitArenas() {
    mallopt(M_ARENA_MAX, 2)
  }

  /// Counts a request; called as it is dispatched.
  func requestDispatched() {
    requests.add(1, ordering: .relaxed)
  }

  /// Runs every `period` on `loop` until the task is cancelled.
  @discardableResult
  func start(on loop: any EventLoop, period: TimeAmount = .seconds(5)) -> RepeatedTask {
    loop.scheduleRepeatedTask(initialDelay: period, delay: period) { [self] _ in release() }
  }

  /// One period's release.
  func release() {
    let unloaded = berth_lazy_unload_idle()
    let busy = requests.exchange(0, ordering: .relaxed) > 0
    let wentQuiet = wasBusy.exchange(busy, ordering: .relaxed) && !busy
    if wentQuiet || unloaded > 0 { malloc_trim(0) }
  }
}
