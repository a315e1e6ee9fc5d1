/// One instruction of a Dockerfile as the parser sees it, before it is typed: BuildKit's AST node.
public struct DockerfileNode: Sendable, Hashable {
  /// The instruction keyword as written, for example `RUN` or `run`.
  public var command: String
  /// The `--name=value` flags between the keyword and the arguments, as written (quotes removed).
  public var flags: [String]
  /// The arguments, split the way this instruction splits them: one string for a shell form, each
  /// element for a JSON form, words for `FROM`/`EXPOSE`, key and value pairs for `ENV`/`LABEL`.
  /// For `ONBUILD`, the trigger's keyword followed by its arguments.
  public var arguments: [String]
  /// True when the arguments were a JSON array (exec form).
  public var isJSON: Bool
  /// True for `ENV key value` and `LABEL key value`, the legacy form without `=`.
  public var isLegacyKeyValue: Bool
  /// The instruction's text with continuation lines joined and comments removed, as Docker prints
  /// it in `Step 3/8 : WORKDIR /app`. Heredoc bodies are not included.
  public var original: String
  /// The 1-based line where the instruction starts.
  public var startLine: Int
  /// The 1-based line where the instruction ends, including heredoc bodies.
  public var endLine: Int
  /// The heredocs that follow the instruction, in order.
  public var heredocs: [Heredoc]
  private var triggerStorage: [DockerfileNode]

  /// The instruction that `ONBUILD` wraps.
  public var trigger: DockerfileNode? {
    get { triggerStorage.first }
    set { triggerStorage = newValue.map { [$0] } ?? [] }
  }

  /// The keyword in lowercase, the form BuildKit dispatches on.
  public var keyword: String { command.lowercased() }

  /// Creates a node.
  public init(
    command: String, flags: [String] = [], arguments: [String] = [], isJSON: Bool = false,
    isLegacyKeyValue: Bool = false, original: String = "", startLine: Int = 0, endLine: Int = 0,
    heredocs: [Heredoc] = [], trigger: DockerfileNode? = nil
  ) {
    self.command = command
    self.flags = flags
    self.arguments = arguments
    self.isJSON = isJSON
    self.isLegacyKeyValue = isLegacyKeyValue
    self.original = original
    self.startLine = startLine
    self.endLine = endLine
    self.heredocs = heredocs
    self.triggerStorage = trigger.map { [$0] } ?? []
  }
}

/// A heredoc (`<<EOF … EOF`) attached to a `RUN`, `COPY` or `ADD`.
public struct Heredoc: Sendable, Hashable {
  /// The delimiter word with quotes removed, for example `EOF`; for `COPY` it is also the file name.
  public var name: String
  /// The file descriptor for `3<<EOF`; 0 when none was given.
  public var fileDescriptor: Int
  /// False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): the body is then taken literally.
  public var expands: Bool
  /// True for `<<-EOF`: leading tabs are stripped from the body and from the closing delimiter.
  public var stripsLeadingTabs: Bool
  /// The body, each line with its line ending, not including the closing delimiter. Leading tabs
  /// are still present; see ``strippedContent``.
  public var content: String

  /// Creates a heredoc.
  public init(
    name: String, fileDescriptor: Int = 0, expands: Bool = true, stripsLeadingTabs: Bool = false, content: String = ""
  ) {
    self.name = name
    self.fileDescriptor = fileDescriptor
    self.expands = expands
    self.stripsLeadingTabs = stripsLeadingTabs
    self.content = content
  }

  /// The body as it will be written: with leading tabs removed from every line for `<<-`.
  public var strippedContent: String {
    guard stripsLeadingTabs else { return content }
    var result = String.UnicodeScalarView()
    var atLineStart = true
    for scalar in content.unicodeScalars {
      if atLineStart && scalar == "\t" { continue }
      atLineStart = scalar == "\n"
      result.append(scalar)
    }
    return String(result)
  }
}
