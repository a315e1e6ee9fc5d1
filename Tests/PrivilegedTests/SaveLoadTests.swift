import BerthEngine
import BerthOCI
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `docker save` / `docker load` round trips through fresh engines in temporary directories.
@Suite struct SaveLoadTests {
  /// A scratch directory removed at the end of the test.
  final class Scratch {
    let path: String

    init() throws {
      var template = Array("/tmp/berth-saveload-XXXXXX".utf8CString)
      guard let p = mkdtemp(&template) else { throw POSIXError(.EIO) }
      path = String(cString: p)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A fresh engine under this directory.
    func engine(_ name: String) throws -> Engine {
      try Engine(dataRoot: "\(path)/\(name)/data", execRoot: "\(path)/\(name)/exec")
    }
  }

  /// Runs a program; returns its exit status and combined output.
  @discardableResult
  static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// A rootfs tar with `hello.txt` and a directory, imported into a fresh engine as `reference`.
  static func engineWithImage(_ scratch: Scratch, reference: String = "test/saveload:v1") throws -> (Engine, Digest) {
    let rootfs = "\(scratch.path)/rootfs"
    try FileManager.default.createDirectory(atPath: rootfs + "/etc/dir", withIntermediateDirectories: true)
    try Data("hello from berth\n".utf8).write(to: URL(fileURLWithPath: rootfs + "/hello.txt"))
    try Data("nested\n".utf8).write(to: URL(fileURLWithPath: rootfs + "/etc/dir/file"))
    let tar = "\(scratch.path)/rootfs.tar"
    #expect(try run("/usr/bin/tar", ["-C", rootfs, "-cf", tar, "."]).status == 0)
    let engine = try scratch.engine("source")
    let id = try engine.images.importArchive(path: tar, reference: reference)
    return (engine, id)
  }

  static func save(_ engine: Engine, _ names: [String], _ format: ArchiveFormat, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    #expect(fd >= 0)
    defer { close(fd) }
    try engine.images.save(names, format: format, to: fd)
  }

  /// Unpacks archive into `<scratch>/out` with tar and returns that directory.
  static func extract(_ archive: String, in scratch: Scratch) throws -> String {
    let out = "\(scratch.path)/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    #expect(try run("/usr/bin/tar", ["-C", out, "-xf", archive]).status == 0)
    return out
  }

  static func entries(_ tar: String) throws -> [String] {
    let (status, output) = try run("/usr/bin/tar", ["-tf", tar])
    #expect(status == 0)
    return output.split(separator: "\n").map(String.init)
  }

  static func json(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
  }

  /// Files left in an engine's temporary directory.
  static func leftovers(_ scratch: Scratch, _ name: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/\(name)/data/tmp")) ?? []
  }

  @Test func dockerFormatRoundTrip() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/image.tar"
    try Self.save(source, ["test/saveload:v1"], .docker, to: archive)

    let config = try source.images.config(of: source.images.resolve(id.description))
    let diffID = try #require(config.rootfs.diffIDs.first)
    let names = Set(try Self.entries(archive))
    for name in [
      "manifest.json", "repositories", "\(id.hex).json", "\(diffID.hex)/", "\(diffID.hex)/layer.tar",
      "\(diffID.hex)/VERSION", "\(diffID.hex)/json",
    ] {
      #expect(names.contains(name), "missing \(name) in \(names.sorted())")
    }

