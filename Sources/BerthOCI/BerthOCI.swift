/// BerthOCI: the OCI image-spec and distribution types Berth speaks, plus Docker's reference and
/// digest grammar and the pure rules `docker run` uses to combine an image config with user options.
///
/// This module owns data and pure logic only. It must not do I/O (no files, sockets, clocks or
/// processes) and must not depend on any other Berth module; everything here is testable in
/// milliseconds.
public enum BerthOCIModule {}
