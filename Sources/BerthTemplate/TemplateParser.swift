/// Go's `text/template` parser (`text/template/parse/parse.go`) for the subset Berth supports:
/// actions, pipelines, variables, `if`/`else if`/`range`/`with`/`else`/`end`, `break` and
/// `continue`. `define`, `template` and `block` are refused. Error messages are Go's.
struct TemplateParser {
  /// What `textOrAction` found: a node, or the `{{end}}`/`{{else}}` that closes a list.
  private enum Item {
    case node(TemplateNode)
    case end(Token)
    case elseItem(Token)

    var description: String {
      switch self {
      case .node: "node"
      case .end: "{{end}}"
      case .elseItem: "{{else}}"
      }
    }
  }

  private let tokens: [Token]
  private let functions: Set<String>
  private var index = 0
  private var lastRead: Token
  private var variables = ["$"]
  private var actionLine = 0
  private var rangeDepth = 0

  /// Parses `source`; `functions` are the names a template may call.
  static func parse(_ source: String, functions: Set<String>) throws(TemplateError) -> [TemplateNode] {
    var parser = TemplateParser(tokens: TemplateLexer.tokenize(source), functions: functions)
    return try parser.parseRoot()
  }

  private init(tokens: [Token], functions: Set<String>) {
    self.tokens = tokens
    self.functions = functions
    lastRead = tokens.first ?? Token(kind: .eof, text: "", position: 0, line: 1)
  }

  // MARK: Token stream

  private mutating func next() -> Token {
    let token = tokens[min(index, tokens.count - 1)]
    index += 1
    lastRead = token
    return token
  }

  private mutating func backup() {
    index -= 1
  }

  private mutating func peek() -> Token {
    let token = next()
    backup()
    return token
  }

  private mutating func nextNonSpace() -> Token {
    var token = next()
    while token.kind == .space { token = next() }
    return token
  }

  private mutating func peekNonSpace() -> Token {
    let token = nextNonSpace()
    backup()
    return token
  }

  // MARK: Errors

  private func error(_ message: String) -> TemplateError {
    TemplateError(.parse, "template: :\(lastRead.line): \(message)")
  }

  private func unexpected(_ token: Token, _ context: String) -> TemplateError {
    if token.kind == .error {
      var extra = ""
      if actionLine != 0 && actionLine != token.line {
        extra = " in action started at :\(actionLine)"
        if token.text.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
      }
      return error(token.text + extra)
    }
    return error("unexpected \(token) in \(context)")
  }

  private mutating func expect(_ kind: TokenKind, _ context: String) throws(TemplateError) -> Token {
    let token = nextNonSpace()
    guard token.kind == kind else { throw unexpected(token, context) }
    return token
  }

  // MARK: Structure

  private mutating func parseRoot() throws(TemplateError) -> [TemplateNode] {
    var root: [TemplateNode] = []
    while peek().kind != .eof {
      switch try textOrAction() {
      case .node(let node): root.append(node)
      case let item: throw error("unexpected \(item.description)")
      }
    }
    return root
  }

  private mutating func itemList() throws(TemplateError) -> ([TemplateNode], Item) {
    var list: [TemplateNode] = []
    while peekNonSpace().kind != .eof {
      let item = try textOrAction()
      guard case .node(let node) = item else { return (list, item) }
      list.append(node)
    }
    throw error("unexpected EOF")
  }

  private mutating func textOrAction() throws(TemplateError) -> Item {
    let token = nextNonSpace()
    switch token.kind {
    case .text:
      return .node(.text(token.text))
    case .leftDelim:
      actionLine = token.line
      defer { actionLine = 0 }
      return try action()
    default:
      throw unexpected(token, "input")
    }
  }

  private mutating func action() throws(TemplateError) -> Item {
    let token = nextNonSpace()
    switch token.kind {
    case .keywordBlock, .keywordDefine, .keywordTemplate:
      throw error("{{\(token.text)}} is not supported")
    case .keywordBreak:
      return .node(try loopControl(token, .breakNode))
    case .keywordContinue:
      return .node(try loopControl(token, .continueNode))
    case .keywordElse:
      let next = peekNonSpace()
      if next.kind == .keywordIf || next.kind == .keywordWith { return .elseItem(next) }
      return .elseItem(try expect(.rightDelim, "else"))
    case .keywordEnd:
      return .end(try expect(.rightDelim, "end"))
    case .keywordIf:
      return .node(try ifControl())
    case .keywordRange:
      let (pipeline, list, elseList) = try parseControl("range")
      return .node(.rangeNode(pipeline, list: list, elseList: elseList))
    case .keywordWith:
      return .node(try withControl())
    default:
      backup()
      return .node(.action(try pipeline("command", end: .rightDelim)))
    }
  }

