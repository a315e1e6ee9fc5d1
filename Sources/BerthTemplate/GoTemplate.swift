/// A parsed Go `text/template`, as `docker inspect -f` and `--format` use them.
///
/// ```swift
/// let template = try GoTemplate("{{.Name}} {{json .Config.Cmd}}")
/// let text = try template.render(inspectDocument)
/// ```
///
/// Supported: text, `{{.}}`, field chains `{{.A.B}}` (a missing key prints `<no value>`),
/// variables (`$`, `$x := …`, `$x = …`), pipelines `{{.X | json}}`, parentheses, string, raw
/// string, character, number, boolean and `nil` literals, `{{if}}`/`{{else if}}`/`{{else}}`,
/// `{{range}}` (with `$i, $v :=`, `{{else}}`, `{{break}}`, `{{continue}}`), `{{with}}`, comments
/// and `{{-`/`-}}` trimming. Functions: Go's `and or not len index slice print printf println
/// eq ne lt le gt ge html js urlquery` and Docker's `json join split upper lower title pad
/// truncate`. Not supported: `define`, `template`, `block` and `call`.
///
/// Values print like Go's `fmt` prints decoded JSON: `null` is `<nil>`, arrays `[a b]`, objects
/// `map[k:v]` with sorted keys, numbers in Go's `%v` form.
public struct GoTemplate: Sendable {
  /// What a field access does when the key is missing (Go's `missingkey` option).
  public enum MissingKey: Sendable, Equatable {
    /// Go's default: the result is no value, printed `<no value>`; a field of `null` is also no value.
    case noValue
    /// `missingkey=error`: a missing key fails with `map has no entry for key "X"` and a field of
    /// `null` with `nil pointer evaluating interface {}.X`. `docker inspect` renders its raw-JSON
    /// fallback this way.
    case error
  }

  /// The template text.
  public let source: String
  /// What a missing key does.
  public let missingKey: MissingKey
  private let nodes: [TemplateNode]

  /// Parses `source`, throwing a ``TemplateError`` with Go's message when it is malformed.
  public init(_ source: String, missingKey: MissingKey = .noValue) throws(TemplateError) {
    self.source = source
    self.missingKey = missingKey
    nodes = try TemplateParser.parse(source, functions: TemplateFunctions.names)
  }

  /// Renders the template with `dot` as `.` and `$`.
  public func render(_ dot: JSONValue) throws(TemplateError) -> String {
    try TemplateEvaluator.render(nodes, source: source, dot: dot, missingKey: missingKey)
  }

  /// Renders the template with an `Encodable` value converted by ``JSONValue/init(encoding:)``.
  public func render(encoding value: some Encodable) throws -> String {
    try render(JSONValue(encoding: value))
  }
}
