/// Executes a parsed template against JSON data, following Go's `text/template/exec.go`.
///
/// Values are `JSONValue?`: nil is Go's invalid value (a missing map key), printed as
/// `<no value>`; `.null` prints as `<nil>`. Differences from Go, because JSON has lost Go's
/// types: with ``GoTemplate/MissingKey/noValue`` a field of `null` is no value rather than a
/// nil-pointer error, `range` over `null` runs the `else` branch, and numbers compare across
/// int and float.
struct TemplateEvaluator {
  /// How a list ended: normally, or by `{{break}}` / `{{continue}}`.
  private enum Flow {
    case normal, breakLoop, continueLoop
  }

  /// The last value of the previous pipeline stage, if any.
  private enum Final {
    case none
    case value(JSONValue?)
  }

  private let source: [UInt8]
  private let missingKey: GoTemplate.MissingKey
  private var output = ""
  private var variables: [(name: String, value: JSONValue?)]
  private var errorPosition = 0
  private var errorContext = ""

  /// Renders `nodes` with `dot` as both `.` and `$`.
  static func render(
    _ nodes: [TemplateNode], source: String, dot: JSONValue, missingKey: GoTemplate.MissingKey
  ) throws(TemplateError) -> String {
    var evaluator = TemplateEvaluator(
      source: Array(source.utf8), missingKey: missingKey, variables: [(name: "$", value: dot)])
    _ = try evaluator.walk(dot, nodes)
    return evaluator.output
  }

  private init(source: [UInt8], missingKey: GoTemplate.MissingKey, variables: [(name: String, value: JSONValue?)]) {
    self.source = source
    self.missingKey = missingKey
    self.variables = variables
  }

  // MARK: Errors

  private mutating func at(_ position: Int, _ context: String) {
    errorPosition = position
    errorContext = context
  }

  /// `template: :LINE:COLUMN: executing "" at <CONTEXT>: MESSAGE`, the column being Go's
  /// zero-based byte offset in the line.
  private func error(_ message: String) -> TemplateError {
    let prefix = source[..<min(errorPosition, source.count)]
    let line = 1 + prefix.count { $0 == UInt8(ascii: "\n") }
    let column: Int
    if let newline = prefix.lastIndex(of: UInt8(ascii: "\n")) {
      column = errorPosition - (newline + 1)
    } else {
      column = errorPosition
    }
    return TemplateError(.execution, "template: :\(line):\(column): executing \"\" at <\(errorContext)>: \(message)")
  }

  // MARK: Walking

  private mutating func walk(_ dot: JSONValue?, _ nodes: [TemplateNode]) throws(TemplateError) -> Flow {
    for node in nodes {
      let flow: Flow
      switch node {
      case .text(let text):
        output += text
        flow = .normal
      case .action(let pipeline):
        let value = try evaluatePipeline(dot, pipeline)
        if pipeline.declarations.isEmpty {
          output += value.map(GoFormat.print) ?? "<no value>"
        }
        flow = .normal
      case .ifNode(let pipeline, let list, let elseList):
        flow = try walkIfOrWith(dot, pipeline, list, elseList, isWith: false)
      case .withNode(let pipeline, let list, let elseList):
        flow = try walkIfOrWith(dot, pipeline, list, elseList, isWith: true)
      case .rangeNode(let pipeline, let list, let elseList):
        flow = try walkRange(dot, pipeline, list, elseList)
      case .breakNode:
        flow = .breakLoop
      case .continueNode:
        flow = .continueLoop
      }
      if case .normal = flow { continue }
      return flow
    }
    return .normal
  }

  private mutating func walkIfOrWith(
    _ dot: JSONValue?, _ pipeline: Pipeline, _ list: [TemplateNode], _ elseList: [TemplateNode]?, isWith: Bool
  ) throws(TemplateError) -> Flow {
    let mark = variables.count
    defer { variables.removeSubrange(mark...) }
    let value = try evaluatePipeline(dot, pipeline)
    if TemplateFunctions.isTrue(value) {
      return try walk(isWith ? value : dot, list)
    }
    if let elseList { return try walk(dot, elseList) }
    return .normal
  }

