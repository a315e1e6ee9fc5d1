import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// The options of `images` and `image ls`.
struct ImagesOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Show all images (default hides intermediate images)") var all = false
  @Flag(name: [.short, .long], help: "Only show image IDs") var quiet = false
  @Flag(name: .long, help: "Show digests") var digests = false
  @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
  @Argument(help: "Repository to list") var repository: String?
}

/// `berth images`.
struct ImagesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "images", abstract: "List images")
  @OptionGroup var options: ImagesOptions
  func run() throws { try Self.list(options) }

  /// Prints images as Docker does: one row per tag, `<none>` for untagged images.
  static func list(_ o: ImagesOptions) throws {
    let engine = try CLI.engine()
    var rows: [(repo: String, tag: String, image: ImageRecord)] = []
    for image in try engine.images.list() {
      if image.tags.isEmpty {
        rows.append(("<none>", "<none>", image))
        continue
      }
      for t in image.tags {
        guard let ref = try? Reference(parsing: t) else { continue }
        rows.append((ref.familiarName, ref.tag ?? "<none>", image))
      }
    }
    if let repo = o.repository {
      let wanted = try? Reference(parsing: repo)
      rows = rows.filter { $0.repo == (wanted?.familiarName ?? repo) && (wanted?.tag == nil || $0.tag == wanted?.tag) }
    }
    if o.quiet {
      var seen = Set<String>()
      for r in rows where seen.insert(r.image.id.description).inserted {
        print(o.noTrunc ? r.image.id.description : r.image.id.shortID)
      }
      return
    }
    var header = ["REPOSITORY", "TAG"]
    if o.digests { header.append("DIGEST") }
    header += ["IMAGE ID", "CREATED", "SIZE"]
    var table = Table(header: header)
    for r in rows {
      var row = [r.repo, r.tag]
      if o.digests {
        let digests = (try? engine.images.repoDigests(of: r.image)) ?? []
        row.append(digests.first { $0.hasPrefix(r.repo + "@") }.map { String($0.split(separator: "@")[1]) } ?? "<none>")
      }
      row += [
        o.noTrunc ? r.image.id.description : r.image.id.shortID, Human.ago(r.image.created), Human.size(r.image.size),
      ]
      table.append(row)
    }
    print(table.render(), terminator: "")
  }
}

/// `berth image ls`.
struct ImageListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ls", abstract: "List images", aliases: ["list"])
  @OptionGroup var options: ImagesOptions
  func run() throws { try ImagesCommand.list(options) }
}
