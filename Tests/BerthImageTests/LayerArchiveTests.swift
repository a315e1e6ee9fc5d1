import BerthImage
import BerthOCI
import CBerth
import Foundation
import Testing

/// Makes tars with Python's tarfile (it writes any entry, hostile ones included).
func makeTar(_ script: String) throws -> String {
  let path = NSTemporaryDirectory() + "berth-tar-\(UUID().uuidString).tar"
  let program = """
    import tarfile, io, sys
    t = tarfile.open(sys.argv[1], "w")
    def f(name, data=b"x"):
        i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
    def d(name):
        i = tarfile.TarInfo(name); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
    def l(name, target):
        i = tarfile.TarInfo(name); i.type = tarfile.SYMTYPE; i.linkname = target; t.addfile(i)
    def h(name, target):
        i = tarfile.TarInfo(name); i.type = tarfile.LNKTYPE; i.linkname = target; t.addfile(i)
    \(script)
    t.close()
    """
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = ["python3", "-c", program, path]
  try p.run()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else { throw BerthError.internal("python3 failed") }
  return path
}

func tempDir() -> String {
  let dir = NSTemporaryDirectory() + "berth-dir-\(UUID().uuidString)"
  try? FileManager.default.createDirectory(atPath: dir + "/target", withIntermediateDirectories: true)
  return dir
}

@Suite struct LayerArchiveTests {
  static let hostile: [(String, String)] = [
    ("dotdot", "f('../escaped')"),
    ("nested dotdot", "d('a'); f('a/../../escaped')"),
    ("absolute", "f('/tmp/berth-absolute-escape')"),
    ("symlink then write through it", "l('link', '..'); f('link/escaped')"),
    ("absolute symlink then write through it", "l('link', '/tmp'); f('link/escaped')"),
    ("hardlink outside", "h('hl', '../escaped')"),
    ("hardlink through symlink", "l('link', '/etc'); h('hl', 'link/passwd')"),
  ]

  @Test(arguments: hostile)
  func refusesHostileArchive(name: String, script: String) throws {
    let tar = try makeTar(script)
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: BerthError.self, "\(name)") { try LayerArchive.extract(archive: tar, into: dir + "/target") }
    #expect(!FileManager.default.fileExists(atPath: dir + "/escaped"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/escaped"))
    #expect(!FileManager.default.fileExists(atPath: "/tmp/berth-absolute-escape"))
  }

  @Test func extractsOrdinaryArchive() throws {
    let tar = try makeTar(
      "d('./etc'); f('./etc/hostname', b'box\\n'); l('./etc/link', 'hostname'); h('./hard', 'etc/hostname')")
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let summary = try LayerArchive.extract(archive: tar, into: dir + "/target")
    #expect(summary.entries == 4)
    #expect(try String(contentsOfFile: dir + "/target/etc/hostname", encoding: .utf8) == "box\n")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/target/etc/link") == "hostname")
    #expect(try String(contentsOfFile: dir + "/target/hard", encoding: .utf8) == "box\n")
  }

  @Test(.enabled(if: getuid() == 0, "mknod needs root")) func convertsWhiteouts() throws {
    let tar = try makeTar("d('gone'); f('gone/.wh..wh..opq', b''); f('.wh.deleted', b'')")
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try LayerArchive.extract(archive: tar, into: dir + "/target")
    var st = stat()
    #expect(lstat(dir + "/target/deleted", &st) == 0)
    #expect((st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0)
    var value = [UInt8](repeating: 0, count: 4)
    #expect(getxattr(dir + "/target/gone", "trusted.overlay.opaque", &value, 4) == 1)
    #expect(value[0] == UInt8(ascii: "y"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/target/.wh.deleted"))
  }

  @Test(arguments: [("./a//b/", "a/b"), ("a/./b", "a/b"), ("./", ""), ("x", "x")])
  func normalisesNames(raw: String, expected: String) throws {
    #expect(try LayerArchive.safeRelativePath(raw) == expected)
  }
}

@Suite struct ContentStoreTests {
  @Test func blobsAreVerified() throws {
    let dir = tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try ContentStore(root: dir + "/content")
    let digest = try store.write(Array("hello".utf8))
    #expect(digest.description == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    #expect(try store.read(digest) == Array("hello".utf8))
    let wrong = try Digest(parsing: "sha256:" + String(repeating: "0", count: 64))
    #expect(throws: BerthError.self) { try store.write(Array("other".utf8), expected: wrong) }
    #expect(!store.contains(wrong))
    #expect(store.digests() == [digest])
    #expect(FileManager.default.subpaths(atPath: dir + "/content/ingest") == [])
  }

  @Test func chainIDs() throws {
    let a = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
    let b = try Digest(parsing: "sha256:" + String(repeating: "b", count: 64))
    let chains = LayerStore.chainIDs(diffIDs: [a, b])
    #expect(chains[0] == a)
    #expect(chains[1] == Digest.sha256(of: Array("\(a) \(b)".utf8)))
  }
}