  private mutating func loopControl(_ token: Token, _ node: TemplateNode) throws(TemplateError) -> TemplateNode {
    let next = nextNonSpace()
    guard next.kind == .rightDelim else { throw unexpected(next, "{{\(token.text)}}") }
    guard rangeDepth > 0 else { throw error("{{\(token.text)}} outside {{range}}") }
    return node
  }

  private mutating func ifControl() throws(TemplateError) -> TemplateNode {
    let (pipeline, list, elseList) = try parseControl("if")
    return .ifNode(pipeline, list: list, elseList: elseList)
  }

  private mutating func withControl() throws(TemplateError) -> TemplateNode {
    let (pipeline, list, elseList) = try parseControl("with")
    return .withNode(pipeline, list: list, elseList: elseList)
  }

  private mutating func parseControl(_ context: String) throws(TemplateError) -> (
    Pipeline, [TemplateNode], [TemplateNode]?
  ) {
    let variableCount = variables.count
    defer { variables.removeSubrange(variableCount...) }
    let pipe = try pipeline(context, end: .rightDelim)
    if context == "range" { rangeDepth += 1 }
    let (list, next) = try itemList()
    if context == "range" { rangeDepth -= 1 }
    var elseList: [TemplateNode]?
    if case .elseItem = next {
      // `{{else if …}}` and `{{else with …}}` parse as `{{else}}{{if …}}…{{end}}{{end}}`
      // whose inner `{{end}}` also closes the outer control.
      if context == "if" && peek().kind == .keywordIf {
        _ = self.next()
        elseList = [try ifControl()]
      } else if context == "with" && peek().kind == .keywordWith {
        _ = self.next()
        elseList = [try withControl()]
      } else {
        let (list, end) = try itemList()
        guard case .end = end else { throw error("expected end; found \(end.description)") }
        elseList = list
      }
    }
    return (pipe, list, elseList)
  }

  // MARK: Pipelines

  private mutating func pipeline(_ context: String, end: TokenKind) throws(TemplateError) -> Pipeline {
    var pipe = Pipeline(position: peekNonSpace().position)
    declarations: while peekNonSpace().kind == .variable {
      let variableIndex = index
      let variable = next()
      let afterVariable = peekNonSpace()
      switch afterVariable.kind {
      case .assign, .declare:
        pipe.isAssign = afterVariable.kind == .assign
        _ = nextNonSpace()
        pipe.declarations.append(VariableDeclaration(name: variable.text, position: variable.position))
        variables.append(variable.text)
      case .char where afterVariable.text == ",":
        _ = nextNonSpace()
        pipe.declarations.append(VariableDeclaration(name: variable.text, position: variable.position))
        variables.append(variable.text)
        if context == "range" && pipe.declarations.count < 2 {
          switch peekNonSpace().kind {
          case .variable, .rightDelim, .rightParen: continue declarations
          default: throw error("range can only initialize variables")
          }
        }
        throw error("too many declarations in \(context)")
      default:
        index = variableIndex
      }
      break
    }
    while true {
      let token = nextNonSpace()
      switch token.kind {
      case end:
        try checkPipeline(pipe, context)
        return pipe
      case .bool, .charConstant, .dot, .field, .identifier, .number, .keywordNil, .rawString, .string, .variable,
        .leftParen:
        backup()
        pipe.commands.append(try command())
      default:
        throw unexpected(token, context)
      }
    }
  }

  private func checkPipeline(_ pipe: Pipeline, _ context: String) throws(TemplateError) {
    guard !pipe.commands.isEmpty else { throw error("missing value for \(context)") }
    for (offset, command) in pipe.commands.enumerated().dropFirst() {
      switch command.arguments.first {
      case .bool, .dot, .nilLiteral, .number, .string:
        throw error("non executable command in pipeline stage \(offset + 1)")
      default: continue
      }
    }
  }

