import Testing

@testable import BerthOCI

/// A config as Docker 20.10 wrote it for busybox (trimmed), with every member Berth models.
private let dockerConfigJSON = """
  {"architecture":"amd64","author":"someone","config":{"AttachStderr":false,"AttachStdin":false,\
  "AttachStdout":false,"ArgsEscaped":true,"Cmd":["sh"],"Domainname":"","Entrypoint":null,\
  "Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],\
  "ExposedPorts":{"80/tcp":{}},"Healthcheck":{"Interval":30000000000,"Retries":3,"Test":["CMD-SHELL","true"]},\
  "Hostname":"","Image":"sha256:2b8fd9751c4c0f5dd266fcae00707e67a2545ef34f9a29354585f93dac906749",\
  "Labels":{"a":"b"},"OnBuild":null,"OpenStdin":false,"Shell":["/bin/sh","-c"],"StdinOnce":false,\
  "StopSignal":"SIGTERM","Tty":false,"User":"","Volumes":{"/data":{}},"WorkingDir":"/app"},\
  "created":"2023-05-19T20:19:24.515517286Z",\
  "history":[{"created":"2023-05-19T20:19:24.382813413Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / "},\
  {"created":"2023-05-19T20:19:24.515517286Z","created_by":"/bin/sh -c #(nop)  CMD [\\"sh\\"]","empty_layer":true}],\
  "os":"linux","rootfs":{"diff_ids":\
  ["sha256:9547b4c33213e630a0ca602a989ecc094e042146ae8afa502e1e65af6473db03"],"type":"layers"}}
  """

@Test func dockerConfigDecodes() throws {
  let config = try JSONValueRoundTrip.decode(ImageConfig.self, dockerConfigJSON)
  #expect(config.architecture == "amd64")
  #expect(config.os == "linux")
  #expect(config.created == "2023-05-19T20:19:24.515517286Z")
  #expect(config.config?.cmd == ["sh"])
  #expect(config.config?.entrypoint == nil)
  #expect(config.config?.exposedPorts == ["80/tcp": EmptyObject()])
  #expect(config.config?.healthcheck?.interval == 30_000_000_000)
  #expect(config.config?.workingDir == "/app")
  #expect(config.rootfs.type == "layers")
  #expect(config.rootfs.diffIDs.map(\.shortID) == ["9547b4c33213"])
  #expect(config.history?.count == 2)
  #expect(config.history?[1].emptyLayer == true)
  #expect(config.history?[0].emptyLayer == nil)
  #expect(config.platform.description == "linux/amd64")
}

@Test func dockerConfigRoundTrips() throws {
  let config = try JSONValueRoundTrip.decode(ImageConfig.self, dockerConfigJSON)
  let encoded = try JSONValueRoundTrip.encode(config)
  #expect(try JSONValueRoundTrip.decode(ImageConfig.self, encoded) == config)
  // Explicit nulls and absent members both come back as nil and are then omitted.
  #expect(!encoded.contains("null"))
  #expect(!encoded.contains("Entrypoint"))
  #expect(encoded.contains("\"ExposedPorts\":{\"80/tcp\":{}}"))
  #expect(encoded.contains("\"created\":\"2023-05-19T20:19:24.515517286Z\""))
}

private let withHistoryJSON =
  #"{"architecture":"amd64","config":{"Env":[],"ExposedPorts":{"80/tcp":{}},"WorkingDir":"/"},"#
  + #""history":[{"created_by":"RUN true","empty_layer":false}],"os":"linux","#
  + #""rootfs":{"diff_ids":[],"type":"layers"}}"#

private let omittedCases: [(ImageConfig, String)] = [
  (
    ImageConfig(architecture: "amd64", os: "linux"),
    #"{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[],"type":"layers"}}"#
  ),
  (
    ImageConfig(architecture: "arm64", variant: "v8", os: "linux", config: ContainerConfig(cmd: ["sh"])),
    #"{"architecture":"arm64","config":{"Cmd":["sh"]},"os":"linux","rootfs":{"diff_ids":[],"type":"layers"},"variant":"v8"}"#
  ),
  (
    ImageConfig(
      architecture: "amd64", os: "linux",
      config: ContainerConfig(exposedPorts: ["80/tcp": EmptyObject()], env: [], workingDir: "/"),
      history: [.init(createdBy: "RUN true", emptyLayer: false)]),
    withHistoryJSON
  ),
]

@Test("nil members are omitted", arguments: omittedCases)
func nilMembersOmitted(config: ImageConfig, json: String) throws {
  #expect(try JSONValueRoundTrip.encode(config) == json)
  #expect(try JSONValueRoundTrip.decode(ImageConfig.self, json) == config)
}

@Test func containerConfigUsesDockerKeys() throws {
  let config = ContainerConfig(
    hostname: "h", domainname: "d", user: "u", attachStdin: true, attachStdout: true, attachStderr: true,
    tty: true, openStdin: true, stdinOnce: true, argsEscaped: true, image: "i", entrypoint: ["e"],
    onBuild: ["RUN x"], labels: ["k": "v"], stopSignal: "SIGKILL", shell: ["/bin/bash", "-c"])
  let json = try JSONValueRoundTrip.encode(config)
  #expect(
    json == #"{"ArgsEscaped":true,"AttachStderr":true,"AttachStdin":true,"AttachStdout":true,"Domainname":"d","#
      + #""Entrypoint":["e"],"Hostname":"h","Image":"i","Labels":{"k":"v"},"OnBuild":["RUN x"],"OpenStdin":true,"#
      + #""Shell":["/bin/bash","-c"],"StdinOnce":true,"StopSignal":"SIGKILL","Tty":true,"User":"u"}"#)
}

@Test func emptyObjectIsBraces() throws {
  #expect(try JSONValueRoundTrip.encode(EmptyObject()) == "{}")
  #expect(try JSONValueRoundTrip.decode(EmptyObject.self, #"{"ignored":1}"#) == EmptyObject())
  #expect(throws: DecodingError.self) { try JSONValueRoundTrip.decode(EmptyObject.self, "[]") }
}
