import BerthImage
import BerthOCI
import BerthSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ImageService {
  /// `docker import`: makes a one-layer image from a tar (plain or compressed) at path, or
  /// from stdin when path is `-`. Returns the image id. On any failure the store is as before.
  public func importArchive(
    path: String, reference: String? = nil, changes: [String] = [], message: String? = nil
  ) throws -> Digest {
    let tags = try reference.map { [try parseReference($0)] } ?? []
    var config = ContainerConfig()
    for change in changes { try ImportChanges.apply(change, to: &config) }

    var source = path
    var spooled: String?
    if path == "-" {
      let tmp = "\(paths.tmp)/import-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      try spool(fd: 0, to: tmp)
      source = tmp
      spooled = tmp
    } else if !FileSystem.exists(path) {
      throw BerthError.notFound("open \(path): no such file or directory")
    }
    defer { if let spooled { unlink(spooled) } }

    let (diffID, size) = try Decompress.storeUncompressed(source, in: content)
    let existed = layers.contains(diffID)
    do {
      try layers.unpack(archive: content.path(of: diffID), as: diffID)
    } catch {
      if try !existed && !isReferenced(diffID) { content.delete(diffID) }
      throw error
    }
    let now = Timestamp.now()
    let image = ImageConfig(
      created: now, architecture: "amd64", os: "linux", config: config,
      rootfs: .init(diffIDs: [diffID]),
      history: [.init(created: now, createdBy: nil, comment: message ?? "Imported from \(path)")])
    return try store(config: image, layers: [(diffID, size)], tags: tags).id
  }

  /// Writes config and manifest blobs for layers already in the store, and registers the image.
  func store(config: ImageConfig, layers: [(Digest, Int64)], tags: [Reference]) throws -> ImageRecord {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let configBytes = Array(try encoder.encode(config))
    let configDigest = try content.write(configBytes)
    let manifest = Manifest(
      schemaVersion: 2, mediaType: MediaType.ociManifest,
      config: Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configBytes.count)),
      layers: layers.map { Descriptor(mediaType: MediaType.ociLayer, digest: $0.0, size: $0.1) })
    let manifestDigest = try content.write(Array(try encoder.encode(manifest)))
    return try register(config: config, configDigest: configDigest, manifest: manifestDigest, tags: tags)
  }

  /// Whether any image uses a layer blob.
  func isReferenced(_ diffID: Digest) throws -> Bool {
    try list().contains { (try? config(of: $0).rootfs.diffIDs.contains(diffID)) ?? false }
  }

  /// Copies fd to a new file at path.
  func spool(fd: Int32, to path: String) throws {
    let out = try syscall("open", path) { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
    defer { close(out) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try syscall("read", "stdin") { buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
      if n == 0 { return }
      try FileSystem.writeAll(out, Array(buffer[0..<n]), path: path)
    }
  }
}

/// `docker import --change`: the Dockerfile instructions that set image config.
enum ImportChanges {
  static func apply(_ change: String, to config: inout ContainerConfig) throws {
    let trimmed = change.trimmingCharacters(in: .whitespaces)
    let split = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" })
    let keyword = String(trimmed[..<(split ?? trimmed.endIndex)]).uppercased()
    let rest = split.map { String(trimmed[$0...]).trimmingCharacters(in: .whitespaces) } ?? ""
    switch keyword {
    case "CMD": config.cmd = commandForm(rest)
    case "ENTRYPOINT": config.entrypoint = commandForm(rest)
    case "ENV":
      var env = config.env ?? []
      for pair in try keyValues(rest, keyword: "ENV") {
        env.removeAll { $0.hasPrefix(pair.0 + "=") }
        env.append("\(pair.0)=\(pair.1)")
      }
      config.env = env
    case "WORKDIR": config.workingDir = rest
    case "USER": config.user = rest
    case "EXPOSE":
      var ports = config.exposedPorts ?? [:]
      for p in rest.split(separator: " ") { ports[p.contains("/") ? String(p) : "\(p)/tcp"] = EmptyObject() }
      config.exposedPorts = ports
    case "LABEL":
      var labels = config.labels ?? [:]
      for pair in try keyValues(rest, keyword: "LABEL") { labels[pair.0] = pair.1 }
      config.labels = labels
    case "VOLUME":
      var volumes = config.volumes ?? [:]
      for v in jsonArray(rest) ?? rest.split(separator: " ").map(String.init) { volumes[v] = EmptyObject() }
      config.volumes = volumes
    case "STOPSIGNAL": config.stopSignal = rest
    default:
      throw BerthError.invalid("\(keyword.lowercased()) is not a valid change command")
    }
  }

  /// JSON form `["a","b"]`, or shell form wrapped in `/bin/sh -c`.
  static func commandForm(_ s: String) -> [String] {
    jsonArray(s) ?? ["/bin/sh", "-c", s]
  }

  static func jsonArray(_ s: String) -> [String]? {
    guard s.hasPrefix("[") else { return nil }
    return try? JSONDecoder().decode([String].self, from: Data(s.utf8))
  }

  /// `K=V K2="v 2"` or the legacy `K V` form.
  static func keyValues(_ s: String, keyword: String) throws -> [(String, String)] {
    let words = shellWords(s)
    guard let first = words.first else { throw BerthError.invalid("\(keyword) requires at least one argument") }
    if !first.contains("=") {
      let value = s.dropFirst(first.count).trimmingCharacters(in: .whitespaces)
      return [(first, value)]
    }
    return words.map { w in
      let kv = w.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
    }
  }

  /// Splits on spaces, honouring double and single quotes and backslash escapes.
  static func shellWords(_ s: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var escaped = false
    var inWord = false
    for c in s {
      if escaped {
        current.append(c)
        escaped = false
      } else if c == "\\" && quote != "'" {
        escaped = true
        inWord = true
      } else if let q = quote {
        if c == q { quote = nil } else { current.append(c) }
      } else if c == "\"" || c == "'" {
        quote = c
        inWord = true
      } else if c == " " || c == "\t" {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(c)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }
}
