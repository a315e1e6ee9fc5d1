import BerthOCI
import Foundation
import Testing

@testable import BerthEngine

@Suite struct ImportChangesTests {
  @Test func appliesChanges() throws {
    var config = ContainerConfig()
    for change in [
      "CMD [\"sh\", \"-c\", \"echo hi\"]", "ENTRYPOINT /bin/run", "ENV A=1 B=\"two words\"", "ENV C 3",
      "WORKDIR /app", "EXPOSE 80 53/udp", "USER app", "LABEL version=1.0", "STOPSIGNAL SIGINT",
    ] {
      try ImportChanges.apply(change, to: &config)
    }
    #expect(config.cmd == ["sh", "-c", "echo hi"])
    #expect(config.entrypoint == ["/bin/sh", "-c", "/bin/run"])
    #expect(config.env == ["A=1", "B=two words", "C=3"])
    #expect(config.workingDir == "/app")
    #expect(config.exposedPorts?.keys.sorted() == ["53/udp", "80/tcp"])
    #expect(config.user == "app")
    #expect(config.labels == ["version": "1.0"])
    #expect(config.stopSignal == "SIGINT")
  }

  @Test func rejectsUnknownInstruction() {
    var config = ContainerConfig()
    #expect(throws: BerthError.self) { try ImportChanges.apply("RUN echo", to: &config) }
  }

  @Test func resolvConfSkipsLoopback() throws {
    let path = "/tmp/berth-resolv-\(getpid())"
    try "nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch example\n".write(
      toFile: path, atomically: true, encoding: .utf8)
    #expect(ResolvConf.forContainer(host: path) == "nameserver 10.0.0.2\nsearch example\n")
    try "nameserver 127.0.0.53\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(ResolvConf.forContainer(host: path).contains("nameserver 8.8.8.8"))
  }
}
