import BerthEngine
import BerthOCI
import BerthSystem
import BerthTemplate
import Foundation

/// `GET /system/df`: images, containers (with their writable layers' size) and volumes (with
/// their size and users), as `docker system df` reads them.
extension APIServer {
  func diskUsage(_ r: APIRequest, _ out: Responder) throws {
    let containers = try engine.containers.list(all: true)
    var images: [JSONValue] = []
    var layersSize: Int64 = 0
    for image in try engine.images.list() {
      let tags = image.tags.compactMap { try? Reference(parsing: $0).familiarString }
      let users = containers.filter { $0.imageID == image.id }.count
      layersSize += image.size
      images.append([
        "Id": .string(image.id.description), "ParentId": "", "RepoTags": .array(tags.map { .string($0) }),
        "RepoDigests": [], "Created": .int(Int64(Timestamp.parse(image.created)?.timeIntervalSince1970 ?? 0)),
        "Size": .int(image.size), "SharedSize": 0, "VirtualSize": .int(image.size), "Labels": [:],
        "Containers": .int(Int64(users)),
      ])
    }
    let summaries: [JSONValue] = containers.map { c in
      guard case .object(var fields) = summary(c) else { return summary(c) }
      let rw = FileSystem.diskUsage(engine.paths.container(c.id) + "/upper")
      let image = (try? engine.images.resolve(c.imageID.description))?.size ?? 0
      fields.append((key: "SizeRw", value: .int(rw)))
      fields.append((key: "SizeRootFs", value: .int(rw + image)))
      return .object(fields)
    }
    var volumes: [JSONValue] = []
    for v in try engine.volumes.list() {
      let doc = try JSONValue(encoding: engine.volumes.inspect(v.name))
      guard case .object(var fields) = doc else { continue }
      let size = FileSystem.diskUsage(engine.volumes.dataPath(v.name))
      fields.append((key: "UsageData", value: ["Size": .int(size), "RefCount": .int(Int64(v.users.count))]))
      volumes.append(.object(fields))
    }
    out.json([
      "LayersSize": .int(layersSize), "Images": .array(images), "Containers": .array(summaries),
      "Volumes": .array(volumes), "BuildCache": [],
    ])
  }
}
