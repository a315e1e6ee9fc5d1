import Testing

@testable import BerthOCI

private let busybox = ContainerConfig(cmd: ["sh"])
private let redis = ContainerConfig(cmd: ["redis-server"], entrypoint: ["docker-entrypoint.sh"])
private let appOnly = ContainerConfig(entrypoint: ["/bin/app"])
private let bare = ContainerConfig()

/// One `docker run` command line and the argv Docker runs (nil: "no command specified").
struct ArgvCase: Sendable, CustomStringConvertible {
  var name: String
  var image: ContainerConfig
  var overrides: RunOverrides
  var argv: [String]?
  var entrypoint: [String]? = nil
  var cmd: [String]? = nil

  var description: String { name }
}

private let argvCases: [ArgvCase] = [
  .init(name: "busybox", image: busybox, overrides: .init(), argv: ["sh"], cmd: ["sh"]),
  .init(
    name: "busybox echo hi", image: busybox, overrides: .init(cmd: ["echo", "hi"]), argv: ["echo", "hi"],
    cmd: ["echo", "hi"]),
  .init(
    name: "--entrypoint ls busybox", image: busybox, overrides: .init(entrypoint: ["ls"]), argv: ["ls"],
    entrypoint: ["ls"]),
  .init(
    name: "--entrypoint ls busybox -l", image: busybox, overrides: .init(entrypoint: ["ls"], cmd: ["-l"]),
    argv: ["ls", "-l"], entrypoint: ["ls"], cmd: ["-l"]),
  .init(name: "--entrypoint '' busybox", image: busybox, overrides: .init(entrypoint: [""]), argv: nil),
  .init(
    name: "--entrypoint '' busybox echo", image: busybox, overrides: .init(entrypoint: [""], cmd: ["echo"]),
    argv: ["echo"], cmd: ["echo"]),
  .init(
    name: "API Entrypoint [] keeps image Cmd", image: busybox, overrides: .init(entrypoint: []), argv: ["sh"],
    entrypoint: [], cmd: ["sh"]),
  .init(
    name: "--entrypoint 'sh -c' is one word", image: busybox, overrides: .init(entrypoint: ["sh -c"]),
    argv: ["sh -c"], entrypoint: ["sh -c"]),
  .init(
    name: "redis", image: redis, overrides: .init(), argv: ["docker-entrypoint.sh", "redis-server"],
    entrypoint: ["docker-entrypoint.sh"], cmd: ["redis-server"]),
  .init(
    name: "redis redis-cli", image: redis, overrides: .init(cmd: ["redis-cli", "-h", "x"]),
    argv: ["docker-entrypoint.sh", "redis-cli", "-h", "x"], entrypoint: ["docker-entrypoint.sh"],
    cmd: ["redis-cli", "-h", "x"]),
  .init(
    name: "--entrypoint sh redis", image: redis, overrides: .init(entrypoint: ["sh"]), argv: ["sh"],
    entrypoint: ["sh"]),
  .init(
    name: "--entrypoint '' redis id", image: redis, overrides: .init(entrypoint: [""], cmd: ["id"]), argv: ["id"],
    cmd: ["id"]),
  .init(name: "--entrypoint '' redis", image: redis, overrides: .init(entrypoint: [""]), argv: nil),
  .init(name: "image with nothing", image: bare, overrides: .init(), argv: nil),
  .init(name: "image with nothing, true", image: bare, overrides: .init(cmd: ["true"]), argv: ["true"], cmd: ["true"]),
  .init(
    name: "entrypoint-only image", image: appOnly, overrides: .init(), argv: ["/bin/app"], entrypoint: ["/bin/app"]),
  .init(
    name: "entrypoint-only image with args", image: appOnly, overrides: .init(cmd: ["--port", "80"]),
    argv: ["/bin/app", "--port", "80"], entrypoint: ["/bin/app"], cmd: ["--port", "80"]),
]

@Test("entrypoint and cmd combine as Docker documents", arguments: argvCases)
func argvCombination(_ testCase: ArgvCase) throws {
  guard let argv = testCase.argv else {
    #expect(throws: RunConfigurationError.noCommand) {
      try testCase.image.runConfiguration(testCase.overrides, hostname: "h")
    }
    return
  }
  let result = try testCase.image.runConfiguration(testCase.overrides, hostname: "h")
  #expect(result.argv == argv)
  #expect(result.entrypoint == testCase.entrypoint)
  #expect(result.cmd == testCase.cmd)
}

