import Testing

@testable import BerthTemplate

private let shortestCases: [(Double, String)] = [
  (0, "0"), (1, "1"), (1.5, "1.5"), (-3.25, "-3.25"), (100, "100"), (123_456, "123456"), (1e6, "1e+06"),
  (1_234_567, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (1e21, "1e+21"), (0.1, "0.1"),
  (1.0 / 3.0, "0.3333333333333333"), (Double.leastNonzeroMagnitude, "5e-324"),
  (1.7976931348623157e308, "1.7976931348623157e+308"),
]

@Test("%v of float64 like Go", arguments: shortestCases)
func shortestFloat(value: Double, expected: String) {
  #expect(GoFloat.shortest(value) == expected)
}

private let printfCases: [(String, [JSONValue?], String)] = [
  ("%s=%d", ["a", 1], "a=1"),
  ("%v %v %v %v", [true, nil, .null, ["x", 1, .null]], "true <nil> <nil> [x 1 <nil>]"),
  ("%q", ["a\"b\n"], #""a\"b\n""#),
  ("%#q", ["a b"], "`a b`"),
  (
    "%5d|%-5d|%05d|%+d|%x|%X|%o|%#x|%b", [42, 42, 42, 42, 255, 255, 8, 255, 5],
    "   42|42   |00042|+42|ff|FF|10|0xff|101"
  ),
  ("%-6s|%6s|%.2s", ["ab", "ab", "abcdef"], "ab    |    ab|ab"),
  ("%.2f %e %g %v %8.3f", [3.14159, 1234.5678, 0.000012, 2.5, -1.5], "3.14 1.234568e+03 1.2e-05 2.5   -1.500"),
  ("%c%c %U %#U", [72, 105, 0x1F600, 65], "Hi U+1F600 U+0041 'A'"),
  ("%t %T %T %T", [false, 1, 1.5, ["a"]], "false int float64 []interface {}"),
  ("%d %s", ["x", 5], "%!d(string=x) %!s(int=5)"),
  ("%d", [["a", 1]], "[%!d(string=a) 1]"),
  ("%d", [], "%!d(MISSING)"),
  ("%d", [1, "two", nil], "1%!(EXTRA string=two, <nil>)"),
  ("100%%", [], "100%"),
  ("%v", [["b": 1, "a": ["x": true]]], "map[a:map[x:true] b:1]"),
  ("%*d|%-*d", [4, 7, 3, 1], "   7|1  "),
  ("%", [], "%!(NOVERB)"),
  ("%!", [], "%!!(MISSING)"),
  ("%[2]d %[1]d|%[1]*d|%d", [3, 2], "2 3|  2|%!d(MISSING)"),
  ("%[3]d %[x]d", [1], "%!d(BADINDEX) %!d(BADINDEX)"),
]

@Test("printf like Go", arguments: printfCases)
func printf(format: String, arguments: [JSONValue?], expected: String) {
  #expect(GoFormat.sprintf(format, arguments) == expected)
}

@Test func sprintSpacing() {
  #expect(GoFormat.sprint(["a", "b", 1, 2, "c", true]) == "ab1 2ctrue")
  #expect(GoFormat.sprintln(["a", "b", 1]) == "a b 1\n")
}

@Test func goQuoting() {
  #expect(GoQuote.quote("tab\there\u{7F}é😀") == #""tab\there\x7fé😀""#)
  #expect(GoQuote.unquote(#""a\tb\x41\u00e9\101""#) == "a\tbAéA")
  #expect(GoQuote.unquote("`raw\\n`") == "raw\\n")
  #expect(GoQuote.unquote(#""bad\q""#) == nil)
  #expect(GoQuote.describeCharacter("}") == "U+007D '}'")
}

@Test func caseMappingIsPerCharacter() {
  #expect(TemplateFunctions.mapScalars("straße", { $0.properties.uppercaseMapping }) == "STRAßE")
  #expect(TemplateFunctions.mapScalars("İSTANBUL", { $0.properties.lowercaseMapping }) == "istanbul")
  #expect(TemplateFunctions.title("ÿes sir_x o'neil 3rd") == "Ÿes Sir_x O'Neil 3rd")
}
