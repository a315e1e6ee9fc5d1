import Testing

@testable import BerthDockerfile

private let environment = ["PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": "", "X": "xxyy", "SP": "a  b"]

private func lookup(_ name: String) -> String? { environment[name] }

/// `ProcessWord`: (input, expected result), nil for an error.
private let wordCases: [(String, String?)] = [
  ("hello", "hello"),
  ("he'll'o", "hello"),
  ("he'llo", nil),
  ("he\\'llo", "he'llo"),
  ("abc\\tdef", "abctdef"),
  ("\"abc\\tdef\"", "abc\\tdef"),
  ("\"abc\\\\tdef\"", "abc\\tdef"),
  ("'abc\\tdef'", "abc\\tdef"),
  ("hello\\", "hello"),
  ("\"hello", nil),
  ("'hello\\'", "hello\\"),
  ("$.", "$."),
  ("he$1x", "hex"),
  ("he$PWD", "he/home"),
  ("he\\$PWD", "he$PWD"),
  ("\"he\\$PWD\"", "he$PWD"),
  ("'he$PWD'", "he$PWD"),
  ("\\${}", "${}"),
  ("${}", nil),
  ("he${hi}xx", "hexx"),
  ("he${.}", nil),
  ("he${XXX:-000}xx", "he000xx"),
  ("he${PWD:-000}xx", "he/homexx"),
  ("he${XXX:-${PWD:-yyy}}xx", "he/homexx"),
  ("he${NULL-dflt}", "he"),
  ("he${NULL:-dflt}", "hedflt"),
  ("he${XXX:+000}xx", "hexx"),
  ("he${PWD:+000}xx", "he000xx"),
  ("he${NULL+set}", "heset"),
  ("he${NULL:+set}", "he"),
  ("he${PWD?}", "he/home"),
  ("he${NULL?}", "he"),
  ("he${NULL:?}", nil),
  ("he${XXX?}", nil),
  ("he${XXX:YYY}", nil),
  ("he${PWD:=000}xx", nil),
  ("he${PWD", nil),
  ("\"he'$PWD'\"", "he'/home'"),
  ("안녕$KOREAN", "안녕한국어"),
  ("${aaa:-bbb {foo}", "bbb {foo"),
  ("${1:-bbb}", "bbb"),
  ("$@aaa", "aaa"),
  ("${X#x}", "xyy"),
  ("${X##*x}", "yy"),
  ("${X%y}", "xxy"),
  ("${X%%y*}", "xx"),
  ("${X/x/z}", "zxyy"),
  ("${X//x/z}", "zzyy"),
  ("${X:#x}", nil),
]

@Test("ProcessWord", arguments: wordCases)
func expandWord(input: String, expected: String?) throws {
  let expander = ShellWordExpander()
  if let expected {
    #expect(try expander.expand(input, lookup: lookup) == expected, "\(input)")
  } else {
    #expect(throws: ShellExpansionError.self, "\(input)") { try expander.expand(input, lookup: lookup) }
  }
}

/// `ProcessWords`: (input, expected words).
private let wordsCases: [(String, [String])] = [
  ("hello there", ["hello", "there"]),
  ("hello${SP}bye", ["helloa", "bbye"]),
  ("hello\"${SP}\"bye", ["helloa  bbye"]),
  ("hello\\ there", ["hello there"]),
  ("hello\\\" there", ["hello\"", "there"]),
  ("80/tcp   443", ["80/tcp", "443"]),
  ("\"\"", []),
]

@Test("ProcessWords", arguments: wordsCases)
func expandWords(input: String, expected: [String]) throws {
  #expect(try ShellWordExpander().expandWords(input, lookup: lookup) == expected)
}

@Test func backtickEscape() throws {
  let expander = ShellWordExpander(escapeCharacter: "`")
  #expect(try expander.expand("c:\\dir`$PWD", lookup: lookup) == "c:\\dir$PWD")
  #expect(try expander.expand("\"a`\"b\"", lookup: lookup) == "a\"b")
}

@Test func errorMessagesReadLikeBuildKit() {
  #expect(throws: ShellExpansionError("failed to process \"${V:?}\": V: is not allowed to be empty")) {
    try ShellWordExpander().expand("${V:?}") { _ in "" }
  }
  #expect(throws: ShellExpansionError("failed to process \"${V?must set}\": V: must set")) {
    try ShellWordExpander().expand("${V?must set}") { _ in nil }
  }
}

@Test func heredocBodyKeepsQuotes() throws {
  #expect(
    try ShellWordExpander.heredocBody.expand("echo \"$PWD\" '$SHELL'\n", lookup: lookup) == "echo \"/home\" 'bash'\n")
}