    let out = try Self.extract(archive, in: scratch)
    let manifest = try #require(try Self.json(out + "/manifest.json") as? [[String: Any]])
    #expect(manifest.count == 1)
    #expect(manifest.first?["Config"] as? String == "\(id.hex).json")
    #expect(manifest.first?["RepoTags"] as? [String] == ["test/saveload:v1"])
    #expect(manifest.first?["Layers"] as? [String] == ["\(diffID.hex)/layer.tar"])
    let repositories = try #require(try Self.json(out + "/repositories") as? [String: [String: String]])
    #expect(repositories == ["test/saveload": ["v1": diffID.hex]])
    let configBytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(id.hex).json"))
    #expect(Digest.sha256(of: Array(configBytes)) == id)
    #expect(try String(contentsOfFile: "\(out)/\(diffID.hex)/VERSION", encoding: .utf8) == "1.0")
    let layerBytes = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(diffID.hex)/layer.tar"))
    #expect(Digest.sha256(of: Array(layerBytes)) == diffID)
    let legacy = try #require(try Self.json("\(out)/\(diffID.hex)/json") as? [String: Any])
    #expect(legacy["id"] as? String == diffID.hex)

    if FileManager.default.isExecutableFile(atPath: "/usr/bin/skopeo") {
      let inspect = try Self.run("/usr/bin/skopeo", ["inspect", "--config", "docker-archive:\(archive)"])
      #expect(inspect.status == 0, "\(inspect.output)")
      #expect(inspect.output.contains(diffID.description), "\(inspect.output)")
    }

    let target = try scratch.engine("target")
    #expect(try target.images.load(from: archive) == ["Loaded image: test/saveload:v1"])
    let loaded = try target.images.list()
    #expect(loaded.map(\.id) == [id])
    #expect(loaded.first?.tags == ["docker.io/test/saveload:v1"])
    let loadedConfig = try target.images.config(of: target.images.resolve("test/saveload:v1"))
    #expect(target.images.readFile("/hello.txt", in: loadedConfig) == "hello from berth\n")
    #expect(target.images.readFile("/etc/dir/file", in: loadedConfig) == "nested\n")
    #expect(Self.leftovers(scratch, "target").isEmpty)

    // Loading again changes nothing; a tag the image has meanwhile survives.
    try target.images.tag("test/saveload:v1", "other:tag")
    #expect(try target.images.load(from: archive) == ["Loaded image: test/saveload:v1"])
    #expect(try target.images.list().first?.tags == ["docker.io/library/other:tag", "docker.io/test/saveload:v1"])
  }

  @Test func savingByIDRecordsNoTags() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/image.tar"
    try Self.save(source, [String(id.hex.prefix(12))], .docker, to: archive)
    let out = try Self.extract(archive, in: scratch)
    let manifest = try #require(try Self.json(out + "/manifest.json") as? [[String: Any]])
    #expect(manifest.first?["RepoTags"] is NSNull)
    #expect(!FileManager.default.fileExists(atPath: out + "/repositories"))

