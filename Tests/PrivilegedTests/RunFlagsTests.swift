import Testing

/// `run` and `create` flags as the docker CLI parses them (FlagParser), checked through inspect.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct RunFlagsTests {
  let box: Sandbox

  init() throws { box = try Sandbox() }

  @Test func everyFlagFormLands() {
    let r = box.berth([
      "create", "--name=forms", "-e", "A=1", "-eB=2", "--env=C=3", "-itw/tmp", "--cpus", "1.5", "--rm=false",
      "-l", "k=v", "-c512", "--net", "none", "-u=nobody", "--", "busybox", "sh", "-c", "echo -e hi",
    ])
    #expect(r.code == 0, "\(r.err)")
    #expect(box.value("{{json .Config.Env}}", "forms").hasSuffix(#""A=1","B=2","C=3"]"#))
    #expect(box.value("{{.Config.WorkingDir}} {{.Config.Tty}} {{.Config.OpenStdin}}", "forms") == "/tmp true true")
    #expect(box.value("{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}", "forms") == "1500000000 512")
    #expect(box.value("{{.HostConfig.AutoRemove}} {{.HostConfig.NetworkMode}}", "forms") == "false none")
    #expect(box.value("{{json .Config.Cmd}} {{.Config.Labels.k}}", "forms") == #"["sh","-c","echo -e hi"] v"#)
    #expect(box.value("{{.Config.User}}", "forms") == "nobody")
  }

  @Test func flagsAfterTheImageBelongToTheCommand() {
    let r = box.berth(["run", "--rm", "busybox", "echo", "--rm", "-d"])
    #expect(r.code == 0)
    #expect(r.out == "--rm -d\n")
  }

  @Test func badFlagsReadAsDockers() {
    let unknown = box.berth(["run", "--no-such-flag", "busybox"])
    #expect(unknown.code == 125)
    #expect(unknown.err == "unknown flag: --no-such-flag\nSee 'berth run --help'.\n")
    #expect(box.berth(["create", "-Z", "busybox"]).err.hasPrefix("unknown shorthand flag: 'Z' in -Z\n"))
    let missing = box.berth(["run", "--name"])
    #expect(missing.code == 125)
    #expect(missing.err.hasPrefix("flag needs an argument: --name\n"))
    let number = box.berth(["run", "--cpu-shares", "lots", "busybox"])
    #expect(number.code == 125)
    #expect(number.err.hasPrefix(#"invalid argument "lots" for "-c, --cpu-shares" flag"#))
    let noImage = box.berth(["container", "run", "--rm"])
    #expect(noImage.code == 125)
    #expect(noImage.err.hasPrefix("\"berth run\" requires at least 1 argument.\nSee 'berth run --help'.\n"))
    #expect(noImage.err.contains("Usage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]"))
    #expect(box.berth(["ps", "-aq"]).out == "")
  }

  @Test func helpListsTheFlags() {
    let r = box.berth(["run", "--help"])
    #expect(r.code == 0)
    #expect(r.out.contains("Usage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]"))
    #expect(r.out.contains("-d, --detach "))
    #expect(r.out.contains("-h, --hostname string "))
    #expect(!box.berth(["create", "--help"]).out.contains("--detach"))
  }
}
