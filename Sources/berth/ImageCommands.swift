import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth import`.
struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import", abstract: "Import the contents from a tarball to create a filesystem image")

  @Option(name: [.short, .long], help: "Apply Dockerfile instruction to the created image") var change: [String] = []
  @Option(name: [.short, .long], help: "Set commit message for imported image") var message: String?
  @Argument(help: "file|- [REPOSITORY[:TAG]]") var source: String
  @Argument(help: "Repository and tag") var reference: String?

  func run() throws {
    let engine = try CLI.engine()
    let id = try engine.images.importArchive(path: source, reference: reference, changes: change, message: message)
    print(id)
  }
}

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
      if o.digests { row.append("<none>") }
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

/// `berth tag`.
struct TagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
  @Argument(help: "SOURCE_IMAGE[:TAG]") var source: String
  @Argument(help: "TARGET_IMAGE[:TAG]") var target: String
  func run() throws { try CLI.engine().images.tag(source, target) }
}

/// The options of `rmi` and `image rm`.
struct RmiOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Force removal of the image") var force = false
  @Flag(name: .customLong("no-prune"), help: "Do not delete untagged parents") var noPrune = false
  @Argument(help: "Images") var images: [String]
}

/// `berth rmi`.
struct RmiCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rmi", abstract: "Remove one or more images")
  @OptionGroup var options: RmiOptions
  func run() throws { try Self.remove(options) }

  static func remove(_ o: RmiOptions) throws {
    let engine = try CLI.engine()
    var failed = false
    for name in o.images {
      do {
        for line in try engine.images.remove(name, force: o.force) { print(line) }
      } catch let error as BerthError {
        printError("Error response from daemon: \(error.message)\n")
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }
}

/// `berth image rm`.
struct ImageRmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rm", abstract: "Remove one or more images", aliases: ["remove"])
  @OptionGroup var options: RmiOptions
  func run() throws { try RmiCommand.remove(options) }
}

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
