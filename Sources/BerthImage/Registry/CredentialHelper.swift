import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Docker credential helper, `docker-credential-<name>` on PATH, spoken to as the Docker CLI
/// does: `get`, `store`, `erase` with the request on stdin and JSON on stdout.
struct CredentialHelper {
  let name: String

  func get(serverURL: String) throws -> RegistryCredentials? {
    let (status, output) = try run("get", input: serverURL)
    if status != 0 {
      if output.contains("credentials not found") { return nil }
      throw BerthError(
        .unavailable, "docker-credential-\(name) get: \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    struct Answer: Decodable {
      var Username: String
      var Secret: String
    }
    guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(output.utf8)) else {
      throw BerthError(.unavailable, "docker-credential-\(name) get: unreadable answer")
    }
    return RegistryCredentials(username: answer.Username, password: answer.Secret)
  }

  func store(serverURL: String, credentials: RegistryCredentials) throws {
    let payload: [String: String] = [
      "ServerURL": serverURL, "Username": credentials.username, "Secret": credentials.password,
    ]
    let json = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
    let (status, output) = try run("store", input: json)
    guard status == 0 else { throw BerthError(.unavailable, "docker-credential-\(name) store: \(output)") }
  }

  func erase(serverURL: String) throws {
    let (status, output) = try run("erase", input: serverURL)
    guard status == 0 else { throw BerthError(.unavailable, "docker-credential-\(name) erase: \(output)") }
  }

  /// posix_spawn (never fork) with pipes for stdin and stdout+stderr.
  private func run(_ verb: String, input: String) throws -> (Int32, String) {
    let program = "docker-credential-\(name)"
    let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    let candidates: [String] = searchPath.split(separator: ":").map { String($0) + "/" + program }
    guard let executable = candidates.first(where: { access($0, X_OK) == 0 }) else {
      throw BerthError(.unavailable, "\(program): executable file not found in $PATH")
    }
    var inPipe: [Int32] = [-1, -1]
    var outPipe: [Int32] = [-1, -1]
    try syscall("pipe", program) { pipe(&inPipe) }
    try syscall("pipe", program) { pipe(&outPipe) }
    for fd in inPipe + outPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 2)
    var pid: pid_t = 0
    let env = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
    let rc = CStrings.withArray([executable, verb]) { args in
      CStrings.withArray(env) { envp in posix_spawn(&pid, executable, &actions, nil, args, envp) }
    }
    close(inPipe[0])
    close(outPipe[1])
    defer { close(outPipe[0]) }
    guard rc == 0 else {
      close(inPipe[1])
      throw BerthError(.unavailable, "\(program): \(String(cString: strerror(rc)))")
    }
    try? FileSystem.writeAll(inPipe[1], Array(input.utf8))
    close(inPipe[1])
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      output += buffer[0..<n]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (Processes.exitCode(fromWaitStatus: status), String(decoding: output, as: UTF8.self))
  }
}
