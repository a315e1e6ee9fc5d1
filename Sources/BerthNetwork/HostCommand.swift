import BerthSystem

#if canImport(Glibc)
import Glibc
#endif

/// Runs a host tool (iptables, iptables-restore) with posix_spawn, feeding it input and
/// collecting its output. Swift must not fork; posix_spawn is safe in a threaded process.
enum HostCommand {
  /// Runs argv (searched in PATH, with /usr/sbin and /sbin added); returns the exit status and
  /// the combined stdout and stderr.
  static func run(_ argv: [String], input: String = "") -> (status: Int32, output: String) {
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [-1, -1]
    guard pipe(&inPipe) == 0 else { return (-1, "pipe: \(String(cString: strerror(errno)))") }
    guard pipe(&outPipe) == 0 else {
      close(inPipe[0])
      close(inPipe[1])
      return (-1, "pipe: \(String(cString: strerror(errno)))")
    }
    for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var pid: pid_t = 0
    let path = "/usr/sbin/\(argv[0])"
    let program = FileSystem.exists(path) ? path : "/sbin/\(argv[0])"
    let env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]
    let rc = CStrings.withArray(argv) { args in
      CStrings.withArray(env) { envp in posix_spawn(&pid, program, &actions, nil, args, envp) }
    }
    close(inPipe[0])
    close(outPipe[1])
    if rc != 0 {
      close(inPipe[1])
      close(outPipe[0])
      return (-1, "\(argv[0]): \(String(cString: strerror(rc)))")
    }
    let bytes = Array(input.utf8)
    if !bytes.isEmpty { try? FileSystem.writeAll(inPipe[1], bytes) }
    close(inPipe[1])
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      output += buffer[0..<n]
    }
    close(outPipe[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, String(decoding: output, as: UTF8.self))
  }
}
