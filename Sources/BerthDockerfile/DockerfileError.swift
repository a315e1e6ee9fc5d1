/// A Dockerfile that cannot be parsed or built, located at a line of a file.
///
/// `description` reads like Docker's: `Dockerfile:2: unknown instruction: RUUN (did you mean RUN?)`.
public struct DockerfileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file name as the user knows it, for example `Dockerfile` or `build/Dockerfile.dev`.
  public var file: String
  /// The 1-based line of the instruction (its first line when it spans several), or 0 when the
  /// error concerns the file as a whole.
  public var line: Int
  /// The message, worded as BuildKit words it, for example `FROM requires either one or three arguments`.
  public var message: String

  /// Creates an error at `line` of `file`.
  public init(file: String = "Dockerfile", line: Int, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  /// `file:line: message`, or `file: message` when there is no line.
  public var description: String {
    line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)"
  }
}

/// An error raised while expanding a shell word, before it is tied to a file and line.
///
/// `description` reads like BuildKit's: `failed to process "${X:?}": X: is not allowed to be unset`.
public struct ShellExpansionError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The full message.
  public var description: String

  /// Creates an error with the given message.
  public init(_ description: String) {
    self.description = description
  }
}

/// A message located at an instruction, thrown by the stages below ``Dockerfile`` and turned into a
/// ``DockerfileError`` once the file name is known.
struct LocatedMessage: Error {
  var line: Int
  var message: String
}

/// Go's `%q` for the plain strings that appear in Docker's error messages.
func goQuoted(_ string: String) -> String {
  var result = "\""
  for scalar in string.unicodeScalars {
    switch scalar {
    case "\"": result += "\\\""
    case "\\": result += "\\\\"
    case "\n": result += "\\n"
    case "\t": result += "\\t"
    case "\r": result += "\\r"
    default:
      if scalar.value < 0x20 || scalar.value == 0x7f {
        result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
  }
  return result + "\""
}