    let target = try scratch.engine("target")
    #expect(try target.images.load(from: archive) == ["Loaded image ID: \(id)"])
    #expect(try target.images.list().map(\.id) == [id])
    #expect(try target.images.list().first?.tags == [])
  }

  @Test func ociFormatRoundTrip() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch, reference: "busybox")
    let archive = "\(scratch.path)/image-oci.tar"
    try Self.save(source, ["busybox"], .oci, to: archive)
    let image = try source.images.resolve("busybox")
    let names = Set(try Self.entries(archive))
    for name in ["oci-layout", "index.json", "blobs/sha256/\(id.hex)", "blobs/sha256/\(image.manifest.hex)"] {
      #expect(names.contains(name), "missing \(name) in \(names.sorted())")
    }
    let out = try Self.extract(archive, in: scratch)
    let index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/index.json")))
    #expect(index.manifests.count == 1)
    #expect(index.manifests.first?.digest == image.manifest)
    #expect(
      index.manifests.first?.annotations == [
        "io.containerd.image.name": "docker.io/library/busybox:latest",
        "org.opencontainers.image.ref.name": "latest",
      ])

    let target = try scratch.engine("target")
    #expect(try target.images.load(from: archive) == ["Loaded image: busybox:latest"])
    #expect(try target.images.list().map(\.id) == [id])
    #expect(try target.images.list().first?.tags == ["docker.io/library/busybox:latest"])
    #expect(Self.leftovers(scratch, "target").isEmpty)

    if FileManager.default.isExecutableFile(atPath: "/usr/bin/skopeo") {
      let inspect = try Self.run("/usr/bin/skopeo", ["inspect", "oci-archive:\(archive)"])
      #expect(inspect.status == 0, "\(inspect.output)")
      #expect(inspect.output.contains(image.manifest.description))
      let copy = try Self.run("/usr/bin/skopeo", ["copy", "oci-archive:\(archive)", "dir:\(scratch.path)/skopeo-dir"])
      #expect(copy.status == 0, "\(copy.output)")
      let copied = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/skopeo-dir")
      #expect(copied.contains(id.hex) && copied.contains("manifest.json"), "\(copied)")
    }
  }

  @Test func gzipLayersLoad() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/image.tar"
    try Self.save(source, ["test/saveload:v1"], .docker, to: archive)
    let out = try Self.extract(archive, in: scratch)
    let diffID = try source.images.config(of: source.images.resolve(id.description)).rootfs.diffIDs[0]
    let layer = "\(out)/\(diffID.hex)/layer.tar"
    #expect(try Self.run("/usr/bin/gzip", [layer]).status == 0)
    try FileManager.default.moveItem(atPath: layer + ".gz", toPath: layer)
    let repacked = "\(scratch.path)/gzip.tar.gz"
    #expect(try Self.run("/usr/bin/tar", ["-C", out, "-czf", repacked, "."]).status == 0)

    let target = try scratch.engine("target")
    #expect(try target.images.load(from: repacked) == ["Loaded image: test/saveload:v1"])
    #expect(try target.images.list().map(\.id) == [id])
  }

  @Test func mismatchedLayerLeavesNothing() throws {
    let scratch = try Scratch()
    let (source, _) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/image.tar"
    try Self.save(source, ["test/saveload:v1"], .docker, to: archive)
    let out = try Self.extract(archive, in: scratch)
    let manifest = try #require(try Self.json(out + "/manifest.json") as? [[String: Any]])
    let layer = try #require((manifest.first?["Layers"] as? [String])?.first)
    // Replace the layer by another tar.
    #expect(try Self.run("/usr/bin/tar", ["-C", out, "-cf", "\(scratch.path)/other.tar", "repositories"]).status == 0)
    try FileManager.default.removeItem(atPath: "\(out)/\(layer)")
    try FileManager.default.moveItem(atPath: "\(scratch.path)/other.tar", toPath: "\(out)/\(layer)")
    let broken = "\(scratch.path)/broken.tar"
    #expect(try Self.run("/usr/bin/tar", ["-C", out, "-cf", broken, "."]).status == 0)

    let target = try scratch.engine("target")
    #expect {
      try target.images.load(from: broken)
    } throws: { error in
      "\(error)".hasPrefix("invalid diffID for layer 0: expected \"sha256:")
    }
    #expect(try target.images.list().isEmpty)
    let blobs = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/target/data/content/blobs/sha256")
    #expect(blobs.isEmpty)
    let layers = try FileManager.default.contentsOfDirectory(atPath: "\(scratch.path)/target/data/layers")
    #expect(layers.isEmpty)
    #expect(Self.leftovers(scratch, "target").isEmpty)
  }

  @Test func hostilePathIsRefused() throws {
    let scratch = try Scratch()
    let (engine, _) = try Self.engineWithImage(scratch)
    let before = try engine.images.list()
    let work = "\(scratch.path)/hostile/work"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    try Data("[]".utf8).write(to: URL(fileURLWithPath: work + "/manifest.json"))
    try Data("pwned\n".utf8).write(to: URL(fileURLWithPath: "\(scratch.path)/hostile/evil"))
    let evil = "\(scratch.path)/evil.tar"
    #expect(try Self.run("/usr/bin/tar", ["-C", work, "-P", "-cf", evil, "manifest.json", "../evil"]).status == 0)
    #expect(try Self.entries(evil).contains("../evil"))

    #expect {
      try engine.images.load(from: evil)
    } throws: { error in
      (error as? BerthError)?.kind == .invalidArgument && "\(error)".contains("..")
    }
    #expect(try engine.images.list() == before)
    #expect(!FileManager.default.fileExists(atPath: "\(scratch.path)/source/data/evil"))
    #expect(Self.leftovers(scratch, "source").isEmpty)
  }

  @Test func symlinkOutsideArchiveIsRefused() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/image.tar"
    try Self.save(source, ["test/saveload:v1"], .docker, to: archive)
    let out = try Self.extract(archive, in: scratch)
    let diffID = try source.images.config(of: source.images.resolve(id.description)).rootfs.diffIDs[0]

    // A layer.tar linked to another file inside the archive (as Docker links shared layers) loads.
    let inside = "\(scratch.path)/inside.tar"
    try FileManager.default.moveItem(atPath: "\(out)/\(diffID.hex)/layer.tar", toPath: "\(out)/shared.tar")
    try FileManager.default.createSymbolicLink(
      atPath: "\(out)/\(diffID.hex)/layer.tar", withDestinationPath: "../shared.tar")
    #expect(try Self.run("/usr/bin/tar", ["-C", out, "-cf", inside, "."]).status == 0)
    let target = try scratch.engine("target")
    #expect(try target.images.load(from: inside) == ["Loaded image: test/saveload:v1"])

    // One linked outside the archive is refused.
    let outside = "\(scratch.path)/outside.tar"
    try FileManager.default.removeItem(atPath: "\(out)/\(diffID.hex)/layer.tar")
    try FileManager.default.createSymbolicLink(
      atPath: "\(out)/\(diffID.hex)/layer.tar", withDestinationPath: "/etc/passwd")
    #expect(try Self.run("/usr/bin/tar", ["-C", out, "-cf", outside, "."]).status == 0)
    let other = try scratch.engine("other")
    #expect {
      try other.images.load(from: outside)
    } throws: { error in
      "\(error)".contains("points outside the archive")
    }
    #expect(try other.images.list().isEmpty)
  }

  @Test func severalImagesInOneArchive() throws {
    let scratch = try Scratch()
    let (source, id) = try Self.engineWithImage(scratch)
    let second = try source.images.importArchive(path: "\(scratch.path)/rootfs.tar", reference: "localhost:5000/a/b:t")
    try source.images.tag("test/saveload:v1", "test/saveload:v2")
    for format in [ArchiveFormat.docker, .oci] {
      let archive = "\(scratch.path)/both-\(format).tar"
      try Self.save(source, ["test/saveload", "localhost:5000/a/b:t", id.description], format, to: archive)
      let target = try scratch.engine("target-\(format)")
      let lines = try target.images.load(from: archive)
      #expect(
        lines == [
          "Loaded image: test/saveload:v1", "Loaded image: test/saveload:v2", "Loaded image: localhost:5000/a/b:t",
        ])
      #expect(Set(try target.images.list().map(\.id)) == [id, second])
      #expect(try target.images.resolve("localhost:5000/a/b:t").id == second)
      #expect(try target.images.resolve("test/saveload:v2").id == id)
    }
  }

  @Test func savingMissingImageFails() throws {
    let scratch = try Scratch()
    let (engine, _) = try Self.engineWithImage(scratch)
    let archive = "\(scratch.path)/missing.tar"
    #expect(throws: BerthError.notFound("No such image: nosuch:latest")) {
      try Self.save(engine, ["test/saveload:v1", "nosuch"], .docker, to: archive)
    }
    // Nothing was written.
    let size = (try FileManager.default.attributesOfItem(atPath: archive)[.size] as? Int) ?? -1
    #expect(size == 0)
  }
}