  private mutating func walkRange(
    _ dot: JSONValue?, _ pipeline: Pipeline, _ list: [TemplateNode], _ elseList: [TemplateNode]?
  ) throws(TemplateError) -> Flow {
    at(pipeline.position, pipeline.description)
    let mark = variables.count
    defer { variables.removeSubrange(mark...) }
    let value = try evaluatePipeline(dot, pipeline)
    let bodyMark = variables.count
    var elements: [(index: JSONValue, element: JSONValue)] = []
    switch value {
    case .array(let array)?:
      elements = array.enumerated().map { (index: .int(Int64($0.offset)), element: $0.element) }
    case .object(let members)?:
      elements = GoFormat.sortedMembers(members).map { (index: .string($0.key), element: $0.value) }
    case .int(let count)?:
      if pipeline.declarations.count > 1 {
        throw error("can't use \(count) to iterate over more than one variable")
      }
      elements = count > 0 ? (0..<count).map { (index: .int($0), element: .int($0)) } : []
    case nil, .null?:
      break
    case let other?:
      throw error("range can't iterate over \(GoFormat.print(other))")
    }
    for (index, element) in elements {
      if pipeline.isAssign {
        if pipeline.declarations.count > 1 {
          try setVariable(pipeline.declarations[0].name, index)
        }
        if let last = pipeline.declarations.last { try setVariable(last.name, element) }
      } else if !pipeline.declarations.isEmpty {
        variables[variables.count - 1].value = element
        if pipeline.declarations.count > 1 { variables[variables.count - 2].value = index }
      }
      let flow = try walk(element, list)
      variables.removeSubrange(bodyMark...)
      if case .breakLoop = flow { break }
    }
    if elements.isEmpty, let elseList { return try walk(dot, elseList) }
    return .normal
  }

  // MARK: Variables

  private func variable(_ name: String) throws(TemplateError) -> JSONValue? {
    guard let entry = variables.last(where: { $0.name == name }) else {
      throw error("undefined variable: \(name)")
    }
    return entry.value
  }

  private mutating func setVariable(_ name: String, _ value: JSONValue?) throws(TemplateError) {
    guard let index = variables.lastIndex(where: { $0.name == name }) else {
      throw error("undefined variable: \(name)")
    }
    variables[index].value = value
  }

  // MARK: Pipelines and commands

  private mutating func evaluatePipeline(_ dot: JSONValue?, _ pipeline: Pipeline) throws(TemplateError)
    -> JSONValue?
  {
    at(pipeline.position, pipeline.description)
    var value: JSONValue?
    var final = Final.none
    for command in pipeline.commands {
      value = try evaluateCommand(dot, command, final)
      final = .value(value)
    }
    for declaration in pipeline.declarations {
      if pipeline.isAssign {
        try setVariable(declaration.name, value)
      } else {
        variables.append((name: declaration.name, value: value))
      }
    }
    return value
  }

  private mutating func evaluateCommand(_ dot: JSONValue?, _ command: Command, _ final: Final) throws(TemplateError)
    -> JSONValue?
  {
    let first = command.arguments[0]
    switch first {
    case .field(let names, let position):
      at(position, first.description)
      return try evaluateFieldChain(dot, receiver: dot, names[...], arguments: command.arguments, final: final)
    case .chain(let base, let fields, let position):
      at(position, first.description)
      if case .nilLiteral = base { throw error("indirection through explicit nil in \(first)") }
      let receiver = try evaluateArgument(dot, base)
      at(position, first.description)
      return try evaluateFieldChain(dot, receiver: receiver, fields[...], arguments: command.arguments, final: final)
    case .variable(let names, let position):
      at(position, first.description)
      let value = try variable(names[0])
      if names.count == 1 {
        try notAFunction(command.arguments, final)
        return value
      }
      return try evaluateFieldChain(dot, receiver: value, names.dropFirst(), arguments: command.arguments, final: final)
    case .identifier(let name, let position):
      at(position, name)
      return try call(dot, name, command: command, arguments: Array(command.arguments.dropFirst()), final: final)
    case .pipeline(let pipeline):
      try notAFunction(command.arguments, final)
      return try evaluatePipeline(dot, pipeline)
    default:
      at(first.position, first.description)
      try notAFunction(command.arguments, final)
      switch first {
      case .bool(let value, _): return .bool(value)
      case .dot: return dot
      case .nilLiteral: throw error("nil is not a command")
      case .number(let literal, _): return literal.value
      case .string(let value, _, _): return .string(value)
      default: throw error("can't evaluate command \(GoQuote.quote(first.description))")
      }
    }
  }

  private func notAFunction(_ arguments: [Operand], _ final: Final) throws(TemplateError) {
    if case .value = final {
      throw error("can't give argument to non-function \(arguments[0])")
    }
    if arguments.count > 1 { throw error("can't give argument to non-function \(arguments[0])") }
  }

