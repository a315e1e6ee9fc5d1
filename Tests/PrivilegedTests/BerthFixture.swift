import BerthEngine
import Foundation
import Testing

/// Real containers need root, overlayfs and cgroups: privileged tests run only as root.
let isRoot = getuid() == 0

/// Shared fixtures: a busybox rootfs tar made from Debian's busybox-static, temporary roots, and
/// the built `berth` binary.
enum BerthFixture {
  static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

  /// The tar of a busybox root filesystem (made once per test process).
  static let busyboxTar: String = {
    let dir = NSTemporaryDirectory() + "berth-test-rootfs-\(getpid())"
    let tar = NSTemporaryDirectory() + "berth-test-busybox-\(getpid()).tar"
    _ = shell("\(repo)/scripts/busybox-rootfs.sh \(dir) >/dev/null && tar -C \(dir) -cf \(tar) . && rm -rf \(dir)")
    return tar
  }()

  /// The `berth` binary the tests run (built by `swift build`).
  static var berth: String {
    for config in ["debug", "release"] {
      let path = "\(repo)/.build/\(config)/berth"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return "\(repo)/.build/debug/berth"
  }

  /// Runs a shell command; returns its exit code and output.
  @discardableResult
  static func shell(_ command: String, stdin: String? = nil) -> (code: Int32, out: String, err: String) {
    run("/bin/sh", ["-c", command], stdin: stdin)
  }

  /// Starts a helper server (`path args`) with no stdio; end it with `stop`.
  static func startServer(_ path: String, _ args: [String]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
  }

  /// Ends a helper server and reaps it. SIGKILL: the test process blocks SIGTERM, and the
  /// children Foundation spawns inherit that mask, so a SIGTERM would stay pending.
  static func stop(_ server: Process) {
    kill(server.processIdentifier, SIGKILL)
    server.waitUntilExit()
  }

  /// Runs a program; returns its exit code, stdout and stderr.
  static func run(_ path: String, _ args: [String], env: [String: String] = [:], stdin: String? = nil)
    -> (code: Int32, out: String, err: String)
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = stdin == nil ? FileHandle.nullDevice : input
    do { try p.run() } catch { return (-1, "", "\(error)") }
    if let stdin {
      input.fileHandleForWriting.write(Data(stdin.utf8))
      try? input.fileHandleForWriting.close()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
  }
}

/// A temporary data root and exec root with the busybox image imported, removed at deinit.
final class Sandbox: Sendable {
  let dataRoot: String
  let execRoot: String

  init(image: Bool = true) throws {
    let base = NSTemporaryDirectory() + "berth-test-\(UUID().uuidString.prefix(8))"
    dataRoot = base + "/data"
    execRoot = base + "/exec"
    if image {
      let r = berth(["import", BerthFixture.busyboxTar, "busybox"])
      guard r.code == 0 else { throw SandboxError(message: "import failed: \(r.err)") }
    }
  }

  deinit {
    let base = (dataRoot as NSString).deletingLastPathComponent
    // Bridges and iptables rules are host-wide: remove this sandbox's before its roots.
    berth(["__networks-cleanup"])
    BerthFixture.shell("rm -rf '\(base)'")
  }

  /// The engine on this sandbox's roots.
  func engine() throws -> Engine { try Engine(dataRoot: dataRoot, execRoot: execRoot) }

  /// Runs the berth CLI with this sandbox's roots.
  @discardableResult
  func berth(_ args: [String], stdin: String? = nil) -> (code: Int32, out: String, err: String) {
    BerthFixture.run(
      BerthFixture.berth, ["--data-root", dataRoot, "--exec-root", execRoot] + args, stdin: stdin)
  }
}

extension Sandbox {
  /// Starts `berth args` in the background with no stdio; returns the process.
  func background(_ args: [String]) throws -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BerthFixture.berth)
    p.arguments = ["--data-root", dataRoot, "--exec-root", execRoot] + args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    return p
  }

  /// `berth inspect -f format container`, trimmed.
  func value(_ format: String, _ container: String) -> String {
    berth(["inspect", "-f", format, container]).out.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// Polls condition every 20 ms until it holds or seconds have passed.
func waitUntil(seconds: Double = 5, _ condition: () -> Bool) {
  let end = Date().addingTimeInterval(seconds)
  while Date() < end && !condition() { usleep(20_000) }
}

struct SandboxError: Error { var message: String }
