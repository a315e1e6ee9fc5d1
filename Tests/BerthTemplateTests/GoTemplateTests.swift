import Testing

@testable import BerthTemplate

/// A `docker inspect`-shaped document.
private let document = """
  {"Id":"3f2a1b4c5d6e","Name":"/web",\
  "Config":{"Cmd":["sh","-c","echo hi"],"Entrypoint":null,"Env":["PATH=/usr/bin","A=1"],\
  "Labels":{"b":"2","a":"1","com.example.x":"<&>"},"Image":"busybox","Tty":false,"ExposedPorts":{"80/tcp":{}}},\
  "State":{"Running":true,"Pid":1234,"ExitCode":0,"Status":"running","Health":null},\
  "Size":1.5,"Huge":1e6,"Ratio":0.000012,"Big":1000000,\
  "Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"4000"}]},"Mounts":[],"Names":["a","b"]}
  """

private let renderCases: [(String, String)] = [
  ("{{.Name}}", "/web"),
  ("id={{.Id}}\n", "id=3f2a1b4c5d6e\n"),
  ("{{.State.Pid}} {{.State.Running}} {{.State.ExitCode}}", "1234 true 0"),
  ("{{.Config.Cmd}}", "[sh -c echo hi]"),
  ("{{json .Config.Cmd}}", #"["sh","-c","echo hi"]"#),
  ("{{.Config.Cmd | json}}", #"["sh","-c","echo hi"]"#),
  ("{{.Config.Entrypoint}}", "<nil>"),
  ("{{json .Config.Entrypoint}}", "null"),
  ("{{.Missing}}", "<no value>"),
  ("{{.Missing.Deeper}}", "<no value>"),
  ("{{.State.Health.Status}}", "<no value>"),
  ("{{json .Missing}}", "null"),
  ("{{.Config.Labels}}", "map[a:1 b:2 com.example.x:<&>]"),
  ("{{json .Config.Labels}}", #"{"b":"2","a":"1","com.example.x":"<&>"}"#),
  ("{{.Config.ExposedPorts}}", "map[80/tcp:map[]]"),
  (#"{{index .Config.Labels "a"}}"#, "1"),
  (#"[{{index .Config.Labels "zzz"}}]"#, "[]"),
  (#"[{{index .Config.Entrypoint "zzz"}}]"#, "[]"),
  ("{{index .Config.Cmd 1}}", "-c"),
  (#"{{(index (index .Ports "80/tcp") 0).HostPort}}"#, "4000"),
  (
    #"{{range $p, $b := .Ports}}{{$p}} -> {{(index $b 0).HostIp}}:{{(index $b 0).HostPort}}{{end}}"#,
    "80/tcp -> 0.0.0.0:4000"
  ),
  (#"{{join .Config.Cmd ","}}"#, "sh,-c,echo hi"),
  (#"{{upper .Config.Image}} {{lower "ÀBC"}} {{title "hello wide-world"}}"#, "BUSYBOX àbc Hello Wide-World"),
  ("{{len .Config.Env}} {{len .Name}} {{len .Config.Labels}} {{len .Config.Entrypoint}}", "2 4 3 0"),
  ("{{println .Name .State.Pid}}", "/web 1234\n"),
  (#"{{printf "%s has pid %d" .Name .State.Pid}}"#, "/web has pid 1234"),
  (
    #"{{printf "%v|%q|%5d|%-5s|%05.1f" .Config.Cmd .Name 42 "ab" 3.14159}}"#,
    #"[sh -c echo hi]|"/web"|   42|ab   |003.1"#
  ),
  (#"{{.Name | printf "%s!"}}"#, "/web!"),
  ("{{range .Config.Env}}{{.}};{{end}}", "PATH=/usr/bin;A=1;"),
  ("{{range $i, $v := .Names}}{{$i}}={{$v}} {{end}}", "0=a 1=b "),
  ("{{range $k, $v := .Config.Labels}}{{$k}}:{{$v}},{{end}}", "a:1,b:2,com.example.x:<&>,"),
  ("{{range .Mounts}}x{{else}}none{{end}}", "none"),
  ("{{range .Config.Entrypoint}}x{{else}}none{{end}}", "none"),
  ("{{range $i, $e := .Config.Env}}{{if $i}},{{end}}{{$e}}{{end}}", "PATH=/usr/bin,A=1"),
  ("{{range .Names}}{{$.Name}}{{end}}", "/web/web"),
  ("{{range 3}}{{.}}{{end}}", "012"),
  (#"{{range .Config.Cmd}}{{if eq . "-c"}}{{break}}{{end}}{{.}} {{end}}"#, "sh "),
  (#"{{range .Names}}{{if eq . "a"}}{{continue}}{{end}}{{.}}{{end}}"#, "b"),
  ("{{if .State.Running}}up{{else}}down{{end}}", "up"),
  ("{{if .Config.Tty}}tty{{else if .State.Running}}running{{else}}other{{end}}", "running"),
  ("{{if .Missing}}yes{{else}}no{{end}}", "no"),
  ("{{with .State}}{{.Status}}{{end}}", "running"),
  ("{{with .State.Health}}{{.Status}}{{else}}no health{{end}}", "no health"),
  ("x  {{- .Name -}}  \n y", "x/weby"),
  ("a {{- /* comment */ -}} b{{/* another */}}c", "abc"),
  ("{{- 3}} {{-3}}", "3 -3"),
  ("{{.Size}} {{.Huge}} {{.Ratio}} {{.Big}}", "1.5 1e+06 1.2e-05 1000000"),
  (
    #"{{"literal"}} {{`raw\n`}} {{42}} {{-1.5}} {{0x1F}} {{'a'}} {{true}} {{print nil}}"#,
    #"literal raw\n 42 -1.5 31 97 true <nil>"#
  ),
  ("{{$x := .Name}}{{$x}} {{$x = .Id}}{{$x}}", "/web 3f2a1b4c5d6e"),
  (#"{{if and .State.Running (eq .State.Status "running")}}ok{{end}}"#, "ok"),
  ("{{if or .Config.Tty (gt .State.Pid 1000)}}big{{end}}", "big"),
  ("{{and 1 0 2}} {{or 0 \"\" 3}} {{or 0 false}}", "0 3 false"),
  ("{{if not .Config.Tty}}notty{{end}} {{not 1}}", "notty false"),
  (
    #"{{eq .State.Pid 1234}} {{ne .Name "/web"}} {{lt 1 2.5}} {{le "a" "a"}} {{ge 2 3}} {{eq 1 2 1}}"#,
    "true false true true false true"
  ),
  (#"{{split "a,b,c" ","}} {{len (split "" ",")}}"#, "[a b c] 1"),
  (#"[{{pad "x" 1 2}}] [{{pad "" 1 2}}] {{truncate "abcdef" 3}} {{truncate "ab" 3}}"#, "[ x  ] [] abc ab"),
  (#"{{print "a" "b" 1 2 "c"}}"#, "ab1 2c"),
  (#"{{slice .Names 1}} {{slice "hello" 1 3}}"#, "[b] el"),
  (#"{{html "<a&b>"}} {{urlquery "a b&c"}} {{js "it's <x>"}}"#, #"&lt;a&amp;b&gt; a+b%26c it\'s \u003Cx\u003E"#),
  (#"{{index . "Name"}} {{(.State).Pid}}"#, "/web 1234"),
  ("{{.State.Pid | printf \"%05d\" | len}}", "5"),
]

@Test("renders like Go text/template with Docker's functions", arguments: renderCases)
func render(template: String, expected: String) throws {
  let data = try JSONValue.parse(document)
  #expect(try GoTemplate(template).render(data) == expected)
}

@Test func dotPrintsWholeValue() throws {
  let data: JSONValue = ["b": [1, "x", nil], "a": ["k": 1.5]]
  #expect(try GoTemplate("{{.}}").render(data) == "map[a:map[k:1.5] b:[1 x <nil>]]")
  #expect(try GoTemplate("{{json .}}").render(data) == #"{"b":[1,"x",null],"a":{"k":1.5}}"#)
  #expect(try GoTemplate("{{.}}").render("plain") == "plain")
  #expect(try GoTemplate("{{.}}").render(nil) == "<nil>")
}

private struct Container: Encodable {
  var ID = "abc"
  var Names = ["/web"]
  var Labels = ["z": "1", "a": "2"]
}

@Test func rendersEncodableValues() throws {
  let template = try GoTemplate("{{.ID}} {{.Names}} {{json .}}")
  #expect(
    try template.render(encoding: Container())
      == #"abc [/web] {"ID":"abc","Names":["/web"],"Labels":{"a":"2","z":"1"}}"#)
  #expect(template.source == "{{.ID}} {{.Names}} {{json .}}")
}

private let parseErrors: [(String, String)] = [
  ("{{.Name }", #"template: :1: unexpected "}" in operand"#),
  ("{{.Name}", "template: :1: bad character U+007D '}'"),
  ("{{.Name", "template: :1: unclosed action"),
  ("{{.Name\n\n", "template: :3: unclosed action started at :1"),
  ("{{if .A}}x", "template: :1: unexpected EOF"),
  ("{{end}}", "template: :1: unexpected {{end}}"),
  ("{{else}}", "template: :1: unexpected {{else}}"),
  ("{{range .A}}{{else}}{{else}}{{end}}", "template: :1: expected end; found {{else}}"),
  ("{{foo .A}}", #"template: :1: function "foo" not defined"#),
  ("{{range}}{{end}}", "template: :1: missing value for range"),
  ("{{}}", "template: :1: missing value for command"),
  ("{{$x}}", #"template: :1: undefined variable "$x""#),
  ("{{if true}}{{$x := 1}}{{end}}{{$x}}", #"template: :1: undefined variable "$x""#),
  ("{{.A | 3}}", "template: :1: non executable command in pipeline stage 2"),
  ("{{break}}", "template: :1: {{break}} outside {{range}}"),
  (#"{{"abc}}"#, "template: :1: unterminated quoted string"),
  ("{{/* x", "template: :1: unclosed comment"),
  ("{{.A)}}", "template: :1: unexpected right paren"),
  ("{{(.A}}", "template: :1: unclosed left paren"),
  ("{{.A:}}", "template: :1: expected :="),
  ("{{3x}}", #"template: :1: bad number syntax: "3x""#),
  ("{{\"a\".B}}", #"template: :1: unexpected . after term "\"a\"""#),
  ("{{define \"x\"}}{{end}}", "template: :1: {{define}} is not supported"),
  ("line1\n{{if}}", "template: :2: missing value for if"),
  ("{{range $a, $b, $c := .X}}{{end}}", "template: :1: too many declarations in range"),
  ("{{with $x, $y := .}}{{end}}", "template: :1: too many declarations in with"),
]

@Test("parse errors carry Go's messages", arguments: parseErrors)
func parseError(template: String, message: String) {
  #expect(throws: TemplateError(.parse, message)) { try GoTemplate(template) }
}

private let executionErrors: [(String, String)] = [
  ("{{.Name.First}}", #"template: :1:7: executing "" at <.Name.First>: can't evaluate field First in type string"#),
  (
    "{{index .Config.Cmd 5}}",
    #"template: :1:2: executing "" at <index .Config.Cmd 5>: error calling index: index out of range: 5"#
  ),
  (
    #"{{index .Config.Cmd "x"}}"#,
    #"template: :1:2: executing "" at <index .Config.Cmd "x">: error calling index: cannot index slice/array with type string"#
  ),
  (
    "{{index .Missing 1}}",
    #"template: :1:2: executing "" at <index .Missing 1>: error calling index: index of untyped nil"#
  ),
  ("{{len 3}}", #"template: :1:2: executing "" at <len 3>: error calling len: len of type int"#),
  ("{{upper 3}}", #"template: :1:8: executing "" at <3>: expected string; found 3"#),
  (
    "{{upper .State.Pid}}",
    #"template: :1:14: executing "" at <.State.Pid>: wrong type for value; expected string; got int"#
  ),
  ("{{upper nil}}", #"template: :1:8: executing "" at <nil>: cannot assign nil to string"#),
  (#"{{join "a" ","}}"#, #"template: :1:7: executing "" at <"a">: can't handle "a" for arg of type []string"#),
  (
    #"{{lt "a" 1}}"#,
    #"template: :1:2: executing "" at <lt "a" 1>: error calling lt: incompatible types for comparison"#
  ),
  ("{{eq 1}}", #"template: :1:2: executing "" at <eq 1>: error calling eq: missing argument for comparison"#),
  ("{{range .Name}}{{end}}", #"template: :1:8: executing "" at <.Name>: range can't iterate over /web"#),
  ("{{.Name 1}}", #"template: :1:2: executing "" at <.Name>: Name is not a method but has arguments"#),
  ("{{nil}}", #"template: :1:2: executing "" at <nil>: nil is not a command"#),
  ("{{printf}}", #"template: :1:2: executing "" at <printf>: wrong number of args for printf: want at least 1 got 0"#),
  ("{{len .A .B}}", #"template: :1:2: executing "" at <len>: wrong number of args for len: want 1 got 2"#),
  ("{{\"x\" 1}}", #"template: :1:2: executing "" at <"x">: can't give argument to non-function "x""#),
  ("a\n  {{.Id.X}}", #"template: :2:7: executing "" at <.Id.X>: can't evaluate field X in type string"#),
  (#"{{pad "x" 1.5 2}}"#, #"template: :1:10: executing "" at <1.5>: expected integer; found 1.5"#),
  (
    #"{{pad "x" .Size 2}}"#,
    #"template: :1:10: executing "" at <.Size>: wrong type for value; expected int; got float64"#
  ),
]

@Test("execution errors carry Go's messages", arguments: executionErrors)
func executionError(template: String, message: String) throws {
  let data = try JSONValue.parse(document)
  let parsed = try GoTemplate(template)
  #expect(throws: TemplateError(.execution, message)) { try parsed.render(data) }
}

private let missingKeyErrors: [(String, String)] = [
  ("{{.Nope}}", #"template: :1:2: executing "" at <.Nope>: map has no entry for key "Nope""#),
  ("{{.Config.Nope}}", #"template: :1:9: executing "" at <.Config.Nope>: map has no entry for key "Nope""#),
  (
    "{{.State.Health.Status}}",
    #"template: :1:8: executing "" at <.State.Health.Status>: nil pointer evaluating interface {}.Status"#
  ),
  ("{{$x := .Nope}}{{$x.A}}", #"template: :1:8: executing "" at <.Nope>: map has no entry for key "Nope""#),
]

@Test("missingkey=error fails like docker inspect's raw fallback", arguments: missingKeyErrors)
func missingKeyError(template: String, message: String) throws {
  let data = try JSONValue.parse(document)
  let parsed = try GoTemplate(template, missingKey: .error)
  #expect(throws: TemplateError(.execution, message)) { try parsed.render(data) }
  #expect(try GoTemplate(template).render(data).hasSuffix("<no value>"))
}

@Test func missingKeyErrorStillRendersPresentKeys() throws {
  let data = try JSONValue.parse(document)
  let template = try GoTemplate(
    #"{{.Name}} {{index .Config.Labels "nope"}}|{{.Config.Entrypoint}}"#, missingKey: .error)
  #expect(try template.render(data) == "/web |<nil>")
}
