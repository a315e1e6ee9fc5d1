import BerthEngine
import BerthOCI
import BerthTemplate
import CBerth
import Foundation
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// A container's files: archive HEAD/GET/PUT (`docker cp`) and export.
extension APIServer {
  /// `HEAD /containers/{id}/archive?path=`: the path's status in `X-Docker-Container-Path-Stat`.
  func statArchive(_ r: APIRequest, _ out: Responder, _ ref: String) {
    do {
      let stat = try pathStat(r, ref)
      out.send(.ok, extraHeaders: [("X-Docker-Container-Path-Stat", Self.statHeader(stat))])
    } catch {
      // A HEAD answer has no body, errors included.
      out.send(APIError.status(of: error))
    }
  }

  /// `GET /containers/{id}/archive?path=`: a tar of the path, its status in a header.
  func getArchive(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let stat = try pathStat(r, ref)
    let path = r.query["path"] ?? ""
    let containers = engine.containers
    let id = try engine.containers.get(ref).id
    streamFromWriter(
      out, contentType: "application/x-tar", headers: [("X-Docker-Container-Path-Stat", Self.statHeader(stat))]
    ) { fd in
      try containers.copy(from: id, path: path, to: "-", stdout: fd)
    }
  }

  /// `PUT /containers/{id}/archive?path=`: extracts the tar body into the directory path.
  func putArchive(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    guard let path = r.query["path"], !path.isEmpty else { throw BerthError.invalid("path is required") }
    let c = try engine.containers.get(ref)
    guard let stat = try? engine.containers.pathStat(c.id, path: path) else {
      throw BerthError.notFound("Could not find the file \(path) in container \(ref)")
    }
    guard stat.isDirectory else { throw BerthError.invalid("extraction point is not a directory") }
    let file = try bodyPath(r)
    defer { if r.bodyFile == nil { unlink(file) } }
    let fd = open(file, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw BerthError.internal("cannot read the request body") }
    defer { close(fd) }
    var options = CopyOptions()
    options.archive = r.flag("copyUIDGID")
    try engine.containers.copy(to: c.id, path: path, from: "-", options: options, stdin: fd)
    out.send(.ok)
  }

  /// `GET /containers/{id}/export`: a tar of the container's filesystem.
  func exportContainer(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let id = try engine.containers.get(ref).id
    let containers = engine.containers
    streamFromWriter(out, contentType: "application/x-tar") { fd in try containers.export(id, to: fd) }
  }

  private func pathStat(_ r: APIRequest, _ ref: String) throws -> ContainerPathStat {
    guard let path = r.query["path"], !path.isEmpty else { throw BerthError.invalid("path is required") }
    _ = try engine.containers.get(ref)
    do {
      return try engine.containers.pathStat(ref, path: path)
    } catch let e as BerthError where e.kind == .notFound {
      throw BerthError.notFound("Could not find the file \(path) in container \(ref)")
    }
  }

  /// Docker's stat header: base64 of `{"name","size","mode","mtime","linkTarget"}`.
  static func statHeader(_ s: ContainerPathStat) -> String {
    let doc: JSONValue = [
      "name": .string(s.name), "size": .int(s.size), "mode": .int(Int64(s.mode)), "mtime": .string(s.modified),
      "linkTarget": .string(s.linkTarget),
    ]
    return Data(doc.jsonString(escapeHTML: false).utf8).base64EncodedString()
  }

  /// Streams what produce writes to a pipe as the response body (chunked).
  func streamFromWriter(
    _ out: Responder, contentType: String, headers: [(String, String)] = [],
    produce: @escaping @Sendable (Int32) throws -> Void
  ) {
    var fds: [Int32] = [-1, -1]
    guard berth_pipe(&fds) == 0 else {
      out.fail(BerthError.internal("pipe: \(String(cString: strerror(errno)))"))
      return
    }
    let writer = fds[1]
    let thread = Thread {
      try? produce(writer)
      close(writer)
    }
    thread.start()
    out.startStream(contentType: contentType, headers: headers)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      if !out.write(Array(buffer[0..<n])) { break }
    }
    close(fds[0])
    _ = try? out.endStream().wait()
  }
}
