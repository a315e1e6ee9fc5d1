import ArgumentParser
import BerthEngine
import BerthOCI
import BerthTemplate
import Foundation

/// The options of the inspect commands.
struct InspectOptions: ParsableArguments {
  @Option(name: [.short, .long], help: "Format output using a custom template") var format: String?
  @Argument(help: "Names or IDs") var names: [String]
}

/// What `inspect` looks at.
enum InspectKind { case any, image, container }

extension InspectOptions {
  /// Prints the inspect documents of names, as JSON or through the template.
  func print(_ kind: InspectKind) throws {
    let engine = try CLI.engine()
    try Self.printDocuments(of: names, format: format) { name in
      switch kind {
      case .image: return try JSONValue(encoding: engine.images.inspect(name))
      case .container: return try JSONValue(encoding: engine.containers.inspect(name))
      case .any:
        if let c = try? engine.containers.inspect(name) { return try JSONValue(encoding: c) }
        if let i = try? engine.images.inspect(name) { return try JSONValue(encoding: i) }
        throw BerthError.notFound("No such object: \(name)")
      }
    }
  }

  /// Prints the documents of names (`document` for each) as Docker's indented JSON array or
  /// through the template; names that are not found are reported after, with exit status 1.
  static func printDocuments(of names: [String], format: String?, document: (String) throws -> JSONValue) throws {
    var values: [JSONValue] = []
    var missing: [String] = []
    for name in names {
      do {
        values.append(try document(name))
      } catch let error as BerthError where error.kind == .notFound {
        missing.append(error.message)
      }
    }
    if let format {
      Swift.print(try Format.render(format, values), terminator: "")
    } else {
      Swift.print(Format.indented(.array(values)))
    }
    if !missing.isEmpty {
      for m in missing { printError("Error: \(m)\n") }
      throw ExitCode(1)
    }
  }
}

/// `berth inspect`.
struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Return low-level information on Docker objects")
  @Option(name: .long, help: "Only inspect objects of the given type (container, image)") var type: String?
  @OptionGroup var options: InspectOptions
  func run() throws {
    switch type {
    case nil: try options.print(.any)
    case "image": try options.print(.image)
    case "container": try options.print(.container)
    case let t?: throw BerthError.invalid("\"\(t)\" is not a valid value for --type")
    }
  }
}

/// `berth image inspect`.
struct ImageInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Display detailed information on one or more images")
  @OptionGroup var options: InspectOptions
  func run() throws { try options.print(.image) }
}

/// `berth container inspect`.
struct ContainerInspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Display detailed information on one or more containers")
  @OptionGroup var options: InspectOptions
  func run() throws { try options.print(.container) }
}
