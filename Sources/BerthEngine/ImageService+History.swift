import BerthImage
import BerthOCI

/// One row of `docker history`.
public struct HistoryEntry: Sendable {
  /// The image id for the newest row, `<missing>` for the others.
  public var id: String
  public var created: String
  public var createdBy: String
  public var size: Int64
  public var comment: String
}

extension ImageService {
  /// The image's history, newest first, with each layer's size.
  public func history(_ name: String) throws -> [HistoryEntry] {
    let image = try resolve(name)
    let config = try self.config(of: image)
    let chains = LayerStore.chainIDs(diffIDs: config.rootfs.diffIDs)
    var layerIndex = 0
    var rows: [HistoryEntry] = []
    let history = config.history ?? config.rootfs.diffIDs.map { _ in ImageConfig.History(created: config.created) }
    for h in history {
      var size: Int64 = 0
      if h.emptyLayer != true, layerIndex < chains.count {
        size = layerSize(chains[layerIndex])
        layerIndex += 1
      }
      rows.append(
        HistoryEntry(
          id: "<missing>", created: h.created ?? "", createdBy: h.createdBy ?? "", size: size, comment: h.comment ?? "")
      )
    }
    rows.reverse()
    if !rows.isEmpty { rows[0].id = image.id.description }
    return rows
  }
}