  private mutating func command() throws(TemplateError) -> Command {
    var command = Command(position: peekNonSpace().position)
    loop: while true {
      _ = peekNonSpace()
      if let operand = try operand() { command.arguments.append(operand) }
      let token = next()
      switch token.kind {
      case .space: continue loop
      case .rightDelim, .rightParen: backup()
      case .pipe: break
      default: throw unexpected(token, "operand")
      }
      break
    }
    guard !command.arguments.isEmpty else { throw error("empty command") }
    return command
  }

  private mutating func operand() throws(TemplateError) -> Operand? {
    guard var node = try term() else { return nil }
    if peek().kind == .field {
      let position = peek().position
      var fields: [String] = []
      while peek().kind == .field { fields.append(String(next().text.dropFirst())) }
      switch node {
      case .field(let names, _): node = .field(names + fields, position: position)
      case .variable(let names, _): node = .variable(names + fields, position: position)
      case .bool, .string, .number, .nilLiteral, .dot:
        throw error("unexpected . after term \(GoQuote.quote(node.description))")
      default: node = .chain(node, fields: fields, position: position)
      }
    }
    return node
  }

  private mutating func term() throws(TemplateError) -> Operand? {
    let token = nextNonSpace()
    switch token.kind {
    case .identifier:
      guard functions.contains(token.text) else { throw error("function \(GoQuote.quote(token.text)) not defined") }
      return .identifier(token.text, position: token.position)
    case .dot:
      return .dot(position: token.position)
    case .keywordNil:
      return .nilLiteral(position: token.position)
    case .variable:
      guard variables.contains(token.text) else { throw error("undefined variable \(GoQuote.quote(token.text))") }
      return .variable([token.text], position: token.position)
    case .field:
      return .field([String(token.text.dropFirst())], position: token.position)
    case .bool:
      return .bool(token.text == "true", position: token.position)
    case .charConstant, .number:
      return .number(try number(token), position: token.position)
    case .leftParen:
      return .pipeline(try pipeline("parenthesized pipeline", end: .rightParen))
    case .string, .rawString:
      guard let value = GoQuote.unquote(token.text) else { throw error("invalid syntax") }
      return .string(value, quoted: token.text, position: token.position)
    default:
      backup()
      return nil
    }
  }

  /// Go's `newNumber` followed by `idealConstant`: character constants and integers are ints,
  /// numbers with a fraction, exponent or `p` are floats.
  private func number(_ token: Token) throws(TemplateError) -> NumberLiteral {
    let text = token.text
    if token.kind == .charConstant {
      guard let value = GoQuote.unquote(text), let scalar = value.unicodeScalars.first else {
        throw error("malformed character constant: \(text)")
      }
      return NumberLiteral(text: text, value: .int(Int64(scalar.value)))
    }
    var digits = Substring(text.filter { $0 != "_" })
    var negative = false
    if let sign = digits.first, sign == "+" || sign == "-" {
      negative = sign == "-"
      digits = digits.dropFirst()
    }
    let lower = digits.lowercased()
    let isHex = lower.hasPrefix("0x")
    if isHex && !lower.contains("p") || !lower.contains(where: { ".ep".contains($0) }) {
      var radix = 10
      var body = Substring(lower)
      if lower.hasPrefix("0x") {
        radix = 16
        body = body.dropFirst(2)
      } else if lower.hasPrefix("0o") {
        radix = 8
        body = body.dropFirst(2)
      } else if lower.hasPrefix("0b") {
        radix = 2
        body = body.dropFirst(2)
      } else if lower.count > 1 && lower.hasPrefix("0") {
        radix = 8
        body = body.dropFirst()
      }
      if !body.isEmpty, let magnitude = UInt64(body, radix: radix) {
        if !negative, let value = Int64(exactly: magnitude) {
          return NumberLiteral(text: text, value: .int(value))
        }
        if negative, magnitude <= Int64.min.magnitude {
          return NumberLiteral(text: text, value: .int(Int64(truncatingIfNeeded: 0 &- magnitude)))
        }
        return NumberLiteral(text: text, value: .double(negative ? -Double(magnitude) : Double(magnitude)))
      }
      throw error("illegal number syntax: \(GoQuote.quote(text))")
    }
    guard !lower.hasSuffix("i"), let value = Double(String(digits)) else {
      throw error("illegal number syntax: \(GoQuote.quote(text))")
    }
    return NumberLiteral(text: text, value: .double(negative ? -value : value))
  }
}
