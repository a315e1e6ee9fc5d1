/// A node of a parsed template (`text/template/parse`'s node types that Berth supports).
indirect enum TemplateNode: Sendable {
  /// Literal text.
  case text(String)
  /// `{{pipeline}}`: prints the result unless the pipeline declares variables.
  case action(Pipeline)
  /// `{{if}} … {{else}} … {{end}}`.
  case ifNode(Pipeline, list: [TemplateNode], elseList: [TemplateNode]?)
  /// `{{range}} … {{else}} … {{end}}`.
  case rangeNode(Pipeline, list: [TemplateNode], elseList: [TemplateNode]?)
  /// `{{with}} … {{else}} … {{end}}`.
  case withNode(Pipeline, list: [TemplateNode], elseList: [TemplateNode]?)
  /// `{{break}}` inside a range.
  case breakNode
  /// `{{continue}}` inside a range.
  case continueNode
}

/// A variable declared by a pipeline (`$x :=`), with the position of its token.
struct VariableDeclaration: Sendable {
  var name: String
  var position: Int
}

/// `$a, $b := cmd | cmd | cmd`.
struct Pipeline: Sendable, CustomStringConvertible {
  var position: Int
  var isAssign = false
  var declarations: [VariableDeclaration] = []
  var commands: [Command] = []

  /// Go's `PipeNode.String()`.
  var description: String {
    var text = ""
    if !declarations.isEmpty {
      text = declarations.map(\.name).joined(separator: ", ") + (isAssign ? " = " : " := ")
    }
    return text + commands.map(\.description).joined(separator: " | ")
  }
}

/// One command of a pipeline: a function name or value, and its arguments.
struct Command: Sendable, CustomStringConvertible {
  var position: Int
  var arguments: [Operand] = []

  /// Go's `CommandNode.String()`: parenthesised pipelines keep their parentheses.
  var description: String {
    arguments.map { argument in
      if case .pipeline = argument { return "(" + argument.description + ")" }
      return argument.description
    }.joined(separator: " ")
  }
}

/// A literal number: its source text and its value (an ``JSONValue/int(_:)`` or
/// ``JSONValue/double(_:)``).
struct NumberLiteral: Sendable {
  var text: String
  var value: JSONValue
}

/// An operand of a command.
indirect enum Operand: Sendable, CustomStringConvertible {
  /// `.A.B.C`.
  case field([String], position: Int)
  /// `$x` or `$x.A.B` (the first name includes `$`).
  case variable([String], position: Int)
  /// `(pipeline).A.B` and other field accesses on a non-field term.
  case chain(Operand, fields: [String], position: Int)
  /// A function name.
  case identifier(String, position: Int)
  /// `.`.
  case dot(position: Int)
  /// `nil`.
  case nilLiteral(position: Int)
  /// `true` or `false`.
  case bool(Bool, position: Int)
  /// A number or character constant.
  case number(NumberLiteral, position: Int)
  /// A string literal: its value and its quoted source text.
  case string(String, quoted: String, position: Int)
  /// `( pipeline )`.
  case pipeline(Pipeline)

  var position: Int {
    switch self {
    case .field(_, let position), .variable(_, let position), .chain(_, _, let position),
      .identifier(_, let position), .dot(let position), .nilLiteral(let position), .bool(_, let position),
      .number(_, let position), .string(_, _, let position):
      position
    case .pipeline(let pipeline): pipeline.position
    }
  }

  /// Go's `Node.String()` for the operand.
  var description: String {
    switch self {
    case .field(let names, _): "." + names.joined(separator: ".")
    case .variable(let names, _): names.joined(separator: ".")
    case .chain(let base, let fields, _):
      {
        if case .pipeline = base { return "(" + base.description + ")" }
        return base.description
      }() + fields.map { "." + $0 }.joined()
    case .identifier(let name, _): name
    case .dot: "."
    case .nilLiteral: "nil"
    case .bool(let value, _): value ? "true" : "false"
    case .number(let literal, _): literal.text
    case .string(_, let quoted, _): quoted
    case .pipeline(let pipeline): pipeline.description
    }
  }
}
