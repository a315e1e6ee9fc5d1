import Testing

@testable import BerthTemplate

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

private let roundTripCases: [(String, String)] = [
  (#"{"b":1,"a":2,"c":{"z":null,"y":[true,false]}}"#, #"{"b":1,"a":2,"c":{"z":null,"y":[true,false]}}"#),
  (" { \"x\" : [ 1 , 2.5 , -3 ] } ", #"{"x":[1,2.5,-3]}"#),
  (#"[]"#, "[]"),
  (#"{}"#, "{}"),
  (#""\u003c\u003e\u0026""#, #""\u003c\u003e\u0026""#),
  (#""tab\tnl\ncr\rq\"bs\\sl\/""#, #""tab\tnl\ncr\rq\"bs\\sl/""#),
  (#""\u0001\b\f\u001f""#, #""\u0001\b\f\u001f""#),
  (#""\ud83d\ude00 é \u2028""#, #""😀 é \u2028""#),
  ("1e3", "1000"),
  ("1.0", "1"),
  ("-0.5", "-0.5"),
  ("1e21", "1e+21"),
  ("1e-7", "1e-7"),
  ("0.000001", "0.000001"),
  ("123456789.25", "123456789.25"),
  ("9223372036854775807", "9223372036854775807"),
  ("9223372036854775808", "9223372036854776000"),
  ("-9223372036854775808", "-9223372036854775808"),
]

@Test("parse keeps order; serialise writes Go's compact JSON", arguments: roundTripCases)
func jsonRoundTrip(input: String, output: String) throws {
  #expect(try JSONValue.parse(input).jsonString() == output)
}

@Test func parsedNumberKinds() throws {
  #expect(try JSONValue.parse("42") == .int(42))
  #expect(try JSONValue.parse("-7") == .int(-7))
  #expect(try JSONValue.parse("4.5") == .double(4.5))
  #expect(try JSONValue.parse("1E2") == .double(100))
  #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
}

@Test func htmlEscapingIsOptional() throws {
  let value: JSONValue = ["k": "<a href=\"x\">&</a>"]
  #expect(value.jsonString() == #"{"k":"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e"}"#)
  #expect(value.jsonString(escapeHTML: false) == #"{"k":"<a href=\"x\">&</a>"}"#)
}

private let invalidJSON: [String] = [
  "", "{", "[1,]", "[1 2]", "tru", "nul", "\"abc", "01", "1.", "-", "1e", "{\"a\" 1}", "{a:1}", "{\"a\":1,}",
  "\"\u{01}\"", "\"\\x\"", "\"\\u12\"", "[1]]", "+1", ".5",
]

@Test("invalid JSON is refused", arguments: invalidJSON)
func invalidJSONFails(input: String) {
  #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
}

@Test func parseErrorReportsOffset() {
  #expect(throws: JSONParseError(offset: 6, message: "expected ',' or ']'")) { try JSONValue.parse("[1, 2 3]") }
}

@Test func objectEqualityIsOrdered() throws {
  let ab: JSONValue = ["a": 1, "b": 2]
  let ba: JSONValue = ["b": 2, "a": 1]
  #expect(ab != ba)
  #expect(ab == (try JSONValue.parse(#"{"a":1,"b":2}"#)))
  #expect(ab["b"] == 2)
  #expect(ab["z"] == nil)
  #expect(JSONValue.array(["x"])[0]?.stringValue == "x")
}

private struct Port: Encodable {
  var HostIp = "0.0.0.0"
  var HostPort = "4000"
}

private struct Inspect: Encodable {
  var Zeta = "first"
  var Alpha: Int = 2
  var Missing: String? = nil
  var Null: String?? = .some(nil)
  var Ratio = 0.1
  var Small: Float = 0.1
  var Flags = [true, false]
  var Labels = ["b": "2", "a": "1", "c": "3"]
  var Ports: [String: [Port]] = ["80/tcp": [Port()]]
  var Huge: UInt64 = .max
}

@Test func encodingKeepsDeclarationOrderAndSortsDictionaries() throws {
  let value = try JSONValue(encoding: Inspect())
  #expect(
    value.jsonString()
      == #"{"Zeta":"first","Alpha":2,"Null":null,"Ratio":0.1,"Small":0.1,"Flags":[true,false],"#
      + #""Labels":{"a":"1","b":"2","c":"3"},"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"4000"}]},"#
      + #""Huge":18446744073709552000}"#)
}

@Test func encodingJSONValueIsIdentity() throws {
  let value: JSONValue = ["b": [1, 2.5, nil], "a": "x"]
  #expect(try JSONValue(encoding: value) == value)
  #expect(try JSONValue(encoding: ["wrapped": value]) == ["wrapped": value])
}

@Test func codableThroughFoundation() throws {
  let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(#"[1,"a",null,true,1.5,{"k":[]}]"#.utf8))
  #expect(decoded == [1, "a", nil, true, 1.5, ["k": []]])
  let encoder = JSONEncoder()
  encoder.outputFormatting = .sortedKeys
  let value: JSONValue = ["b": 1, "a": [nil, false]]
  let encoded = try encoder.encode(value)
  #expect(String(decoding: encoded, as: UTF8.self) == #"{"a":[null,false],"b":1}"#)
}
