/// A failure inside a template function.
enum FunctionFailure: Error {
  /// Reported as `error calling NAME: MESSAGE`.
  case message(String)
  /// An argument of the wrong type, reported at that argument as Go reports it.
  case wrongType(argument: Int, expected: String, got: JSONValue?)

  /// Go's wording for a wrong argument type.
  static func typeMessage(expected: String, got: JSONValue?) -> String {
    guard let got, got != .null else { return "invalid value; expected \(expected)" }
    return "wrong type for value; expected \(expected); got \(GoFormat.typeName(got))"
  }
}

/// A function callable from a template. Arguments that evaluated to no value are nil.
struct TemplateFunction: Sendable {
  /// How many arguments the function takes.
  enum Arity: Sendable {
    case exactly(Int)
    case atLeast(Int)
  }

  var arity: Arity
  var body: @Sendable ([JSONValue?]) throws(FunctionFailure) -> JSONValue?
}

/// Go's built-in template functions and the ones Docker's CLI adds (`json`, `join`, `split`,
/// `upper`, `lower`, `title`, `pad`, `truncate`).
enum TemplateFunctions {
  static let all: [String: TemplateFunction] = [
    // `and` and `or` short-circuit; the evaluator runs them itself.
    "and": TemplateFunction(arity: .atLeast(1)) { $0.last ?? nil },
    "or": TemplateFunction(arity: .atLeast(1)) { $0.last ?? nil },
    "not": TemplateFunction(arity: .exactly(1)) { .bool(!isTrue($0[0])) },
    "len": TemplateFunction(arity: .exactly(1)) { arguments throws(FunctionFailure) in try length(arguments[0]) },
    "index": TemplateFunction(arity: .atLeast(1)) { arguments throws(FunctionFailure) in try index(arguments) },
    "slice": TemplateFunction(arity: .atLeast(1)) { arguments throws(FunctionFailure) in try slice(arguments) },
    "print": TemplateFunction(arity: .atLeast(0)) { .string(GoFormat.sprint($0)) },
    "println": TemplateFunction(arity: .atLeast(0)) { .string(GoFormat.sprintln($0)) },
    "printf": TemplateFunction(arity: .atLeast(1)) { arguments throws(FunctionFailure) in
      .string(GoFormat.sprintf(try string(arguments, 0), Array(arguments.dropFirst())))
    },
    "eq": TemplateFunction(arity: .atLeast(1)) { arguments throws(FunctionFailure) in
      guard arguments.count > 1 else { throw .message("missing argument for comparison") }
      for other in arguments.dropFirst() where try equal(arguments[0], other) { return .bool(true) }
      return .bool(false)
    },
    "ne": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .bool(!(try equal(arguments[0], arguments[1])))
    },
    "lt": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .bool(try less(arguments[0], arguments[1]))
    },
    "le": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .bool(try lessOrEqual(arguments[0], arguments[1]))
    },
    "gt": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .bool(!(try lessOrEqual(arguments[0], arguments[1])))
    },
    "ge": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .bool(!(try less(arguments[0], arguments[1])))
    },
    "html": TemplateFunction(arity: .atLeast(0)) { .string(TextEscaping.html(joinedArguments($0))) },
    "js": TemplateFunction(arity: .atLeast(0)) { .string(TextEscaping.javaScript(joinedArguments($0))) },
    "urlquery": TemplateFunction(arity: .atLeast(0)) { .string(TextEscaping.urlQuery(joinedArguments($0))) },
    // Docker's additions (docker/cli templates.basicFunctions). `json` does not escape HTML.
    "json": TemplateFunction(arity: .exactly(1)) { .string(($0[0] ?? .null).jsonString(escapeHTML: false)) },
    "join": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      let separator = try string(arguments, 1)
      switch arguments[0] {
      case nil, .null?: return .string("")
      case .array(let elements)?:
        return .string(elements.map { $0.stringValue ?? GoFormat.print($0) }.joined(separator: separator))
      default: throw .wrongType(argument: 0, expected: "[]string", got: arguments[0])
      }
    },
    "split": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      .array(split(try string(arguments, 0), separator: try string(arguments, 1)).map(JSONValue.string))
    },
    "upper": TemplateFunction(arity: .exactly(1)) { arguments throws(FunctionFailure) in
      .string(mapScalars(try string(arguments, 0)) { $0.properties.uppercaseMapping })
    },
    "lower": TemplateFunction(arity: .exactly(1)) { arguments throws(FunctionFailure) in
      .string(mapScalars(try string(arguments, 0)) { $0.properties.lowercaseMapping })
    },
    "title": TemplateFunction(arity: .exactly(1)) { arguments throws(FunctionFailure) in
      .string(title(try string(arguments, 0)))
    },
    "pad": TemplateFunction(arity: .exactly(3)) { arguments throws(FunctionFailure) in
      let source = try string(arguments, 0)
      let before = try integer(arguments, 1)
      let after = try integer(arguments, 2)
      guard !source.isEmpty else { return .string(source) }
      return .string(
        String(repeating: " ", count: max(0, before)) + source + String(repeating: " ", count: max(0, after)))
    },
    "truncate": TemplateFunction(arity: .exactly(2)) { arguments throws(FunctionFailure) in
      let source = try string(arguments, 0)
      let length = try integer(arguments, 1)
      guard source.unicodeScalars.count >= length else { return .string(source) }
      return .string(String(String.UnicodeScalarView(source.unicodeScalars.prefix(max(0, length)))))
    },
  ]

  /// The names a template may call.
  static let names = Set(all.keys)

  /// Go's `isTrue`: false for no value, null, false, zero and empty strings, arrays and objects.
  static func isTrue(_ value: JSONValue?) -> Bool {
    switch value {
    case nil, .null?: false
    case .bool(let bool)?: bool
    case .int(let integer)?: integer != 0
    case .double(let double)?: double != 0
    case .string(let string)?: !string.isEmpty
    case .array(let elements)?: !elements.isEmpty
    case .object(let members)?: !members.isEmpty
    }
  }

  // MARK: Argument helpers

  static func string(_ arguments: [JSONValue?], _ index: Int) throws(FunctionFailure) -> String {
    guard case .string(let value)? = arguments[index] else {
      throw .wrongType(argument: index, expected: "string", got: arguments[index])
    }
    return value
  }

  static func integer(_ arguments: [JSONValue?], _ index: Int) throws(FunctionFailure) -> Int {
    guard case .int(let value)? = arguments[index], let result = Int(exactly: value) else {
      throw .wrongType(argument: index, expected: "int", got: arguments[index])
    }
    return result
  }

  /// Go's `evalArgs` for `html`, `js` and `urlquery`: a single string as is, else `Sprint`.
  static func joinedArguments(_ arguments: [JSONValue?]) -> String {
    if arguments.count == 1, case .string(let value)? = arguments[0] { return value }
    return GoFormat.sprint(arguments)
  }

  // MARK: Collections

  static func length(_ value: JSONValue?) throws(FunctionFailure) -> JSONValue {
    switch value {
    case nil, .null?: .int(0)
    case .string(let string)?: .int(Int64(string.utf8.count))
    case .array(let elements)?: .int(Int64(elements.count))
    case .object(let members)?: .int(Int64(members.count))
    default: throw .message("len of type \(GoFormat.typeName(value))")
    }
  }

  /// The zero value Go would return for a missing map key, inferred from the other members:
  /// `""` for (possibly empty) string maps such as `Labels`, `0`, `false`, `[]`, `map[]`, else null.
  static func zeroValue(of members: [(key: String, value: JSONValue)]) -> JSONValue {
    let values = members.map(\.value)
    if values.allSatisfy({ $0.stringValue != nil }) { return .string("") }
    if values.allSatisfy({ if case .int = $0 { true } else { false } }) { return .int(0) }
    if values.allSatisfy({ if case .double = $0 { true } else { false } }) { return .double(0) }
    if values.allSatisfy({ if case .bool = $0 { true } else { false } }) { return .bool(false) }
    if values.allSatisfy({ if case .array = $0 { true } else { false } }) { return .array([]) }
    return .null
  }

  static func index(_ arguments: [JSONValue?]) throws(FunctionFailure) -> JSONValue? {
    var item = arguments[0]
    for key in arguments.dropFirst() {
      switch (item, key) {
      case (nil, _):
        throw .message("index of untyped nil")
      case (.array(let elements)?, .int(let position)?):
        guard position >= 0, position < elements.count else { throw .message("index out of range: \(position)") }
        item = elements[Int(position)]
      case (.string(let string)?, .int(let position)?):
        let bytes = Array(string.utf8)
        guard position >= 0, position < bytes.count else { throw .message("index out of range: \(position)") }
        item = .int(Int64(bytes[Int(position)]))
      case (.array?, nil), (.array?, .null?), (.string?, nil), (.string?, .null?):
        throw .message("cannot index slice/array with nil")
      case (.array?, _), (.string?, _):
        throw .message("cannot index slice/array with type \(GoFormat.typeName(key))")
      case (.object(let members)?, .string(let name)?):
        item = members.first { $0.key == name }?.value ?? zeroValue(of: members)
      case (.object?, _):
        throw .message("value has type \(GoFormat.typeName(key)); should be string")
      case (.null?, .string?):
        // A null map, as Docker's nil `Labels`: Go returns the element's zero value.
        item = .string("")
      case (.null?, .int(let position)?):
        throw .message("index out of range: \(position)")
      default:
        throw .message("can't index item of type \(GoFormat.typeName(item))")
      }
    }
    return item
  }

  static func slice(_ arguments: [JSONValue?]) throws(FunctionFailure) -> JSONValue? {
    let item = arguments[0]
    let indexes = arguments.dropFirst()
    guard item != nil else { throw .message("slice of untyped nil") }
    guard indexes.count <= 3 else { throw .message("too many slice indexes: \(indexes.count)") }
    let count: Int
    switch item {
    case .string(let string)?:
      guard indexes.count < 3 else { throw .message("cannot 3-index slice a string") }
      count = string.utf8.count
    case .array(let elements)?:
      count = elements.count
    default:
      throw .message("can't slice item of type \(GoFormat.typeName(item))")
    }
    var bounds = [0, count, count]
    for (offset, index) in indexes.enumerated() {
      guard case .int(let value)? = index else {
        throw .message("cannot index slice/array with type \(GoFormat.typeName(index))")
      }
      guard value >= 0, value <= count else { throw .message("index out of range: \(value)") }
      bounds[offset] = Int(value)
    }
    guard bounds[0] <= bounds[1] else { throw .message("invalid slice index: \(bounds[0]) > \(bounds[1])") }
    if indexes.count == 3, bounds[1] > bounds[2] {
      throw .message("invalid slice index: \(bounds[1]) > \(bounds[2])")
    }
    switch item {
    case .string(let string)?:
      return .string(String(decoding: Array(string.utf8)[bounds[0]..<bounds[1]], as: UTF8.self))
    case .array(let elements)?:
      return .array(Array(elements[bounds[0]..<bounds[1]]))
    default:
      return item
    }
  }

  // MARK: Comparison

  /// Go's `eq` for two values. Integers and floats compare by value (Go would refuse to compare
  /// them, but JSON does not say which numbers were integers).
  static func equal(_ lhs: JSONValue?, _ rhs: JSONValue?) throws(FunctionFailure) -> Bool {
    switch (lhs, rhs) {
    case (nil, nil), (nil, .null?), (.null?, nil), (.null?, .null?): return true
    case (nil, _), (.null?, _), (_, nil), (_, .null?): return false
    case (.int(let a)?, .int(let b)?): return a == b
    case (.int(let a)?, .double(let b)?): return Double(a) == b
    case (.double(let a)?, .int(let b)?): return a == Double(b)
    case (.double(let a)?, .double(let b)?): return a == b
    case (.string(let a)?, .string(let b)?): return a == b
    case (.bool(let a)?, .bool(let b)?): return a == b
    case (.array?, .array?), (.object?, .object?): return lhs == rhs
    default: throw .message("incompatible types for comparison")
    }
  }

  /// Go's `lt`: numbers and strings only.
  static func less(_ lhs: JSONValue?, _ rhs: JSONValue?) throws(FunctionFailure) -> Bool {
    switch (lhs, rhs) {
    case (.int(let a)?, .int(let b)?): return a < b
    case (.int(let a)?, .double(let b)?): return Double(a) < b
    case (.double(let a)?, .int(let b)?): return a < Double(b)
    case (.double(let a)?, .double(let b)?): return a < b
    case (.string(let a)?, .string(let b)?): return a.utf8.lexicographicallyPrecedes(b.utf8)
    case (.bool?, .bool?), (.array?, .array?), (.object?, .object?), (.null?, .null?), (nil, nil):
      throw .message("invalid type for comparison")
    default: throw .message("incompatible types for comparison")
    }
  }

  static func lessOrEqual(_ lhs: JSONValue?, _ rhs: JSONValue?) throws(FunctionFailure) -> Bool {
    if try less(lhs, rhs) { return true }
    return try equal(lhs, rhs)
  }

  // MARK: Strings

  /// Go's `strings.Split`: byte-wise; an empty separator splits into characters.
  static func split(_ string: String, separator: String) -> [String] {
    guard !separator.isEmpty else { return string.unicodeScalars.map { String($0) } }
    let bytes = Array(string.utf8)
    let needle = Array(separator.utf8)
    var parts: [String] = []
    var start = 0
    var index = 0
    while index + needle.count <= bytes.count {
      if bytes[index..<(index + needle.count)].elementsEqual(needle) {
        parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
        index += needle.count
        start = index
      } else {
        index += 1
      }
    }
    parts.append(String(decoding: bytes[start...], as: UTF8.self))
    return parts
  }

  /// Maps each character on its own, approximating Go's simple case mappings
  /// (`unicode.ToUpper`/`ToLower`): a full mapping to several characters is used only when the
  /// rest are combining marks (`İ` → `i`), otherwise the character stays (`ß` is not `SS`).
  static func mapScalars(_ string: String, _ mapping: (Unicode.Scalar) -> String) -> String {
    var result = String.UnicodeScalarView()
    for scalar in string.unicodeScalars {
      let mapped = mapping(scalar).unicodeScalars
      if let first = mapped.first,
        mapped.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark })
      {
        result.append(first)
      } else {
        result.append(scalar)
      }
    }
    return String(result)
  }

  /// Go's deprecated `strings.Title`: the first letter of each word in title case.
  static func title(_ string: String) -> String {
    var result = String.UnicodeScalarView()
    var previous: Unicode.Scalar = " "
    for scalar in string.unicodeScalars {
      if isWordSeparator(previous) {
        let mapped = scalar.properties.titlecaseMapping.unicodeScalars
        result.append(mapped.count == 1 ? mapped.first ?? scalar : scalar)
      } else {
        result.append(scalar)
      }
      previous = scalar
    }
    return String(result)
  }

  private static func isWordSeparator(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
      let byte = UInt8(scalar.value)
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
        return false
      default:
        return true
      }
    }
    if TemplateLexer.isAlphaNumeric(scalar) { return false }
    return scalar.properties.isWhitespace
  }
}
