/// `HEALTHCHECK` and `ONBUILD`, the two instructions that wrap another command.
extension Instruction {
  static func healthcheck(_ node: DockerfileNode) throws(Partial) -> HealthcheckInstruction {
    guard let first = node.arguments.first else { throw Partial("HEALTHCHECK requires at least one argument") }
    let type = first.uppercased()
    let rest = Array(node.arguments.dropFirst())
    if type == "NONE" {
      guard rest.isEmpty else { throw Partial("HEALTHCHECK NONE takes no arguments") }
      return HealthcheckInstruction(test: ["NONE"])
    }
    var flags = BuilderFlags([
      "interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string, "retries": .string,
    ])
    try flags.parse(node.flags)
    guard type == "CMD" else { throw Partial("Unknown type \(goQuoted(type)) in HEALTHCHECK (try CMD)") }
    guard !rest.isEmpty else { throw Partial("Missing command after HEALTHCHECK CMD") }
    var check = HealthcheckInstruction(
      test: node.isJSON ? ["CMD"] + rest : ["CMD-SHELL", rest.joined(separator: " ")])
    check.interval = try interval(flags, "interval")
    check.timeout = try interval(flags, "timeout")
    check.startPeriod = try interval(flags, "start-period")
    check.startInterval = try interval(flags, "start-interval")
    if let text = flags.strings["retries"], !text.isEmpty {
      guard let retries = Int32(text) else {
        throw Partial("strconv.ParseInt: parsing \(goQuoted(text)): invalid syntax")
      }
      guard retries >= 0 else { throw Partial("--retries cannot be negative (\(retries))") }
      check.retries = Int(retries)
    }
    return check
  }

  private static func interval(_ flags: BuilderFlags, _ name: String) throws(Partial) -> Int64? {
    guard let text = flags.strings[name], !text.isEmpty else { return nil }
    guard let nanoseconds = GoDuration.nanoseconds(text) else {
      throw Partial("time: invalid duration \(goQuoted(text))")
    }
    if nanoseconds == 0 { return nil }
    guard nanoseconds >= 1_000_000 else { throw Partial("Interval \(goQuoted(name)) cannot be less than 1ms") }
    return nanoseconds
  }

  static func onbuild(_ node: DockerfileNode) throws(Partial) -> OnBuildInstruction {
    guard var trigger = node.trigger else { throw Partial("ONBUILD requires at least one argument") }
    try BuilderFlags.expectNone(node.flags)
    switch trigger.command.uppercased() {
    case "ONBUILD": throw Partial("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
    case "MAINTAINER", "FROM": throw Partial("\(trigger.command.uppercased()) isn't allowed as an ONBUILD trigger")
    default: break
    }
    trigger.heredocs = node.heredocs
    var expression = String(
      node.original.drop { $0.unicodeScalars.allSatisfy(\.isGoSpace) }.dropFirst("ONBUILD".count)
        .drop { $0.unicodeScalars.allSatisfy(\.isGoSpace) })
    for heredoc in node.heredocs {
      expression += "\n" + heredoc.content + heredoc.name
    }
    return OnBuildInstruction(expression: expression, trigger: try Instruction(typing: trigger))
  }
}
