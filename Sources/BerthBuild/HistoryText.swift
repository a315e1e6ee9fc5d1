import BerthOCI

/// The `created_by` strings Docker's classic builder records in an image's history (and uses,
/// with the config, as the cache probe): a metadata step is
/// `/bin/sh -c #(nop)  CMD ["python" "app.py"]` (the shell, `#(nop) ` and the comment joined by
/// spaces), WORKDIR and COPY/ADD are `/bin/sh -c #(nop) COPY dir:<hash> in /app ` and RUN is its
/// argv, prefixed by `|N K=V…` when build args are in scope.
public enum HistoryText {
  /// `withCmdComment`: shell + `#(nop) ` + comment, joined by spaces (hence the double space).
  public static func nop(_ comment: String, shell: [String]) -> String {
    (shell + ["#(nop) ", comment]).joined(separator: " ")
  }

  /// `withCmdCommentString`: shell + `#(nop) <comment>`.
  public static func nopString(_ comment: String, shell: [String]) -> String {
    (shell + ["#(nop) " + comment]).joined(separator: " ")
  }

  /// RUN's recorded command: `|2 A=1 B=2 /bin/sh -c make` with build args, else the argv.
  public static func runCommand(_ argv: [String], buildArgs: [String]) -> [String] {
    buildArgs.isEmpty ? argv : ["|\(buildArgs.count)"] + buildArgs + argv
  }

  /// The comment of a metadata step, or nil for steps whose text is not `nop` (RUN, COPY,
  /// WORKDIR).
  public static func comment(for step: BuildStep, config: ContainerConfig) -> String? {
    switch step {
    case .env(let pairs): return "ENV" + pairs.map { " \($0.key)=\($0.value)" }.joined()
    case .label(let pairs): return "LABEL" + pairs.map { " \($0.key)=\($0.value)" }.joined()
    case .arg(let args):
      return "ARG " + args.map { a in a.defaultValue.map { "\(a.name)=\($0)" } ?? a.name }.joined(separator: " ")
    case .cmd: return "CMD " + goQuote(config.cmd ?? [])
    case .entrypoint: return "ENTRYPOINT " + goQuote(config.entrypoint ?? [])
    case .expose(let ports): return "EXPOSE " + ports.joined(separator: " ")
    case .user(let user): return "USER " + user
    case .volume(let paths): return "VOLUME [" + paths.joined(separator: " ") + "]"
    case .stopSignal(let signal): return "STOPSIGNAL " + signal
    case .shell(let shell): return "SHELL " + goQuote(shell)
    case .onBuild(let trigger): return "ONBUILD " + trigger
    case .maintainer(let name): return "MAINTAINER " + name
    case .healthcheck(let check): return "HEALTHCHECK " + goHealthcheck(check)
    case .run, .copy, .workdir: return nil
    }
  }

  /// Go's `%q` of a string slice: `["python" "app.py"]`.
  public static func goQuote(_ words: [String]) -> String {
    "[" + words.map(goQuote).joined(separator: " ") + "]"
  }

  /// Go's `%q` of a string.
  public static func goQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + String(scalar.value, radix: 16).leftPadded(2)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Go's `%q` of a `*HealthConfig`: `&{["CMD-SHELL" "curl -f x"] "30s" "3s" "0s" '\x03'}`.
  static func goHealthcheck(_ check: Healthcheck) -> String {
    let retries = check.retries ?? 0
    let quotedRetries = "'\\x" + String(retries, radix: 16).leftPadded(2) + "'"
    return "&{\(goQuote(check.test ?? [])) \(goQuote(goDuration(check.interval ?? 0))) "
      + "\(goQuote(goDuration(check.timeout ?? 0))) \(goQuote(goDuration(check.startPeriod ?? 0))) \(quotedRetries)}"
  }

  /// Go's `time.Duration.String` for whole and fractional seconds: `0s`, `1.5s`, `5m0s`, `1h0m0s`.
  public static func goDuration(_ nanoseconds: Int64) -> String {
    if nanoseconds == 0 { return "0s" }
    if nanoseconds < 1_000_000_000 {
      if nanoseconds % 1_000_000 == 0 { return "\(nanoseconds / 1_000_000)ms" }
      if nanoseconds % 1000 == 0 { return "\(nanoseconds / 1000)µs" }
      return "\(nanoseconds)ns"
    }
    let hours = nanoseconds / 3_600_000_000_000
    let minutes = (nanoseconds / 60_000_000_000) % 60
    let nanos = nanoseconds % 60_000_000_000
    var seconds = "\(nanos / 1_000_000_000)"
    if nanos % 1_000_000_000 != 0 {
      var fraction = String(nanos % 1_000_000_000).leftPadded(9)
      while fraction.hasSuffix("0") { fraction.removeLast() }
      seconds += "." + fraction
    }
    if hours > 0 { return "\(hours)h\(minutes)m\(seconds)s" }
    if minutes > 0 { return "\(minutes)m\(seconds)s" }
    return seconds + "s"
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
