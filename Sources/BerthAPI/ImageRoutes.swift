import BerthEngine
import BerthOCI
import BerthTemplate
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Image routes: list, inspect, history, tag, remove, save (get), load, import (create with
/// `fromSrc`).
extension APIServer {
  func listImages(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    var result: [JSONValue] = []
    for image in try engine.images.list() {
      let tags = image.tags.compactMap { try? Reference(parsing: $0).familiarString }
      if let refs = filters["reference"], !refs.isEmpty {
        guard tags.contains(where: { tag in refs.contains { tag == $0 || tag.hasPrefix($0 + ":") } }) else { continue }
      }
      if filters["dangling"]?.first == "true", !tags.isEmpty { continue }
      let labels = (try? engine.images.config(of: image).config?.labels) ?? nil
      result.append([
        "Id": .string(image.id.description), "ParentId": "", "RepoTags": .array(tags.map { .string($0) }),
        "RepoDigests": [], "Created": .int(Int64(Timestamp.parse(image.created)?.timeIntervalSince1970 ?? 0)),
        "Size": .int(image.size), "SharedSize": -1, "VirtualSize": .int(image.size),
        "Labels": .object((labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }),
        "Containers": -1,
      ])
    }
    out.json(.array(result))
  }

  func inspectImage(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    out.json(encoding: try engine.images.inspect(name))
  }

  func imageHistory(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    let entries = try engine.images.history(name)
    out.json(
      .array(
        entries.map {
          [
            "Id": .string($0.id), "Created": .int(Int64(Timestamp.parse($0.created)?.timeIntervalSince1970 ?? 0)),
            "CreatedBy": .string($0.createdBy), "Tags": [], "Size": .int($0.size), "Comment": .string($0.comment),
          ]
        }))
  }

  func tagImage(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    guard let repo = r.query["repo"], !repo.isEmpty else {
      throw BerthError.invalid("repository name must have at least one component")
    }
    let tag = r.query["tag"].flatMap { $0.isEmpty ? nil : $0 }
    try engine.images.tag(name, tag.map { repo + ":" + $0 } ?? repo)
    out.send(.created)
  }

  func removeImage(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    let lines = try engine.images.remove(name, force: r.flag("force"))
    out.json(
      .array(
        lines.map { line in
          let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
          return .object([(parts[0], .string(parts.count > 1 ? parts[1] : ""))])
        }))
  }

  /// `GET /images/get?names=…` and `/images/{name}/get`: the archive streamed from a saver thread.
  func saveImages(_ r: APIRequest, _ out: Responder, names: [String]) throws {
    guard !names.isEmpty else { throw BerthError.invalid("no images given") }
    for name in names { _ = try engine.images.resolve(name) }
    let images = engine.images
    streamFromWriter(out, contentType: "application/x-tar") { try images.save(names, to: $0) }
  }

  /// `POST /images/prune`: dangling images (with `dangling=false`, every image) that no
  /// container uses.
  func pruneImages(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    let all = filters["dangling"]?.first.map { $0 == "false" || $0 == "0" } ?? false
    let used = Set(try engine.containers.list(all: true).map(\.imageID))
    var deleted: [JSONValue] = []
    var reclaimed: Int64 = 0
    for image in try engine.images.list() where !used.contains(image.id) && (all || image.tags.isEmpty) {
      guard let lines = try? engine.images.remove(image.id.description, force: true) else { continue }
      reclaimed += image.size
      for line in lines {
        if line.hasPrefix("Untagged: ") { deleted.append(["Untagged": .string(String(line.dropFirst(10)))]) }
        if line.hasPrefix("Deleted: ") { deleted.append(["Deleted": .string(String(line.dropFirst(9)))]) }
      }
    }
    out.json(["ImagesDeleted": deleted.isEmpty ? .null : .array(deleted), "SpaceReclaimed": .int(reclaimed)])
  }

  /// `POST /images/load`: the archive body, then Docker's JSON messages.
  func loadImages(_ r: APIRequest, _ out: Responder) throws {
    let path = try bodyPath(r)
    defer { if r.bodyFile == nil { unlink(path) } }
    let lines: [String]
    do {
      lines = try engine.images.load(from: path)
    } catch {
      // As dockerd: a 200 whose JSON stream carries the error (clients read it as the load's).
      let message = APIError.message(of: error)
      out.startStream(contentType: "application/json")
      out.writeJSON(["errorDetail": ["message": .string(message)], "error": .string(message)])
      _ = try? out.endStream().wait()
      return
    }
    if r.flag("quiet") {
      out.json(["stream": .string(lines.map { $0 + "\n" }.joined())])
      return
    }
    out.startStream(contentType: "application/json")
    for line in lines { out.writeJSON(["stream": .string(line + "\n")]) }
    _ = try? out.endStream().wait()
  }

  /// `POST /images/create?fromSrc=-&repo=…&tag=…&message=…&changes=…`: `docker import`.
  func createImage(_ r: APIRequest, _ out: Responder) throws {
    guard let source = r.query["fromSrc"] else { return try pullImage(r, out) }
    guard source == "-" else { throw BerthError.invalid("only fromSrc=- (the request body) is supported") }
    let path = try bodyPath(r)
    defer { if r.bodyFile == nil { unlink(path) } }
    var reference = r.query["repo"].flatMap { $0.isEmpty ? nil : $0 }
    if let ref = reference, let tag = r.query["tag"], !tag.isEmpty { reference = ref + ":" + tag }
    let id = try engine.images.importArchive(
      path: path, reference: reference, changes: r.queryAll("changes"), message: r.query["message"])
    out.startStream(contentType: "application/json")
    out.writeJSON(["status": .string(id.description)])
    _ = try? out.endStream().wait()
  }

  /// The request body as a file: the spilled one, or the in-memory body written out.
  func bodyPath(_ r: APIRequest) throws -> String {
    if let file = r.bodyFile { return file }
    let path = temporaryDirectory + "/body-\(UUID().uuidString)"
    guard FileManager.default.createFile(atPath: path, contents: Data(r.body)) else {
      throw BerthError.internal("cannot store the request body in \(temporaryDirectory)")
    }
    return path
  }
}
