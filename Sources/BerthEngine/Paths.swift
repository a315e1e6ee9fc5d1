/// The layout of the data root and exec root (see design.md).
public struct Paths: Sendable {
  /// `--data-root` (`/var/lib/berth`).
  public let dataRoot: String
  /// `--exec-root` (`/run/berth`).
  public let execRoot: String

  /// Paths under the given roots.
  public init(dataRoot: String, execRoot: String) {
    self.dataRoot = dataRoot
    self.execRoot = execRoot
  }

  var content: String { dataRoot + "/content" }
  var layers: String { dataRoot + "/layers" }
  var containers: String { dataRoot + "/containers" }
  var tmp: String { dataRoot + "/tmp" }
  var database: String { dataRoot + "/berth.db" }
  var volumes: String { dataRoot + "/volumes" }

  /// A container's directory.
  public func container(_ id: String) -> String { "\(containers)/\(id)" }
}
