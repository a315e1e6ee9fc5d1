import BerthDockerfile
import Foundation

/// A JSON value with a stable, sorted rendering, for golden fixtures.
indirect enum JSONValue: Equatable {
  case string(String)
  case number(Int64)
  case bool(Bool)
  case null
  case array([JSONValue])
  case object([String: JSONValue])

  init(any value: Any) {
    switch value {
    case let string as String: self = .string(string)
    case let number as NSNumber:
      let isBool = String(cString: number.objCType) == "c"
      self = isBool ? .bool(number.boolValue) : .number(number.int64Value)
    case let array as [Any]: self = .array(array.map(JSONValue.init(any:)))
    case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(any:)))
    default: self = .null
    }
  }

  static func parse(_ text: String) throws -> JSONValue {
    JSONValue(any: try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]))
  }

  func rendered(indent: String = "") -> String {
    let inner = indent + "  "
    switch self {
    case .string(let string):
      let data = (try? JSONSerialization.data(withJSONObject: [string], options: [.withoutEscapingSlashes])) ?? Data()
      return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    case .number(let number): return String(number)
    case .bool(let bool): return bool ? "true" : "false"
    case .null: return "null"
    case .array(let values):
      if values.isEmpty { return "[]" }
      if values.allSatisfy({ if case .string = $0 { true } else { false } }) {
        let line = "[" + values.map { $0.rendered() }.joined(separator: ", ") + "]"
        if line.count + indent.count < 100 { return line }
      }
      return "[\n" + values.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let lines = members.keys.sorted().map { key in
        inner + JSONValue.string(key).rendered() + ": " + (members[key] ?? .null).rendered(indent: inner)
      }
      return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral {
  init(stringLiteral value: String) { self = .string(value) }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(integerLiteral value: Int64) { self = .number(value) }
}

private func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
private func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
private func optional(_ value: Int64?) -> JSONValue { value.map(JSONValue.number) ?? .null }
private func optional(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }

/// The stable rendering of a parse result used by the golden fixtures.
enum FixtureRendering {
  static func render(_ text: String) -> JSONValue {
    let tree: DockerfileSyntaxTree
    let dockerfile: Dockerfile
    do {
      tree = try DockerfileParser.parse(text)
      dockerfile = try Dockerfile(syntaxTree: tree)
    } catch {
      return .object(["error": .string(error.description)])
    }
    return .object([
      "escape": .string(String(Character(tree.directives.escapeCharacter))),
      "nodes": .array(tree.nodes.map(node)),
      "globalArguments": .array(dockerfile.globalArguments.map(step)),
      "stages": .array(
        dockerfile.stages.map { stage in
          .object([
            "index": .number(Int64(stage.index)), "name": optional(stage.name), "base": .string(stage.baseImage),
            "platform": optional(stage.from.platform), "steps": .array(stage.steps.map(step)),
          ])
        }),
    ])
  }

  static func node(_ node: DockerfileNode) -> JSONValue {
    var object: [String: JSONValue] = [
      "command": .string(node.command),
      "lines": .array([.number(Int64(node.startLine)), .number(Int64(node.endLine))]),
      "arguments": strings(node.arguments), "original": .string(node.original),
    ]
    if !node.flags.isEmpty { object["flags"] = strings(node.flags) }
    if node.isJSON { object["json"] = true }
    if node.isLegacyKeyValue { object["legacyKeyValue"] = true }
    if !node.heredocs.isEmpty { object["heredocs"] = .array(node.heredocs.map(heredoc)) }
    return .object(object)
  }

  static func heredoc(_ heredoc: Heredoc) -> JSONValue {
    .object([
      "name": .string(heredoc.name), "fd": .number(Int64(heredoc.fileDescriptor)), "expands": .bool(heredoc.expands),
      "stripsTabs": .bool(heredoc.stripsLeadingTabs), "content": .string(heredoc.content),
    ])
  }

  static func step(_ step: DockerfileStep) -> JSONValue {
    .object(["line": .number(Int64(step.startLine)), "instruction": instruction(step.instruction)])
  }

  static func command(_ form: CommandForm) -> JSONValue {
    switch form {
    case .exec(let arguments): .object(["exec": strings(arguments)])
    case .shell(let text): .object(["shell": .string(text)])
    }
  }

  static func pairs(_ pairs: [KeyValuePair]) -> JSONValue {
    .array(pairs.map { .array([.string($0.key), .string($0.value)]) })
  }

  static func inline(_ sources: [InlineSource]) -> JSONValue {
    .array(
      sources.map { .object(["name": .string($0.name), "content": .string($0.content), "expands": .bool($0.expands)]) })
  }

  static func instruction(_ instruction: Instruction) -> JSONValue {
    let body: JSONValue
    switch instruction {
    case .from(let from):
      body = .object([
        "image": .string(from.image), "name": optional(from.stageName), "platform": optional(from.platform),
      ])
    case .run(let run):
      body = .object([
        "command": command(run.command), "heredocs": .array(run.heredocs.map(heredoc)), "mounts": strings(run.mounts),
        "network": optional(run.network), "security": optional(run.security), "devices": strings(run.devices),
      ])
    case .cmd(let form), .entrypoint(let form): body = command(form)
    case .copy(let copy):
      body = .object([
        "sources": strings(copy.sources), "inline": inline(copy.inlineSources),
        "destination": .string(copy.destination),
        "from": optional(copy.from), "chown": optional(copy.chown), "chmod": optional(copy.chmod),
        "link": .bool(copy.link), "parents": .bool(copy.parents), "excludes": strings(copy.excludes),
      ])
    case .add(let add):
      body = .object([
        "sources": strings(add.sources), "inline": inline(add.inlineSources), "destination": .string(add.destination),
        "chown": optional(add.chown), "chmod": optional(add.chmod), "checksum": optional(add.checksum),
        "keepGitDir": optional(add.keepGitDirectory), "unpack": optional(add.unpack), "link": .bool(add.link),
        "excludes": strings(add.excludes),
      ])
    case .env(let values), .label(let values): body = pairs(values)
    case .arg(let definitions):
      body = .array(definitions.map { .object(["name": .string($0.name), "default": optional($0.defaultValue)]) })
    case .workdir(let text), .user(let text), .stopSignal(let text), .maintainer(let text): body = .string(text)
    case .expose(let values), .volume(let values), .shell(let values): body = strings(values)
    case .healthcheck(let check):
      body = .object([
        "test": strings(check.test), "interval": optional(check.interval), "timeout": optional(check.timeout),
        "startPeriod": optional(check.startPeriod), "startInterval": optional(check.startInterval),
        "retries": check.retries.map { .number(Int64($0)) } ?? .null,
      ])
    case .onbuild(let onbuild):
      body = .object(["expression": .string(onbuild.expression), "trigger": self.instruction(onbuild.trigger)])
    }
    return .object([instruction.keyword: body])
  }
}
