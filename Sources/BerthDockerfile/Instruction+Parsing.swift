/// Typing a node (BuildKit's `instructions.ParseInstruction`): flags are checked against the
/// instruction's own, arguments counted, and errors worded as BuildKit words them.
extension Instruction {
  typealias Partial = LocatedMessage.Partial

  static let keywords = [
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
    "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
  ]

  /// Types `node`. Throws a ``DockerfileError`` at the node's first line.
  public init(node: DockerfileNode, file: String = "Dockerfile") throws(DockerfileError) {
    do {
      self = try Instruction(typing: node)
    } catch {
      throw DockerfileError(file: file, line: node.startLine, message: error.message)
    }
  }

  init(typing node: DockerfileNode) throws(Partial) {
    let arguments = node.arguments
    switch node.keyword {
    case "from":
      var flags = BuilderFlags(["platform": .string])
      try flags.parse(node.flags)
      self = .from(try Self.from(arguments, platform: flags.strings["platform"]))
    case "run":
      self = .run(try Self.run(node))
    case "cmd":
      try BuilderFlags.expectNone(node.flags)
      self = .cmd(try Self.commandForm(node, keyword: "CMD"))
    case "entrypoint":
      try BuilderFlags.expectNone(node.flags)
      self = .entrypoint(try Self.commandForm(node, keyword: "ENTRYPOINT"))
    case "copy":
      self = .copy(try Self.copy(node))
    case "add":
      self = .add(try Self.add(node))
    case "env":
      try BuilderFlags.expectNone(node.flags)
      self = .env(try Self.pairs(node, keyword: "ENV"))
    case "label":
      try BuilderFlags.expectNone(node.flags)
      self = .label(try Self.pairs(node, keyword: "LABEL"))
    case "arg":
      self = .arg(try Self.args(arguments))
    case "workdir":
      self = .workdir(try Self.exactlyOne(node, keyword: "WORKDIR"))
    case "user":
      self = .user(try Self.exactlyOne(node, keyword: "USER"))
    case "maintainer":
      self = .maintainer(try Self.exactlyOne(node, keyword: "MAINTAINER"))
    case "stopsignal":
      guard arguments.count == 1 else { throw Partial("STOPSIGNAL requires exactly one argument") }
      self = .stopSignal(arguments[0])
    case "expose":
      guard !arguments.isEmpty else { throw Partial("EXPOSE requires at least one argument") }
      try BuilderFlags.expectNone(node.flags)
      self = .expose(arguments.sorted { Array($0.utf8).lexicographicallyPrecedes($1.utf8) })
    case "volume":
      guard !arguments.isEmpty else { throw Partial("VOLUME requires at least one argument") }
      try BuilderFlags.expectNone(node.flags)
      self = .volume(try Self.volumes(arguments))
    case "shell":
      try BuilderFlags.expectNone(node.flags)
      guard !arguments.isEmpty else { throw Partial("SHELL requires at least one argument") }
      guard node.isJSON else { throw Partial("SHELL requires the arguments to be in JSON form") }
      self = .shell(arguments)
    case "healthcheck":
      self = .healthcheck(try Self.healthcheck(node))
    case "onbuild":
      self = .onbuild(try Self.onbuild(node))
    default:
      var message = "unknown instruction: \(node.command)"
      if let suggestion = Suggestion.closest(to: node.command, in: Instruction.keywords, caseSensitive: false) {
        message += " (did you mean \(suggestion)?)"
      }
      throw Partial(message)
    }
  }

  private static func exactlyOne(_ node: DockerfileNode, keyword: String) throws(Partial) -> String {
    guard node.arguments.count == 1 else { throw Partial("\(keyword) requires exactly one argument") }
    try BuilderFlags.expectNone(node.flags)
    return node.arguments[0]
  }

  private static func from(_ arguments: [String], platform: String?) throws(Partial) -> FromInstruction {
    if arguments.count == 3, arguments[1].lowercased() == "as" {
      let name = arguments[2].lowercased()
      guard isValidStageName(name) else {
        throw Partial(
          "invalid name for build stage: \(goQuoted(arguments[2])), name can't start with a number or contain symbols")
      }
      return FromInstruction(image: arguments[0], stageName: name, platform: platform)
    }
    guard arguments.count == 1 else { throw Partial("FROM requires either one or three arguments") }
    return FromInstruction(image: arguments[0], platform: platform)
  }

