import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth build`: Docker's classic builder output, daemonless.
struct BuildCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "build", abstract: "Build an image from a Dockerfile")

  @Option(name: [.short, .customLong("tag")], help: "Name and optionally a tag in the 'name:tag' format")
  var tags: [String] = []
  @Option(name: [.short, .customLong("file")], help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')")
  var file: String?
  @Option(name: .customLong("build-arg"), help: "Set build-time variables") var buildArgs: [String] = []
  @Option(name: .long, help: "Set the target build stage to build.") var target: String?
  @Flag(name: .customLong("no-cache"), help: "Do not use cache when building the image") var noCache = false
  @Flag(name: .long, help: "Always attempt to pull a newer version of the image")
  var pull = false
  @Option(name: .customLong("label"), help: "Set metadata for an image") var labels: [String] = []
  @Flag(name: [.short, .long], help: "Suppress the build output and print image ID on success") var quiet = false
  @Option(name: .customLong("iidfile"), help: "Write the image ID to the file") var iidFile: String?
  @Option(name: .long, help: "Set the networking mode for the RUN instructions during build") var network = "default"
  @Option(name: .customLong("add-host"), help: "Add a custom host-to-IP mapping (host:ip)")
  var addHosts: [String] = []
  @Option(name: .customLong("cache-from"), help: "Images to consider as cache sources") var cacheFrom: [String] = []
  @Flag(name: .customLong("rm"), help: "Remove intermediate containers after a successful build (always)")
  var remove = false
  @Argument(help: "PATH | -") var context: String

  func run() throws {
    let engine = try CLI.engine()
    let builder = try engine.builder()
    do {
      try build(builder)
    } catch let error as BerthError {
      printError(error.message + "\n")
      throw ExitCode(1)
    }
  }

  private func build(_ builder: BuildService) throws {
    var given: [String: String?] = [:]
    for arg in buildArgs {
      let parts = arg.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      given[parts[0]] = parts.count > 1 ? parts[1] : ProcessInfo.processInfo.environment[parts[0]]
    }
    let prepared = try builder.prepareContext(context, dockerfile: file)
    defer { prepared.close() }
    var request = BuildRequest(plan: try builder.plan(prepared, buildArgs: given), contextDirectory: prepared.directory)
    request.contextFilter = prepared.filter
    request.tags = tags
    request.buildArgs = given
    request.target = target
    request.noCache = noCache
    request.network = network
    request.addHosts = addHosts
    request.cacheFrom = cacheFrom
    request.outputFD = quiet ? -1 : 1
    request.pull = pull ? .always : .missing
    if !quiet { request.pullProgress = TransferPrinter().progress }
    for label in labels {
      let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      request.labels[parts[0]] = parts.count > 1 ? parts[1] : ""
    }
    if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(epoch) {
      request.sourceDateEpoch = seconds
    }
    let quiet = self.quiet
    if !quiet {
      // The CLI's progress line: the size right-aligned in eight columns (`%8v`).
      let size = BuildContext.humanSize(prepared.transferSize)
      let padded = String(repeating: " ", count: max(0, 8 - size.count)) + size
      Self.write("Sending build context to Docker daemon \(padded)\n")
    }
    let id = try builder.build(request) { event in
      guard !quiet else { return }
      Self.print(event)
    }
    if quiet { Self.write(id.description + "\n") }
    if let iidFile { try Data(id.description.utf8).write(to: URL(fileURLWithPath: iidFile)) }
  }

  /// Docker's classic builder lines.
  static func print(_ event: BuildEvent) {
    switch event {
    case .step(let index, let total, let text): write("Step \(index)/\(total) : \(text)\n")
    case .executingTriggers(let n): write("# Executing \(n) build trigger\(n == 1 ? "" : "s")\n")
    case .usingCache: write(" ---> Using cache\n")
    case .runningIn(let id): write(" ---> Running in \(id)\n")
    case .removingIntermediate(let id): write("Removing intermediate container \(id)\n")
    case .stepImage(let id): write(" ---> \(id.shortID)\n")
    case .warning(let message): write("[Warning] \(message)\n")
    case .built(let id): write("Successfully built \(id.shortID)\n")
    case .tagged(let name): write("Successfully tagged \(name)\n")
    }
  }

  /// Unbuffered, so lines interleave correctly with RUN output written to the same descriptor.
  static func write(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
  }
}