/// Image env and `-e` values, the recorded `Config.Env` and the process environment.
struct EnvCase: Sendable, CustomStringConvertible {
  var name: String
  var image: [String]?
  var user: [String]
  var tty = false
  var env: [String]
  var processEnv: [String]

  var description: String { name }
}

private let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

private let envCases: [EnvCase] = [
  .init(name: "nothing", image: nil, user: [], env: [], processEnv: [defaultPath, "HOSTNAME=abc"]),
  .init(
    name: "image PATH wins over default", image: ["PATH=/opt/bin", "A=1"], user: [],
    env: ["PATH=/opt/bin", "A=1"], processEnv: ["PATH=/opt/bin", "HOSTNAME=abc", "A=1"]),
  .init(
    name: "user first, then image keys not overridden", image: ["A=1", "B=2"], user: ["B=3", "C=4"],
    env: ["B=3", "C=4", "A=1"], processEnv: [defaultPath, "HOSTNAME=abc", "B=3", "C=4", "A=1"]),
  .init(
    name: "user HOSTNAME replaces the generated one", image: nil, user: ["HOSTNAME=web"], env: ["HOSTNAME=web"],
    processEnv: [defaultPath, "HOSTNAME=web"]),
  .init(
    name: "tty adds TERM", image: ["A=1"], user: [], tty: true, env: ["A=1"],
    processEnv: [defaultPath, "HOSTNAME=abc", "TERM=xterm", "A=1"]),
  .init(
    name: "user TERM replaces xterm", image: nil, user: ["TERM=dumb"], tty: true, env: ["TERM=dumb"],
    processEnv: [defaultPath, "HOSTNAME=abc", "TERM=dumb"]),
  .init(
    name: "unresolved bare key hides the image value", image: ["A=1", "B=2"], user: ["A"], env: ["A", "B=2"],
    processEnv: [defaultPath, "HOSTNAME=abc", "B=2"]),
  .init(
    name: "bare PATH removes the default", image: nil, user: ["PATH"], env: ["PATH"], processEnv: ["HOSTNAME=abc"]),
  .init(
    name: "values may contain =", image: ["OPTS=a=b"], user: ["X=y=z"], env: ["X=y=z", "OPTS=a=b"],
    processEnv: [defaultPath, "HOSTNAME=abc", "X=y=z", "OPTS=a=b"]),
]

@Test("environment merges as Docker does", arguments: envCases)
func environmentMerge(_ testCase: EnvCase) throws {
  let image = ContainerConfig(env: testCase.image, cmd: ["sh"])
  let result = try image.runConfiguration(.init(env: testCase.user, tty: testCase.tty), hostname: "abc")
  #expect(result.env == testCase.env)
  #expect(result.processEnv == testCase.processEnv)
}

@Test(
  "working directory and user",
  arguments: [
    (nil, nil, nil, nil, "", "/", ""),
    ("/app", "nobody", nil, nil, "/app", "/app", "nobody"),
    ("/app", "nobody", "/work", "1000:1000", "/work", "/work", "1000:1000"),
    (nil, nil, "/tmp", "", "/tmp", "/tmp", ""),
    ("/app", "nobody", "", "", "/app", "/app", "nobody"),
  ] as [(String?, String?, String?, String?, String, String, String)])
func workingDirAndUser(
  imageDir: String?, imageUser: String?, userDir: String?, userUser: String?, workingDir: String, cwd: String,
  user: String
) throws {
  let image = ContainerConfig(user: imageUser, cmd: ["sh"], workingDir: imageDir)
  let result = try image.runConfiguration(.init(workingDir: userDir, user: userUser), hostname: "h")
  #expect(result.workingDir == workingDir)
  #expect(result.cwd == cwd)
  #expect(result.user == user)
}

@Test func relativeWorkingDirIsRejected() {
  #expect(throws: RunConfigurationError("the working directory 'app' is invalid, it needs to be an absolute path")) {
    try busybox.runConfiguration(.init(workingDir: "app"), hostname: "h")
  }
}

@Test func imageConfigWithoutConfigHasNoCommand() throws {
  let image = ImageConfig(architecture: "amd64", os: "linux")
  #expect(throws: RunConfigurationError.noCommand) { try image.runConfiguration(.init(), hostname: "h") }
  #expect(try image.runConfiguration(.init(cmd: ["true"]), hostname: "h").argv == ["true"])
  #expect(RunConfigurationError.noCommand.description == "no command specified")
}
