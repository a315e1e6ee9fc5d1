import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile registry answers each give a clear error and leave no blob, layer or image behind.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct RegistryHostileTests {
  final class Hostile: @unchecked Sendable {
    let port = LocalRegistry.freePort()
    let process = Process()

    init() throws {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
      process.arguments = [LocalRegistry.fixtures + "/hostile_registry.py", "\(port)"]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      LocalRegistry.waitForPort(port)
    }

    // SIGKILL: the test process blocks SIGTERM, and python inherits that mask.
    deinit {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  static let cases: [(String, String)] = [
    ("wrongdigest", "digest mismatch"),
    ("big", "over the 4194304-byte limit"),
    ("loop", "redirect loop"),
    ("truncated", "truncated"),
    ("badrealm", "invalid authentication realm \"not a url\""),
  ]

  @Test(arguments: cases) func hostileAnswerIsRefusedCleanly(_ repo: String, _ message: String) throws {
    let hostile = try Hostile()
    let sandbox = try Sandbox(image: false)
    let ref = "127.0.0.1:\(hostile.port)/\(repo):latest"
    let pull = sandbox.berth(["pull", ref])
    #expect(pull.code != 0)
    #expect(pull.err.contains(message), "\(repo): \(pull.err)")
    #expect(sandbox.berth(["images", "-q"]).out.isEmpty)
    let blobs = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.dataRoot + "/content/blobs/sha256")) ?? []
    #expect(blobs.isEmpty, "\(repo): \(blobs)")
    let layers = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.dataRoot + "/layers")) ?? []
    #expect(layers.filter { !$0.hasPrefix(".") }.isEmpty, "\(repo): \(layers)")
    #expect(layers.filter { $0.hasPrefix(".tmp") }.isEmpty, "\(repo): \(layers)")
  }

  @Test func theControlImagePulls() throws {
    let hostile = try Hostile()
    let sandbox = try Sandbox(image: false)
    let pull = sandbox.berth(["pull", "127.0.0.1:\(hostile.port)/good"])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    #expect(sandbox.berth(["images", "-q"]).out.count == 13)
  }

  @Test func anInterruptedDownloadResumesWithARangeRequest() throws {
    let hostile = try Hostile()
    let sandbox = try Sandbox(image: false)
    let ref = "127.0.0.1:\(hostile.port)/truncated"
    #expect(sandbox.berth(["pull", ref]).code != 0)
    let partial = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.dataRoot + "/content/downloads")) ?? []
    #expect(partial.count == 1)
    let pull = sandbox.berth(["pull", ref])
    #expect(pull.code == 0, "\(pull.out)\(pull.err)")
    let stats = BerthFixture.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(hostile.port)/stats"]).out
    #expect(stats.contains("\"ranges\": 1"), "\(stats)")
    #expect(
      ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.dataRoot + "/content/downloads")) ?? []).isEmpty)
  }
}