  /// `^[a-z][a-z0-9-_.]*$`.
  static func isValidStageName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first >= "a", first <= "z" else { return false }
    return name.unicodeScalars.allSatisfy {
      ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || "-_.".unicodeScalars.contains($0)
    }
  }

  private static func commandForm(_ node: DockerfileNode, keyword: String) throws(Partial) -> CommandForm {
    if node.isJSON { return .exec(node.arguments) }
    guard !node.arguments.isEmpty else { throw Partial("\(keyword) requires at least one argument") }
    return .shell(node.arguments.joined(separator: " "))
  }

  private static func run(_ node: DockerfileNode) throws(Partial) -> RunInstruction {
    var flags = BuilderFlags(["mount": .strings, "network": .string, "security": .string, "device": .strings])
    try flags.parse(node.flags)
    if let network = flags.strings["network"], !["default", "none", "host"].contains(network) {
      throw Partial("invalid network mode \(goQuoted(network))")
    }
    if let security = flags.strings["security"], !["sandbox", "insecure"].contains(security) {
      throw Partial("security \(goQuoted(security)) is not valid")
    }
    return RunInstruction(
      command: try commandForm(node, keyword: "RUN"), heredocs: node.heredocs, mounts: flags.lists["mount"] ?? [],
      network: flags.strings["network"], security: flags.strings["security"], devices: flags.lists["device"] ?? [])
  }

  private static func sourcesAndDestination(_ node: DockerfileNode, keyword: String) throws(Partial) -> (
    [String], [InlineSource], String
  ) {
    guard let destination = node.arguments.last, node.arguments.count >= 2 else {
      throw Partial(
        "\(keyword) requires at least two arguments, but only one was provided. Destination could not be determined")
    }
    if Heredoc.marker(destination) != nil { throw Partial("\(keyword) cannot accept a heredoc as a destination") }
    var sources: [String] = []
    var inline: [InlineSource] = []
    for source in node.arguments.dropLast() {
      if let marker = Heredoc.marker(source) {
        var body = node.heredocs.last { $0.name == marker.name } ?? marker
        body.stripsLeadingTabs = marker.stripsLeadingTabs
        inline.append(InlineSource(name: marker.name, content: body.strippedContent, expands: marker.expands))
      } else {
        sources.append(source)
      }
    }
    return (sources, inline, destination)
  }

  private static func copy(_ node: DockerfileNode) throws(Partial) -> CopyInstruction {
    guard node.arguments.count >= 2 else { return try sourcesAndDestinationFailure(node, keyword: "COPY") }
    var flags = BuilderFlags([
      "chown": .string, "from": .string, "chmod": .string, "link": .bool, "exclude": .strings, "parents": .bool,
    ])
    try flags.parse(node.flags)
    let (sources, inline, destination) = try sourcesAndDestination(node, keyword: "COPY")
    return CopyInstruction(
      sources: sources, inlineSources: inline, destination: destination, from: flags.strings["from"],
      chown: flags.strings["chown"], chmod: flags.strings["chmod"], link: flags.bools["link"] ?? false,
      parents: flags.bools["parents"] ?? false, excludes: flags.lists["exclude"] ?? [])
  }

  private static func add(_ node: DockerfileNode) throws(Partial) -> AddInstruction {
    guard node.arguments.count >= 2 else { return try sourcesAndDestinationFailure(node, keyword: "ADD") }
    var flags = BuilderFlags([
      "chown": .string, "chmod": .string, "link": .bool, "keep-git-dir": .bool, "checksum": .string,
      "unpack": .bool, "exclude": .strings,
    ])
    try flags.parse(node.flags)
    let (sources, inline, destination) = try sourcesAndDestination(node, keyword: "ADD")
    return AddInstruction(
      sources: sources, inlineSources: inline, destination: destination, chown: flags.strings["chown"],
      chmod: flags.strings["chmod"], checksum: flags.strings["checksum"], keepGitDirectory: flags.bools["keep-git-dir"],
      unpack: flags.bools["unpack"], link: flags.bools["link"] ?? false, excludes: flags.lists["exclude"] ?? [])
  }

  private static func sourcesAndDestinationFailure<T>(_ node: DockerfileNode, keyword: String) throws(Partial) -> T {
    _ = try sourcesAndDestination(node, keyword: keyword)
    throw Partial("\(keyword) requires at least two arguments")
  }

  private static func pairs(_ node: DockerfileNode, keyword: String) throws(Partial) -> [KeyValuePair] {
    guard !node.arguments.isEmpty else { throw Partial("\(keyword) requires at least one argument") }
    var pairs: [KeyValuePair] = []
    var index = 0
    while index + 1 < node.arguments.count {
      guard !node.arguments[index].isEmpty else { throw Partial("\(keyword) names can not be blank") }
      pairs.append(KeyValuePair(key: node.arguments[index], value: node.arguments[index + 1]))
      index += 2
    }
    return pairs
  }

  private static func args(_ arguments: [String]) throws(Partial) -> [ArgDefinition] {
    guard !arguments.isEmpty else { throw Partial("ARG requires at least one argument") }
    var definitions: [ArgDefinition] = []
    for argument in arguments {
      guard let equals = argument.firstIndex(of: "=") else {
        definitions.append(ArgDefinition(name: argument))
        continue
      }
      guard equals != argument.startIndex else { throw Partial("ARG names can not be blank") }
      definitions.append(
        ArgDefinition(
          name: String(argument[..<equals]), defaultValue: String(argument[argument.index(after: equals)...])))
    }
    return definitions
  }

  private static func volumes(_ arguments: [String]) throws(Partial) -> [String] {
    var volumes: [String] = []
    for argument in arguments {
      let trimmed = argument.unicodeScalars.drop(while: \.isGoSpace).reversed().drop(while: \.isGoSpace).reversed()
      guard !trimmed.isEmpty else { throw Partial("VOLUME specified can not be an empty string") }
      volumes.append(String(String.UnicodeScalarView(trimmed)))
    }
    return volumes
  }
}
