#if canImport(Glibc)
import Glibc
#endif

/// Signal names as Docker accepts them (`SIGTERM`, `TERM`, `15`).
public enum Signals {
  static let table: [(String, Int32)] = [
    ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP), ("ABRT", SIGABRT),
    ("IOT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL), ("USR1", SIGUSR1), ("SEGV", SIGSEGV),
    ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("TERM", SIGTERM), ("STKFLT", SIGSTKFLT),
    ("CHLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP), ("TSTP", SIGTSTP), ("TTIN", SIGTTIN),
    ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM),
    ("PROF", SIGPROF), ("WINCH", SIGWINCH), ("IO", SIGIO), ("POLL", SIGIO), ("PWR", SIGPWR), ("SYS", SIGSYS),
  ]

  /// The signal's number, or nil when the name is not a signal.
  public static func number(_ name: String) -> Int32? {
    if let n = Int32(name) { return n > 0 && n < 65 ? n : nil }
    var upper = name.uppercased()
    if upper.hasPrefix("SIG") { upper.removeFirst(3) }
    if upper.hasPrefix("RTMIN") || upper.hasPrefix("RTMAX") {
      let base = upper.hasPrefix("RTMIN") ? Int32(34) : Int32(64)
      let rest = upper.dropFirst(5)
      if rest.isEmpty { return base }
      guard let offset = Int32(rest), offset != 0, abs(offset) <= 30 else { return nil }
      return base + offset
    }
    return table.first { $0.0 == upper }?.1
  }
}
