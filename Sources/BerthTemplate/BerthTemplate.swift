/// BerthTemplate: Go's `text/template` as `docker inspect -f` and `--format` use it, over
/// ordered JSON values (``JSONValue``), with Go-compatible output and error messages.
///
/// This module owns template parsing and rendering, JSON text parsing and Go-style JSON
/// serialisation. It must not do I/O and must not depend on any other Berth module; the CLI
/// converts its data to ``JSONValue`` (``JSONValue/init(encoding:)``) and prints the result.
public enum BerthTemplate {}
