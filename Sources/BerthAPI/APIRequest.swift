import BerthOCI
import Foundation
import NIOHTTP1

/// One Engine API request, read whole: method, path without the version prefix, query, body.
struct APIRequest: Sendable {
  /// The method.
  var method: HTTPMethod
  /// The path without `/v1.NN`, e.g. `/containers/abc/start`.
  var path: String
  /// The API version the client asked for in the path (nil: unversioned).
  var version: String?
  /// Query parameters (the last value of each name).
  var query: [String: String]
  /// Query parameters in order, repeated names included.
  var queryPairs: [(String, String)]
  /// Request headers.
  var headers: HTTPHeaders
  /// The body when it was small enough to keep in memory.
  var body: [UInt8]
  /// The body's file when it was large (build contexts, image archives); nil otherwise.
  var bodyFile: String?

  /// Splits a request target into the unversioned path, version and query.
  init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: [UInt8], bodyFile: String?) {
    self.method = method
    self.headers = headers
    self.body = body
    self.bodyFile = bodyFile
    let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    var path = String(parts.first ?? "")
    var version: String?
    if path.hasPrefix("/v"), let slash = path.dropFirst().firstIndex(of: "/") {
      let v = String(path[path.index(path.startIndex, offsetBy: 2)..<slash])
      if !v.isEmpty, v.allSatisfy({ $0.isNumber || $0 == "." }) {
        version = v
        path = String(path[slash...])
      }
    }
    self.path = path.removingPercentEncoding ?? path
    self.version = version
    var query: [String: String] = [:]
    var pairs: [(String, String)] = []
    if parts.count > 1 {
      for pair in parts[1].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[0])
        let raw = kv.count > 1 ? String(kv[1]) : ""
        let value = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        // The first value of a repeated parameter, as Go's FormValue (docker-py repeats
        // `dockerfile` for a Dockerfile outside the context).
        if query[key] == nil { query[key] = value }
        pairs.append((key, value))
      }
    }
    self.query = query
    queryPairs = pairs
  }

  /// Every value of a repeated query parameter.
  func queryAll(_ name: String) -> [String] { queryPairs.filter { $0.0 == name }.map(\.1) }

  /// The path's segments: `/containers/abc/start` → `["containers", "abc", "start"]`.
  var segments: [String] { path.split(separator: "/").map(String.init) }

  /// Whether the client asked for an API version older than major.minor (unversioned paths
  /// get the current version).
  func versionBefore(_ major: Int, _ minor: Int) -> Bool {
    guard let version else { return false }
    let parts = version.split(separator: ".").map { Int($0) ?? 0 }
    let given = (parts.first ?? 0, parts.count > 1 ? parts[1] : 0)
    return given < (major, minor)
  }

  /// A boolean query parameter as Docker reads them (`1`, `true`, `True`; absent is false).
  func flag(_ name: String) -> Bool {
    guard let v = query[name]?.lowercased() else { return false }
    return v == "1" || v == "true" || v == "yes"
  }

  /// An integer query parameter; a malformed one is a 400.
  func int(_ name: String) throws -> Int? {
    guard let v = query[name], !v.isEmpty else { return nil }
    guard let n = Int(v) else { throw BerthError.invalid("invalid value for \(name): \(v)") }
    return n
  }

  /// Decodes the JSON body; an empty body decodes as `{}`, a malformed one is a 400.
  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    var bytes = body.isEmpty ? Array("{}".utf8) : body
    if let bodyFile {
      // A body above the memory limit was spilled to a file: JSON is read back up to its limit.
      var st = stat()
      guard stat(bodyFile, &st) == 0, Int(st.st_size) <= HTTPHandler.jsonLimit,
        let data = FileManager.default.contents(atPath: bodyFile)
      else { throw BerthError.invalid("request body too large: JSON bodies are limited to 16 MiB") }
      bytes = Array(data)
    }
    do {
      return try JSONDecoder().decode(type, from: Data(bytes))
    } catch {
      throw BerthError.invalid("invalid JSON: \(Self.describe(error))")
    }
  }

  /// Docker's `filters` query parameter: `{"name": {"web": true}}` or `{"name": ["web"]}`.
  func filters() throws -> [String: [String]] {
    guard let text = query["filters"], !text.isEmpty else { return [:] }
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw BerthError.invalid("invalid filter '\(text)'")
    }
    var result: [String: [String]] = [:]
    for (key, value) in object {
      if let list = value as? [String] {
        result[key] = list
      } else if let map = value as? [String: Any] {
        result[key] = map.keys.sorted()
      } else {
        throw BerthError.invalid("invalid filter '\(key)'")
      }
    }
    return result
  }

  static func describe(_ error: any Error) -> String {
    switch error {
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c),
      DecodingError.dataCorrupted(let c):
      let path = c.codingPath.map(\.stringValue).joined(separator: ".")
      return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
    case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
    default: return "\(error)"
    }
  }
}
