import BerthEngine
import BerthImage
import BerthOCI
import BerthSystem
import BerthTemplate
import CBerth
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `POST /build`: the legacy builder. The body is the context as a tar; the query carries `t`,
/// `dockerfile`, `buildargs`, `nocache`, `labels`, `target`, `q`, `networkmode`. The output is
/// Docker's JSON messages: `{"stream": …}` lines, `{"aux": {"ID": …}}`, `{"error": …}`.
extension APIServer {
  func build(_ r: APIRequest, _ out: Responder) throws {
    let builder = try engine.builder()
    let archive = try bodyPath(r)
    defer { if r.bodyFile == nil { unlink(archive) } }
    let dir = temporaryDirectory + "/build-\(UUID().uuidString)"
    try FileSystem.makeDirectory(dir, mode: 0o700)
    defer { try? FileSystem.removeTree(dir) }
    if LayerArchive.isTarArchive(archive) {
      _ = try LayerArchive.extract(archive: archive, into: dir, whiteouts: false)
    } else {
      // A lone Dockerfile (`docker build - < Dockerfile`).
      try FileSystem.write(dir + "/Dockerfile", try FileSystem.read(archive))
    }
    let dockerfile = r.query["dockerfile"].flatMap { $0.isEmpty ? nil : $0 } ?? "Dockerfile"
    guard !dockerfile.contains("..") else { throw BerthError.invalid("invalid dockerfile path: \(dockerfile)") }
    let buildArgs = try Self.jsonMap(r.query["buildargs"], name: "buildargs")
    let prepared = try builder.prepareContext(dir, dockerfile: dir + "/" + dockerfile)
    defer { prepared.close() }
    var request = BuildRequest(plan: try builder.plan(prepared, buildArgs: buildArgs), contextDirectory: dir)
    request.contextFilter = prepared.filter
    request.tags = r.queryAll("t")
    request.buildArgs = buildArgs
    request.target = r.query["target"].flatMap { $0.isEmpty ? nil : $0 }
    request.noCache = r.flag("nocache")
    request.cacheFrom = try Self.jsonList(r.query["cachefrom"], name: "cachefrom")
    request.network = r.query["networkmode"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    for (k, v) in try Self.jsonMap(r.query["labels"], name: "labels") { request.labels[k] = v ?? "" }
    // docker-py sends `extrahosts` repeated as `host:ip`; the Docker CLI comma-joins them.
    request.addHosts = r.queryAll("extrahosts").flatMap { $0.split(separator: ",").map(String.init) }
      .filter { !$0.isEmpty }
    let quiet = r.flag("q")

    // RUN output goes to pipes whose readers turn it into stream messages; stderr in red, as
    // Docker's classic builder marks it.
    var fds: [Int32] = [-1, -1]
    var errFds: [Int32] = [-1, -1]
    guard berth_pipe(&fds) == 0 else { throw BerthError.internal("pipe: \(String(cString: strerror(errno)))") }
    guard berth_pipe(&errFds) == 0 else {
      close(fds[0])
      close(fds[1])
      throw BerthError.internal("pipe: \(String(cString: strerror(errno)))")
    }
    request.outputFD = quiet ? -1 : fds[1]
    request.errorFD = quiet ? nil : errFds[1]
    out.startStream(contentType: "application/json")
    let lock = NSLock()
    let done = DispatchSemaphore(value: 0)
    for (reader, colored) in [(fds[0], false), (errFds[0], true)] {
      let thread = Thread {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
          let n = buffer.withUnsafeMutableBytes { read(reader, $0.baseAddress, $0.count) }
          if n < 0 && errno == EINTR { continue }
          if n <= 0 { break }
          let text = String(decoding: buffer[0..<n], as: UTF8.self)
          lock.withLock { _ = out.writeJSON(["stream": .string(colored ? "\u{1b}[91m\(text)\u{1b}[0m" : text)]) }
        }
        done.signal()
      }
      thread.start()
    }
    let result: Result<Digest, any Error>
    // Docker sends the image's id before "Successfully built" and "Successfully tagged".
    let trailer = TrailerLines()
    do {
      result = .success(
        try builder.build(request) { event in
          guard !quiet, let text = Self.text(of: event) else { return }
          switch event {
          case .built, .tagged: trailer.append(text)
          default: lock.withLock { _ = out.writeJSON(["stream": .string(text)]) }
          }
        })
    } catch {
      result = .failure(error)
    }
    close(fds[1])
    close(errFds[1])
    done.wait()
    done.wait()
    close(fds[0])
    close(errFds[0])
    switch result {
    case .success(let id):
      out.writeJSON(["aux": ["ID": .string(id.description)]])
      for line in trailer.lines { out.writeJSON(["stream": .string(line)]) }
      if quiet { out.writeJSON(["stream": .string(id.description + "\n")]) }
    case .failure(let error):
      let message = APIError.message(of: error)
      // A failed RUN carries its exit code, as Docker's classic builder sends it.
      var detail: [(key: String, value: JSONValue)] = []
      if let range = message.range(of: "returned a non-zero code: "),
        let code = Int64(message[range.upperBound...].prefix { $0.isNumber })
      {
        detail.append((key: "code", value: .int(code)))
      }
      detail.append((key: "message", value: .string(message)))
      out.writeJSON(["errorDetail": .object(detail), "error": .string(message)])
    }
    _ = try? out.endStream().wait()
  }

  /// Docker's line for a build event, as `docker build` prints it.
  static func text(of event: BuildEvent) -> String? {
    switch event {
    case .step(let index, let total, let text): "Step \(index)/\(total) : \(text)\n"
    case .usingCache: " ---> Using cache\n"
    case .runningIn(let id): " ---> Running in \(id)\n"
    case .removingIntermediate(let id): "Removing intermediate container \(id)\n"
    case .stepImage(let id): " ---> \(id.shortID)\n"
    case .warning(let message): "[Warning] \(message)\n"
    case .executingTriggers(let n): "# Executing \(n) build trigger\(n == 1 ? "" : "s")\n"
    case .built(let id): "Successfully built \(id.shortID)\n"
    case .tagged(let name): "Successfully tagged \(name)\n"
    }
  }

  /// A JSON object query parameter (`buildargs`, `labels`): string values, null allowed.
  /// A JSON array of strings in a query parameter (`cachefrom`); empty when absent.
  static func jsonList(_ text: String?, name: String) throws -> [String] {
    guard let text, !text.isEmpty else { return [] }
    guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
      throw BerthError.invalid("invalid \(name): \(text)")
    }
    return list.compactMap { $0 as? String }
  }

  static func jsonMap(_ text: String?, name: String) throws -> [String: String?] {
    guard let text, !text.isEmpty else { return [:] }
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw BerthError.invalid("invalid \(name): \(text)")
    }
    var result: [String: String?] = [:]
    for (k, v) in object { result[k] = v as? String }
    return result
  }
}

/// Lines held back until the end of a build.
final class TrailerLines: @unchecked Sendable {
  private let lock = NSLock()
  private var held: [String] = []

  func append(_ line: String) { lock.withLock { held.append(line) } }
  var lines: [String] { lock.withLock { held } }
}
