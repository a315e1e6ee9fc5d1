import BerthOCI
import Foundation
import Testing

@testable import BerthBuild

/// COPY source resolution and copying, on plain temporary directories.
struct CopyTests {
  let base = NSTemporaryDirectory() + "berth-copy-\(UUID().uuidString.prefix(8))"

  func make(_ files: [String: String]) throws -> String {
    for (name, content) in files {
      let path = base + "/" + name
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }
    return base
  }

  @Test func sourcesResolveInsideTheContext() throws {
    let ctx = try make(["ctx/a.txt": "a", "ctx/b.txt": "b", "ctx/dir/c": "c", "secret": "s"]) + "/ctx"
    defer { try? FileManager.default.removeItem(atPath: base) }
    let globbed = try CopySources.resolve(["*.txt"], in: ctx, filter: nil, inContext: true)
    #expect(globbed.map(\.relative) == ["a.txt", "b.txt"])
    #expect(throws: BerthError.invalid("forbidden path outside the build context: ../secret ()")) {
      try CopySources.resolve(["../secret"], in: ctx, filter: nil, inContext: true)
    }
    #expect(
      throws: BerthError.notFound(
        "file not found in build context or excluded by .dockerignore: stat nope: file does not exist")
    ) {
      try CopySources.resolve(["nope"], in: ctx, filter: nil, inContext: true)
    }
    try FileManager.default.createSymbolicLink(atPath: ctx + "/escape", withDestinationPath: "/etc")
    // The link resolves inside the context (to <ctx>/etc), where there is no passwd.
    #expect(throws: BerthError.self) {
      try CopySources.resolve(["escape/passwd"], in: ctx, filter: nil, inContext: true)
    }
  }

  @Test func hashIgnoresMtimeButNotModeOrContent() throws {
    let ctx = try make(["ctx/dir/c": "c"]) + "/ctx"
    defer { try? FileManager.default.removeItem(atPath: base) }
    let first = try CopySources.resolve(["dir"], in: ctx, filter: nil, inContext: true)[0].hash
    #expect(first.hasPrefix("dir:"))
    utime(ctx + "/dir/c", nil)
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: 5)], ofItemAtPath: ctx + "/dir/c")
    #expect(try CopySources.resolve(["dir"], in: ctx, filter: nil, inContext: true)[0].hash == first)
    chmod(ctx + "/dir/c", 0o600)
    let changedMode = try CopySources.resolve(["dir"], in: ctx, filter: nil, inContext: true)[0].hash
    #expect(changedMode != first)
    try Data("d".utf8).write(to: URL(fileURLWithPath: ctx + "/dir/c"))
    #expect(try CopySources.resolve(["dir"], in: ctx, filter: nil, inContext: true)[0].hash != changedMode)
  }

  @Test func destinationSemantics() throws {
    let ctx = try make(["ctx/f": "f", "ctx/g": "g", "ctx/dir/sub/x": "x", "root/existing/.keep": ""]) + "/ctx"
    defer { try? FileManager.default.removeItem(atPath: base) }
    let root = base + "/root"
    let copier = FileCopier(root: root, chmod: 0o640)
    let f = try CopySources.resolve(["f"], in: ctx, filter: nil, inContext: true)
    try copier.copy(f, to: "/renamed")
    try copier.copy(f, to: "/existing")
    try copier.copy(f, to: "/new/dir/")
    try copier.copy(try CopySources.resolve(["dir"], in: ctx, filter: nil, inContext: true), to: "/contents")
    #expect(FileManager.default.contents(atPath: root + "/renamed") == Data("f".utf8))
    #expect(FileManager.default.fileExists(atPath: root + "/existing/f"))
    #expect(FileManager.default.fileExists(atPath: root + "/new/dir/f"))
    #expect(FileManager.default.fileExists(atPath: root + "/contents/sub/x"))
    #expect(!FileManager.default.fileExists(atPath: root + "/contents/dir"))
    var st = stat()
    stat(root + "/renamed", &st)
    #expect(st.st_mode & 0o7777 == 0o640)
    let two = try CopySources.resolve(["f", "g"], in: ctx, filter: nil, inContext: true)
    #expect(
      throws: BerthError.invalid(
        "When using COPY with more than one source file, the destination must be a directory and end with a /")
    ) {
      try copier.copy(two, to: "/notdir")
    }
    // A symlink in the image cannot lead the copy out of the root.
    try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: "/tmp/../..")
    try copier.copy(f, to: "/out/escaped")
    #expect(FileManager.default.fileExists(atPath: root + "/escaped"))
  }
}
