import ArgumentParser
import BerthEngine
import BerthOCI

/// `berth cp [-a] [-L] CONTAINER:SRC_PATH DEST_PATH|-` and `berth cp SRC_PATH|- CONTAINER:DEST_PATH`.
struct CpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cp", abstract: "Copy files/folders between a container and the local filesystem",
    discussion: """
      Use '-' as the source to read a tar archive from stdin and extract it to a directory destination in a \
      container. Use '-' as the destination to stream a tar archive of a container source to stdout.
      """)
  @Flag(name: [.short, .customLong("archive")], help: "Archive mode (copy all uid/gid information)")
  var archive = false
  @Flag(name: [.customShort("L"), .customLong("follow-link")], help: "Always follow symbol link in SRC_PATH")
  var followLink = false
  @Argument(help: "CONTAINER:SRC_PATH or SRC_PATH|-") var source: String
  @Argument(help: "DEST_PATH|- or CONTAINER:DEST_PATH") var destination: String

  func run() throws {
    var options = CopyOptions()
    options.archive = archive
    options.followLink = followLink
    let engine = try CLI.engine()
    switch (Self.split(source), Self.split(destination)) {
    case (.some, .some):
      throw BerthError.invalid("copying between containers is not supported")
    case (nil, nil):
      throw BerthError.invalid("must specify at least one container source")
    case (let (container, path)?, nil):
      try Self.reportingPath(container, path) {
        try engine.containers.copy(from: container, path: path, to: destination, options: options)
      }
    case (nil, let (container, path)?):
      try Self.reportingPath(container, path) {
        try engine.containers.copy(to: container, path: path, from: source, options: options)
      }
    }
  }

  /// `CONTAINER:PATH`, or nil for a local path (one starting with `/` or `.`, or without `:`),
  /// as Docker's CLI splits them.
  static func split(_ arg: String) -> (String, String)? {
    if arg.hasPrefix("/") || arg.hasPrefix(".") { return nil }
    guard let colon = arg.firstIndex(of: ":") else { return nil }
    return (String(arg[..<colon]), String(arg[arg.index(after: colon)...]))
  }

  /// The CLI names a missing container path `container:path`, as Docker's does.
  static func reportingPath(_ container: String, _ path: String, _ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as BerthError where error.kind == .notFound && error.message.hasPrefix("Could not find the file")
    {
      throw BerthError.notFound("No such container:path: \(container):\(path)")
    }
  }
}
