/// Docker's rules about which instructions expand variables, and how.
///
/// | instruction | expanded |
/// | --- | --- |
/// | `FROM` | image and `--platform`, with the global scope |
/// | `ENV`, `LABEL` | keys and values |
/// | `COPY`, `ADD` | sources, destination, `--chown`, `--chmod`, `ADD --checksum`; heredoc bodies with unquoted delimiters (`$` only) |
/// | `WORKDIR`, `USER`, `STOPSIGNAL` | the argument |
/// | `VOLUME` | each path, without splitting |
/// | `EXPOSE` | each word, split again after expansion |
/// | `RUN` | `--mount` values only; the command is left to the shell |
/// | `ARG` | defaults, by ``BuildScope/declare(_:)`` (not here) |
/// | `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`, `ONBUILD`, `MAINTAINER` | nothing |
///
/// `COPY --from` and `--exclude` are not expanded, as in BuildKit.
extension Instruction {
  /// This instruction with its variables expanded in `scope`. `FROM` should be given the global scope
  /// (``BuildScope/globalScope(for:buildArguments:predefined:)``), every other instruction its stage's.
  public func expanded(in scope: BuildScope, escapeCharacter: Unicode.Scalar = "\\") throws(ShellExpansionError)
    -> Instruction
  {
    let expander = ShellWordExpander(escapeCharacter: escapeCharacter)
    func word(_ text: String) throws(ShellExpansionError) -> String { try expander.expand(text, in: scope) }
    func optional(_ text: String?) throws(ShellExpansionError) -> String? {
      guard let text else { return nil }
      return try word(text)
    }
    func each(_ texts: [String]) throws(ShellExpansionError) -> [String] {
      var result: [String] = []
      for text in texts { result.append(try word(text)) }
      return result
    }
    func pairs(_ pairs: [KeyValuePair]) throws(ShellExpansionError) -> [KeyValuePair] {
      var result: [KeyValuePair] = []
      for pair in pairs { result.append(KeyValuePair(key: try word(pair.key), value: try word(pair.value))) }
      return result
    }
    func inline(_ sources: [InlineSource]) throws(ShellExpansionError) -> [InlineSource] {
      var result: [InlineSource] = []
      for var source in sources {
        if source.expands { source.content = try ShellWordExpander.heredocBody.expand(source.content, in: scope) }
        result.append(source)
      }
      return result
    }

    switch self {
    case .from(var from):
      from.image = try word(from.image)
      from.platform = try optional(from.platform)
      return .from(from)
    case .env(let values): return .env(try pairs(values))
    case .label(let values): return .label(try pairs(values))
    case .workdir(let path): return .workdir(try word(path))
    case .user(let user): return .user(try word(user))
    case .stopSignal(let signal): return .stopSignal(try word(signal))
    case .volume(let paths): return .volume(try each(paths))
    case .expose(let ports):
      var result: [String] = []
      for port in ports { result += try expander.expandWords(port, in: scope) }
      return .expose(result)
    case .run(var run):
      run.mounts = try each(run.mounts)
      return .run(run)
    case .copy(var copy):
      copy.sources = try each(copy.sources)
      copy.destination = try word(copy.destination)
      copy.chown = try optional(copy.chown)
      copy.chmod = try optional(copy.chmod)
      copy.inlineSources = try inline(copy.inlineSources)
      return .copy(copy)
    case .add(var add):
      add.sources = try each(add.sources)
      add.destination = try word(add.destination)
      add.chown = try optional(add.chown)
      add.chmod = try optional(add.chmod)
      add.checksum = try optional(add.checksum)
      add.inlineSources = try inline(add.inlineSources)
      return .add(add)
    case .arg, .cmd, .entrypoint, .shell, .healthcheck, .onbuild, .maintainer:
      return self
    }
  }
}

extension DockerfileStep {
  /// ``Instruction/expanded(in:escapeCharacter:)`` with errors located at this step.
  public func expanded(in scope: BuildScope, escapeCharacter: Unicode.Scalar = "\\", file: String = "Dockerfile")
    throws(DockerfileError) -> Instruction
  {
    do {
      return try instruction.expanded(in: scope, escapeCharacter: escapeCharacter)
    } catch {
      throw DockerfileError(file: file, line: startLine, message: error.description)
    }
  }
}