  /// Evaluates `.a.b.c` on `receiver`; only the last field may receive arguments (and then fails,
  /// since JSON has no methods).
  private mutating func evaluateFieldChain(
    _ dot: JSONValue?, receiver: JSONValue?, _ names: ArraySlice<String>, arguments: [Operand], final: Final
  ) throws(TemplateError) -> JSONValue? {
    var receiver = receiver
    for (offset, name) in names.enumerated() {
      let isLast = offset == names.count - 1
      var hasArguments = false
      if isLast {
        if case .value = final { hasArguments = true }
        if arguments.count > 1 { hasArguments = true }
      }
      receiver = try field(name, of: receiver, hasArguments: hasArguments)
    }
    return receiver
  }

  private func field(_ name: String, of receiver: JSONValue?, hasArguments: Bool) throws(TemplateError)
    -> JSONValue?
  {
    switch receiver {
    case nil:
      if missingKey == .error { throw error("nil data; no entry for key \(GoQuote.quote(name))") }
      return nil
    case .null?:
      if missingKey == .error { throw error("nil pointer evaluating interface {}.\(name)") }
      return nil
    case .object(let members)?:
      if hasArguments { throw error("\(name) is not a method but has arguments") }
      if let member = members.first(where: { $0.key == name }) { return member.value }
      if missingKey == .error { throw error("map has no entry for key \(GoQuote.quote(name))") }
      return nil
    case let other?:
      throw error("can't evaluate field \(name) in type \(GoFormat.typeName(other))")
    }
  }

  private mutating func evaluateArgument(_ dot: JSONValue?, _ operand: Operand) throws(TemplateError) -> JSONValue? {
    at(operand.position, operand.description)
    switch operand {
    case .dot: return dot
    case .nilLiteral: return .null
    case .field(let names, _):
      return try evaluateFieldChain(dot, receiver: dot, names[...], arguments: [operand], final: .none)
    case .variable(let names, _):
      let value = try variable(names[0])
      return try evaluateFieldChain(dot, receiver: value, names.dropFirst(), arguments: [operand], final: .none)
    case .chain(let base, let fields, let position):
      if case .nilLiteral = base { throw error("indirection through explicit nil in \(operand)") }
      let receiver = try evaluateArgument(dot, base)
      at(position, operand.description)
      return try evaluateFieldChain(dot, receiver: receiver, fields[...], arguments: [operand], final: .none)
    case .pipeline(let pipeline): return try evaluatePipeline(dot, pipeline)
    case .identifier(let name, _):
      return try call(dot, name, command: nil, arguments: [], final: .none)
    case .bool(let value, _): return .bool(value)
    case .number(let literal, _): return literal.value
    case .string(let value, _, _): return .string(value)
    }
  }

  // MARK: Functions

  private mutating func call(
    _ dot: JSONValue?, _ name: String, command: Command?, arguments: [Operand], final: Final
  ) throws(TemplateError) -> JSONValue? {
    guard let function = TemplateFunctions.all[name] else {
      throw error("\(GoQuote.quote(name)) is not a defined function")
    }
    var count = arguments.count
    if case .value = final { count += 1 }
    switch function.arity {
    case .exactly(let expected) where count != expected:
      throw error("wrong number of args for \(name): want \(expected) got \(count)")
    case .atLeast(let minimum) where count < minimum:
      throw error("wrong number of args for \(name): want at least \(minimum) got \(count)")
    default: break
    }

    if name == "and" || name == "or" {
      var value: JSONValue?
      for argument in arguments {
        value = try evaluateArgument(dot, argument)
        if TemplateFunctions.isTrue(value) == (name == "or") { return value }
      }
      if case .value(let last) = final { value = last }
      return value
    }

    var values: [JSONValue?] = []
    for argument in arguments {
      values.append(try evaluateArgument(dot, argument))
    }
    if case .value(let last) = final { values.append(last) }
    do {
      return try function.body(values)
    } catch {
      switch error {
      case .message(let message):
        if let command { at(command.position, command.description) }
        throw self.error("error calling \(name): \(message)")
      case .wrongType(let index, let expected, let got):
        guard index < arguments.count else {
          if let command { at(command.position, command.description) }
          throw self.error(FunctionFailure.typeMessage(expected: expected, got: got))
        }
        let argument = arguments[index]
        at(argument.position, argument.description)
        switch argument {
        case .string, .number, .bool:
          // Go checks literals against the parameter type before calling, with other words.
          switch expected {
          case "string": throw self.error("expected string; found \(argument)")
          case "int": throw self.error("expected integer; found \(argument)")
          default: throw self.error("can't handle \(argument) for arg of type \(expected)")
          }
        case .nilLiteral:
          throw self.error("cannot assign nil to \(expected)")
        default:
          throw self.error(FunctionFailure.typeMessage(expected: expected, got: got))
        }
      }
    }
  }
}
