extension JSONValue {
  /// Converts an `Encodable` value to JSON without going through text.
  ///
  /// Unlike `JSONEncoder`, whose object member order is unspecified (and varies between runs on
  /// Linux), this keeps the order in which `encode(to:)` writes members — declaration order for
  /// synthesized conformances, i.e. the order of Docker's Go structs when the Swift types follow
  /// them — and sorts the keys of dictionaries, as Go's `encoding/json` sorts map keys.
  ///
  /// Types are encoded with their own `Encodable` conformance and no strategies: a `Date`
  /// becomes its `timeIntervalSinceReferenceDate` number and `Data` an array of bytes, so types
  /// meant for `--format` should hold times as RFC 3339 strings, as Docker's JSON does.
  public init(encoding value: some Encodable) throws {
    let box = EncodingBox()
    try box.encode(value, codingPath: [])
    self = box.value
  }
}

/// A node of the tree that the encoder builds; converted to a ``JSONValue`` at the end.
final class EncodingBox {
  private enum Kind {
    case unset, scalar, object, array
  }

  private var kind = Kind.unset
  private var scalar = JSONValue.null
  private var memberKeys: [String] = []
  private var members: [String: EncodingBox] = [:]
  private var elements: [EncodingBox] = []
  private var sortsKeys = false

  /// The JSON value built so far. A value that encoded nothing is `{}`, as with `JSONEncoder`.
  var value: JSONValue {
    switch kind {
    case .unset: return .object([])
    case .scalar: return scalar
    case .array: return .array(elements.map(\.value))
    case .object:
      let keys = sortsKeys ? memberKeys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : memberKeys
      return .object(keys.compactMap { key in members[key].map { (key: key, value: $0.value) } })
    }
  }

  func set(_ value: JSONValue) {
    kind = .scalar
    scalar = value
  }

  func becomeObject(sortingKeys: Bool) {
    if kind != .object {
      kind = .object
      memberKeys = []
      members = [:]
    }
    sortsKeys = sortsKeys || sortingKeys
  }

  func becomeArray() {
    if kind != .array {
      kind = .array
      elements = []
    }
  }

  /// The child for `key`, created (and ordered) on first use.
  func member(_ key: String) -> EncodingBox {
    if let existing = members[key] { return existing }
    let child = EncodingBox()
    members[key] = child
    memberKeys.append(key)
    return child
  }

  /// A new array element.
  func appendElement() -> EncodingBox {
    let child = EncodingBox()
    elements.append(child)
    return child
  }

  var elementCount: Int { elements.count }

  func encode<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
    if let json = value as? JSONValue {
      set(json)
    } else {
      try value.encode(to: BoxEncoder(box: self, codingPath: codingPath))
    }
  }

  /// Integers that do not fit `Int64` become doubles, as in Go's `interface{}` decoding.
  static func integer(_ value: some BinaryInteger) -> JSONValue {
    Int64(exactly: value).map(JSONValue.int) ?? .double(Double(value))
  }

  /// Floats are widened through their shortest text so `0.1` stays `0.1`.
  static func float(_ value: Float) -> JSONValue {
    .double(Double(value.description) ?? Double(value))
  }
}

/// The `Encoder` writing into an ``EncodingBox``.
struct BoxEncoder: Encoder {
  let box: EncodingBox
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    // Dictionary<String, _> and Dictionary<Int, _> encode through the standard library's
    // `_DictionaryCodingKey`; their keys are sorted like Go's map keys.
    box.becomeObject(sortingKeys: String(describing: Key.self).hasPrefix("_DictionaryCodingKey"))
    return KeyedEncodingContainer(BoxKeyedContainer<Key>(box: box, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    box.becomeArray()
    return BoxUnkeyedContainer(box: box, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    BoxSingleValueContainer(box: box, codingPath: codingPath)
  }
}

struct BoxKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let box: EncodingBox
  var codingPath: [any CodingKey]

  private func child(_ key: Key) -> EncodingBox { box.member(key.stringValue) }

  mutating func encodeNil(forKey key: Key) throws { child(key).set(.null) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).set(.bool(value)) }
  mutating func encode(_ value: String, forKey key: Key) throws { child(key).set(.string(value)) }
  mutating func encode(_ value: Double, forKey key: Key) throws { child(key).set(.double(value)) }
  mutating func encode(_ value: Float, forKey key: Key) throws { child(key).set(EncodingBox.float(value)) }
  mutating func encode(_ value: Int, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).set(EncodingBox.integer(value)) }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try child(key).encode(value, codingPath: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    BoxEncoder(box: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    BoxEncoder(box: child(key), codingPath: codingPath + [key]).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    BoxEncoder(box: box.member("super"), codingPath: codingPath + [AnyCodingKey("super")])
  }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    BoxEncoder(box: child(key), codingPath: codingPath + [key])
  }
}

struct BoxUnkeyedContainer: UnkeyedEncodingContainer {
  let box: EncodingBox
  var codingPath: [any CodingKey]
  var count: Int { box.elementCount }

  private var nextKey: AnyCodingKey { AnyCodingKey(intValue: count) ?? AnyCodingKey("") }

  mutating func encodeNil() throws { box.appendElement().set(.null) }
  mutating func encode(_ value: Bool) throws { box.appendElement().set(.bool(value)) }
  mutating func encode(_ value: String) throws { box.appendElement().set(.string(value)) }
  mutating func encode(_ value: Double) throws { box.appendElement().set(.double(value)) }
  mutating func encode(_ value: Float) throws { box.appendElement().set(EncodingBox.float(value)) }
  mutating func encode(_ value: Int) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int8) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int16) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int32) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int64) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt8) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt16) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt32) throws { box.appendElement().set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt64) throws { box.appendElement().set(EncodingBox.integer(value)) }

  mutating func encode<T: Encodable>(_ value: T) throws {
    let key = nextKey
    try box.appendElement().encode(value, codingPath: codingPath + [key])
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let key = nextKey
    return BoxEncoder(box: box.appendElement(), codingPath: codingPath + [key]).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let key = nextKey
    return BoxEncoder(box: box.appendElement(), codingPath: codingPath + [key]).unkeyedContainer()
  }

  mutating func superEncoder() -> any Encoder {
    let key = nextKey
    return BoxEncoder(box: box.appendElement(), codingPath: codingPath + [key])
  }
}

struct BoxSingleValueContainer: SingleValueEncodingContainer {
  let box: EncodingBox
  var codingPath: [any CodingKey]

  mutating func encodeNil() throws { box.set(.null) }
  mutating func encode(_ value: Bool) throws { box.set(.bool(value)) }
  mutating func encode(_ value: String) throws { box.set(.string(value)) }
  mutating func encode(_ value: Double) throws { box.set(.double(value)) }
  mutating func encode(_ value: Float) throws { box.set(EncodingBox.float(value)) }
  mutating func encode(_ value: Int) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int8) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int16) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int32) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: Int64) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt8) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt16) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt32) throws { box.set(EncodingBox.integer(value)) }
  mutating func encode(_ value: UInt64) throws { box.set(EncodingBox.integer(value)) }

  mutating func encode<T: Encodable>(_ value: T) throws {
    try box.encode(value, codingPath: codingPath)
  }
}
