import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth history`.
struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "history", abstract: "Show the history of an image")
  @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
  @Flag(name: [.short, .long], help: "Only show image IDs") var quiet = false
  @Flag(
    name: [.customShort("H"), .long], inversion: .prefixedNo, help: "Print sizes and dates in human readable format")
  var human = true
  @Argument(help: "Image") var image: String

  func run() throws {
    let rows = try CLI.engine().images.history(image)
    if quiet {
      for r in rows { print(noTrunc || r.id == "<missing>" ? r.id : String(r.id.dropFirst(7).prefix(12))) }
      return
    }
    var table = Table(header: ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"])
    for r in rows {
      let id = noTrunc || r.id == "<missing>" ? r.id : String(r.id.dropFirst(7).prefix(12))
      var by = r.createdBy
      if !noTrunc && by.count > 45 { by = String(by.prefix(44)) + "…" }
      table.append([
        id, human ? Human.ago(r.created) : r.created, by, human ? Human.size(r.size) : "\(r.size)", r.comment,
      ])
    }
    print(table.render(), terminator: "")
  }
}
