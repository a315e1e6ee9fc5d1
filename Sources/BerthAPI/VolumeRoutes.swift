import BerthEngine
import BerthOCI
import BerthTemplate
import Foundation

/// Volume routes: list, create, inspect, remove, prune.
extension APIServer {
  struct VolumeCreateBody: Decodable {
    var Name: String?
    var Driver: String?
    var Labels: [String: String]?
  }

  func listVolumes(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    let docs = try engine.volumes.list().filter { v in
      filters.allSatisfy { key, values in
        values.isEmpty || Self.volumeMatches(v, key: key, values: values)
      }
    }.map { try engine.volumes.inspect($0.name) }
    let encoder = JSONEncoder()
    let data = try encoder.encode(docs)
    let volumes = try JSONDecoder().decode(JSONValue.self, from: data)
    out.json(["Volumes": volumes, "Warnings": []])
  }

  /// Docker's volume filters: name (substring), driver, label, dangling.
  static func volumeMatches(_ v: VolumeRecord, key: String, values: [String]) -> Bool {
    switch key {
    case "name": return values.contains { v.name.contains($0) }
    case "driver": return values.contains(v.driver)
    case "dangling":
      let dangling = values.contains { $0 == "true" || $0 == "1" }
      return v.users.isEmpty == dangling
    case "label":
      return values.allSatisfy { f in
        let kv = f.split(separator: "=", maxSplits: 1).map(String.init)
        return kv.count == 1 ? v.labels[kv[0]] != nil : v.labels[kv[0]] == kv[1]
      }
    default: return true
    }
  }

  func createVolume(_ r: APIRequest, _ out: Responder) throws {
    let body = try r.decode(VolumeCreateBody.self)
    if let driver = body.Driver, !driver.isEmpty, driver != "local" {
      throw BerthError.notFound("plugin \"\(driver)\" not found")
    }
    let v = try engine.volumes.create(name: body.Name.flatMap { $0.isEmpty ? nil : $0 }, labels: body.Labels ?? [:])
    out.json(encoding: try engine.volumes.inspect(v.name), status: .created)
  }

  func inspectVolume(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    out.json(encoding: try engine.volumes.inspect(name))
  }

  func removeVolume(_ r: APIRequest, _ out: Responder, _ name: String) throws {
    try engine.volumes.remove(name, force: r.flag("force"))
    out.send(.noContent)
  }

  func pruneVolumes(_ r: APIRequest, _ out: Responder) throws {
    let filters = try r.filters()
    // Before API 1.42, prune removed every unused volume, named ones too (as dockerd keeps it).
    let (names, reclaimed) = try engine.volumes.prune(
      all: r.versionBefore(1, 42) || filters["all"]?.first == "true" || filters["all"]?.first == "1")
    out.json(["VolumesDeleted": .array(names.map { .string($0) }), "SpaceReclaimed": .int(reclaimed)])
  }
}
