/// What `run` and `create` were given: their flags, the image and the command. The flags are
/// parsed by `FlagParser` from the tables below, as the docker CLI names them.
struct RunArguments {
  var options = ContainerOptions()
  var pull = PullOptions()
  var detach = false
  var image = ""
  var command: [String] = []

  /// Parses what follows `run` or `create`; an image is required.
  static func parse(_ arguments: [String], with parser: FlagParser<RunArguments>) throws -> RunArguments {
    var parsed = RunArguments()
    let positionals = try parser.parse(arguments, into: &parsed)
    guard let image = positionals.first else {
      throw UsageError(
        message: "\"berth \(parser.command)\" requires at least 1 argument.", command: parser.command,
        details: "\n" + parser.usageLines)
    }
    parsed.image = image
    parsed.command = Array(positionals.dropFirst())
    return parsed
  }

  /// `berth run`'s flags.
  static var runParser: FlagParser<RunArguments> {
    FlagParser(
      command: "run", usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
      abstract: "Create and run a new container from an image",
      flags: containerFlags + [.flag("-d, --detach", "Run container in background and print container ID", \.detach)])
  }

  /// `berth create`'s flags.
  static var createParser: FlagParser<RunArguments> {
    FlagParser(
      command: "create", usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]", abstract: "Create a new container",
      flags: containerFlags)
  }

  /// The flags `run` and `create` share.
  static var containerFlags: [FlagSpec<RunArguments>] {
    [
      .option("--name", "Assign a name to the container", \.options.name),
      .option("-e, --env", "Set environment variables", \.options.env),
      .option("--env-file", "Read in a file of environment variables", \.options.envFile),
      .option("-w, --workdir", "Working directory inside the container", \.options.workdir),
      .option("-u, --user", "Username or UID (format: <name|uid>[:<group|gid>])", \.options.user),
      .option("--entrypoint", "Overwrite the default ENTRYPOINT of the image", \.options.entrypoint),
      .option("-h, --hostname", "Container host name", \.options.hostname),
      .flag("-i, --interactive", "Keep STDIN open even if not attached", \.options.interactive),
      .flag("-t, --tty", "Allocate a pseudo-TTY", \.options.tty),
      .flag("--rm", "Automatically remove the container when it exits", \.options.rm),
      .option("--network, --net", "Connect a container to a network", \.options.network),
      .option("-m, --memory", "Memory limit", \.options.memory),
      .option("--memory-swap", "Swap limit equal to memory plus swap: -1 for unlimited", \.options.memorySwap),
      .option("--cpus", "Number of CPUs", \.options.cpus),
      .option("-c, --cpu-shares", "CPU shares (relative weight)", \.options.cpuShares),
      .option("--pids-limit", "Tune container pids limit (set -1 for unlimited)", \.options.pidsLimit),
      .flag("--read-only", "Mount the container's root filesystem as read only", \.options.readOnly),
      .option("--cap-add", "Add Linux capabilities", \.options.capAdd),
      .option("--cap-drop", "Drop Linux capabilities", \.options.capDrop),
      .flag("--privileged", "Give extended privileges to this container", \.options.privileged),
      .option("--security-opt", "Security Options", \.options.securityOpt),
      .option("--ulimit", "Ulimit options", \.options.ulimit),
      .option("-l, --label", "Set meta data on a container", \.options.label),
      .option("--health-cmd", "Command to run to check health", \.options.healthCmd),
      .option("--health-interval", "Time between running the check (ms|s|m|h)", \.options.healthInterval),
      .option("--health-timeout", "Maximum time to allow one check to run (ms|s|m|h)", \.options.healthTimeout),
      .option("--health-retries", "Consecutive failures needed to report unhealthy", \.options.healthRetries),
      .option(
        "--health-start-period", "Start period for the container to initialize (ms|s|m|h)", \.options.healthStartPeriod),
      .option("--health-start-interval", "Time between checks during the start period", \.options.healthStartInterval),
      .flag("--no-healthcheck", "Disable any container-specified HEALTHCHECK", \.options.noHealthcheck),
      .flag(
        "--init", "Run an init inside the container that forwards signals and reaps processes", \.options.initProcess),
      .option(
        "--restart", "Restart policy to apply when a container exits (no, on-failure[:N], always, unless-stopped)",
        \.options.restart),
      .option("--log-driver", "Logging driver for the container (json-file)", \.options.logDriver),
      .option("--log-opt", "Log driver options (max-size, max-file)", \.options.logOpt),
      .option("--stop-signal", "Signal to stop the container", \.options.stopSignal),
      .option("--stop-timeout", "Timeout (in seconds) to stop a container", \.options.stopTimeout),
      .option("--pid", "PID namespace to use (host)", \.options.pid),
      .option("--uts", "UTS namespace to use (host)", \.options.uts),
      .option("--cgroupns", "Cgroup namespace to use (host|private)", \.options.cgroupns),
      .option("--isolation", "Container isolation technology (default)", \.options.isolation),
      .option("--cpuset-cpus", "CPUs in which to allow execution (0-3, 0,1)", \.options.cpusetCpus),
      .option("--cpuset-mems", "MEMs in which to allow execution (0-3, 0,1)", \.options.cpusetMems),
      .option("--group-add", "Add additional groups to join", \.options.groupAdd),
      .option("--device-cgroup-rule", "Add a rule to the cgroup allowed devices list", \.options.deviceCgroupRule),
      .option("--memory-swappiness", "Tune container memory swappiness (0 to 100)", \.options.memorySwappiness),
      .option("-p, --publish", "Publish a container's port(s) to the host", \.options.networking.publish),
      .flag("-P, --publish-all", "Publish all exposed ports to random ports", \.options.networking.publishAll),
      .option("--expose", "Expose a port or a range of ports", \.options.networking.expose),
      .option("--network-alias", "Add network-scoped alias for the container", \.options.networking.networkAlias),
      .option("--ip", "IPv4 address (e.g., 172.30.100.104)", \.options.networking.ip),
      .option("--ip6", "IPv6 address (e.g., 2001:db8::33)", \.options.networking.ip6),
      .option("--add-host", "Add a custom host-to-IP mapping (host:ip)", \.options.networking.addHost),
      .option("--dns", "Set custom DNS servers", \.options.networking.dns),
      .option("--dns-search", "Set custom DNS search domains", \.options.networking.dnsSearch),
      .option("--dns-option", "Set DNS options", \.options.networking.dnsOption),
      .option("--link", "Add link to another container", \.options.networking.link),
      .option("--mac-address", "Container MAC address (e.g., 92:d0:c6:0a:29:33)", \.options.networking.macAddress),
      .option(
        "-v, --volume", "Bind mount a volume (SOURCE:TARGET[:ro|rw], NAME:TARGET, TARGET)", \.options.volumes.volume),
      .option(
        "--mount", "Attach a filesystem mount to the container (type=bind|volume|tmpfs,source=,target=,…)",
        \.options.volumes.mount),
      .option("--tmpfs", "Mount a tmpfs directory (PATH[:OPTIONS])", \.options.volumes.tmpfs),
      .option("--volumes-from", "Mount volumes from the specified container(s)", \.options.volumes.volumesFrom),
      .option("--pull", "Pull image before running (\"always\", \"missing\", \"never\")", \.pull.pull),
      .option("--platform", "Set platform if server is multi-platform capable", \.pull.platform),
    ]
  }
}
