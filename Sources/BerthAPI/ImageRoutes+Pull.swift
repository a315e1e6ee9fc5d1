import BerthEngine
import BerthOCI
import BerthTemplate
import Foundation

extension APIServer {
  /// `POST /images/create?fromImage=…&tag=…&platform=…`: `docker pull`, streaming Docker's JSON
  /// progress messages (`status`, `id`, `progressDetail`, `progress`); a failure after the
  /// stream started is an `errorDetail` message, as dockerd sends it. `X-Registry-Auth` (base64
  /// JSON with `username` and `password`) takes the place of stored credentials.
  func pullImage(_ r: APIRequest, _ out: Responder) throws {
    guard var name = r.query["fromImage"], !name.isEmpty else {
      throw BerthError.invalid("fromImage or fromSrc is required")
    }
    if let tag = r.query["tag"], !tag.isEmpty {
      name += (tag.hasPrefix("sha256:") ? "@" : ":") + tag
    }
    let platform = try r.query["platform"].flatMap { $0.isEmpty ? nil : try Platform(parsing: $0) }
    var options = RegistryOptions()
    if let header = r.headers.first(name: "X-Registry-Auth"), !header.isEmpty {
      let padded = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
      let data = Data(base64Encoded: padded + String(repeating: "=", count: (4 - padded.count % 4) % 4))
      if let data, let auth = try? JSONDecoder().decode(RegistryAuthHeader.self, from: data),
        let user = auth.username, let password = auth.password, !user.isEmpty
      {
        options.useCredentials(username: user, password: password)
      }
    }
    let reference: Reference
    do {
      reference = try Reference(parsing: name)
    } catch {
      throw BerthError.invalid(error.description)
    }
    let images = engine.images
    out.startStream(contentType: "application/json")
    out.writeJSON([
      "status": .string("Pulling from \(reference.familiarName)"),
      "id": .string(reference.digest?.description ?? reference.tag ?? Reference.defaultTag),
    ])
    let pullName = name
    let options_ = options
    do {
      _ = try runBlocking {
        try await images.pull(pullName, platform: platform, options: options_) { event in
          out.writeJSON(APIServer.progressMessage(event))
        }
      }
    } catch {
      let message = (error as? BerthError)?.message ?? "\(error)"
      out.writeJSON(["errorDetail": .object([("message", .string(message))]), "error": .string(message)])
    }
    _ = try? out.endStream().wait()
  }

  /// Docker's JSON progress message for a transfer event.
  static func progressMessage(_ event: TransferEvent) -> JSONValue {
    switch event {
    case .status(let line):
      return ["status": .string(line)]
    case .layer(let id, let status, let current, let total):
      var detail: [(key: String, value: JSONValue)] = []
      var fields: [(key: String, value: JSONValue)] = [("status", .string(status))]
      if let current, let total {
        detail = [("current", .int(current)), ("total", .int(total))]
        fields.append(("progressDetail", .object(detail)))
        let width = 50
        let filled = total > 0 ? Int(Double(width) * Double(min(current, total)) / Double(total)) : 0
        let bar = String(repeating: "=", count: max(0, filled - 1)) + (filled < width ? ">" : "=")
        fields.append(("progress", .string("[\(bar)\(String(repeating: " ", count: max(0, width - bar.count)))]")))
      } else {
        fields.append(("progressDetail", .object([])))
      }
      fields.append(("id", .string(id)))
      return .object(fields)
    }
  }
}

/// The `X-Registry-Auth` header's JSON.
struct RegistryAuthHeader: Decodable {
  var username: String?
  var password: String?
  var serveraddress: String?
}
