/// One instruction of a Dockerfile with where it came from.
public struct DockerfileStep: Sendable, Hashable {
  /// The typed instruction, variables not yet expanded.
  public var instruction: Instruction
  /// The instruction's text with continuations joined, for `Step 3/8 : WORKDIR /app`.
  public var original: String
  /// The 1-based first line.
  public var startLine: Int
  /// The 1-based last line (heredoc bodies included).
  public var endLine: Int

  /// Creates a step.
  public init(instruction: Instruction, original: String, startLine: Int, endLine: Int) {
    self.instruction = instruction
    self.original = original
    self.startLine = startLine
    self.endLine = endLine
  }

  /// The original text trimmed, as Docker prints it after `Step 3/8 : `.
  public var displayText: String {
    String(
      String.UnicodeScalarView(
        original.unicodeScalars.drop(while: \.isGoSpace).reversed().drop(while: \.isGoSpace).reversed()))
  }
}

/// A build stage: a `FROM` and the instructions up to the next `FROM`.
public struct BuildStage: Sendable, Hashable {
  /// The 0-based position of the stage, usable as `COPY --from=<index>`.
  public var index: Int
  /// The `FROM` instruction that opens the stage.
  public var from: FromInstruction
  /// The `FROM` line as a step (for `Step 1/8 : FROM busybox`).
  public var fromStep: DockerfileStep
  /// The instructions after `FROM`.
  public var steps: [DockerfileStep]

  /// The stage name from `AS name` (lowercased), if any.
  public var name: String? { from.stageName }
  /// The base image or stage as written, before expansion with the global arguments.
  public var baseImage: String { from.image }
}

/// A parsed and typed Dockerfile: the global `ARG`s before the first `FROM`, and the stages.
public struct Dockerfile: Sendable, Hashable {
  /// The file name used in errors.
  public var file: String
  /// The parser directives.
  public var directives: ParserDirectives
  /// The `ARG` instructions before the first `FROM`; their values are visible only in `FROM` lines,
  /// and inside a stage that re-declares them with `ARG NAME`.
  public var globalArguments: [DockerfileStep]
  /// The stages in order.
  public var stages: [BuildStage]
  /// Warnings from the parser.
  public var warnings: [String]

  /// The escape character (from `# escape=`).
  public var escapeCharacter: Unicode.Scalar { directives.escapeCharacter }

  /// The total number of steps Docker counts for `Step n/N`: every instruction of every stage,
  /// `FROM` included, global `ARG`s excluded.
  public var stepCount: Int { stages.reduce(0) { $0 + 1 + $1.steps.count } }

  /// Parses and types `text`.
  public init(parsing text: String, file: String = "Dockerfile") throws(DockerfileError) {
    try self.init(syntaxTree: DockerfileParser.parse(text, file: file), file: file)
  }

  /// Types the nodes of an already parsed file and groups them into stages.
  public init(syntaxTree: DockerfileSyntaxTree, file: String = "Dockerfile") throws(DockerfileError) {
    self.file = file
    directives = syntaxTree.directives
    warnings = syntaxTree.warnings
    globalArguments = []
    stages = []
    for node in syntaxTree.nodes {
      let instruction = try Instruction(node: node, file: file)
      let step = DockerfileStep(
        instruction: instruction, original: node.original, startLine: node.startLine, endLine: node.endLine)
      switch instruction {
      case .from(let from):
        stages.append(BuildStage(index: stages.count, from: from, fromStep: step, steps: []))
      case .arg where stages.isEmpty:
        globalArguments.append(step)
      default:
        guard !stages.isEmpty else {
          throw DockerfileError(file: file, line: node.startLine, message: "no build stage in current context")
        }
        stages[stages.count - 1].steps.append(step)
      }
    }
  }

  /// The stage with this name (case-insensitive, as in BuildKit) or index (`"0"`, `"1"`…).
  public func stage(named name: String) -> BuildStage? {
    if let found = stages.first(where: { $0.name == name.lowercased() }) { return found }
    if let index = Int(name), stages.indices.contains(index) { return stages[index] }
    return nil
  }
}
