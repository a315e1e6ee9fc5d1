import BerthOCI
import BerthTemplate

/// `--format` templates and Docker's indented JSON.
enum Format {
  /// Renders each value with a Go template, one line each, as `docker inspect -f` does.
  static func render(_ template: String, _ values: [JSONValue]) throws -> String {
    let parsed: GoTemplate
    do { parsed = try GoTemplate(template, missingKey: .error) } catch {
      throw BerthError.invalid("template parsing error: \(error)")
    }
    var out = ""
    for v in values {
      do { out += try parsed.render(v) + "\n" } catch {
        throw BerthError.invalid("template: \(error)")
      }
    }
    return out
  }

  /// Go's `json.MarshalIndent(v, "", "    ")`.
  static func indented(_ value: JSONValue, level: Int = 0) -> String {
    let pad = String(repeating: "    ", count: level + 1)
    let end = String(repeating: "    ", count: level)
    switch value {
    case .array(let items):
      if items.isEmpty { return "[]" }
      return "[\n" + items.map { pad + indented($0, level: level + 1) }.joined(separator: ",\n") + "\n\(end)]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      return "{\n"
        + members.map { pad + JSONValue.string($0.key).jsonString() + ": " + indented($0.value, level: level + 1) }
        .joined(separator: ",\n") + "\n\(end)}"
    default:
      return value.jsonString()
    }
  }
}
