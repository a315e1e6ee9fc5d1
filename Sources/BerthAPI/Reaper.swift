import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reaps the daemon's exited helpers. `startDetached` spawns `berth __monitor`, which becomes
/// the container's monitor and finally its exit hook: all children of the daemon that nobody
/// waits for. Exec processes and build steps are children too, but their callers wait for them
/// by pid, so only children named `berth` or `berth-monitor` are reaped here.
enum Reaper {
  /// Starts the reaper thread.
  static func start() {
    let thread = Thread {
      while true {
        var info = siginfo_t()
        if waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0 {
          if errno != EINTR { usleep(200_000) }
          continue
        }
        let pid = info._sifields._sigchld.si_pid
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        let name = comm.trimmingCharacters(in: .whitespacesAndNewlines)
        if name == "berth" || name == "berth-monitor" {
          _ = waitpid(pid, nil, WNOHANG)
        } else {
          // Someone else's child: its waiter takes it; look again shortly.
          usleep(20_000)
        }
      }
    }
    thread.stackSize = 256 << 10
    thread.start()
  }
}
