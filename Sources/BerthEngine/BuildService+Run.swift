import BerthBuild
import BerthImage
import BerthOCI
import BerthSystem
import Foundation

extension BuildService {
  /// RUN: a container of the current image runs the command with the build's ENV, build args,
  /// USER, WORKDIR and SHELL; its output streams to the request's descriptor; its upper directory
  /// becomes the step's layer. A non-zero exit fails the build with Docker's message; the
  /// container is removed either way.
  func run(
    _ command: StepCommand, state: inout StageState, args: BuildArgs, request: BuildRequest,
    events: (BuildEvent) -> Void
  ) throws {
    guard let parent = state.image else {
      throw BerthError.invalid("Please provide a source image with `from` prior to run")
    }
    let argv = command.argv(shell: state.shell)
    let recorded = args.recorded(notIn: state.env)
    let createdBy = HistoryText.runCommand(argv, buildArgs: recorded).joined(separator: " ")
    var next = state
    try commit(&next, parent: state, createdBy: createdBy, request: request, events: events) {
      try runContainer(
        argv, command: command, parent: parent, state: state, env: args.allowed(notIn: state.env), request: request,
        events: events)
    }
    state = next
  }

  private func runContainer(
    _ argv: [String], command: StepCommand, parent: Digest, state: StageState, env: [String], request: BuildRequest,
    events: (BuildEvent) -> Void
  ) throws -> Digest? {
    let listed = try images.find(parent.description) != nil
    if !listed { try images.registerBuilt(parent, config: state.config, tags: []) }
    defer { if !listed { try? images.unregisterBuilt(parent) } }

    var options = CreateOptions(image: parent.description)
    options.overrides = RunOverrides(
      entrypoint: [""], cmd: argv, env: env, workingDir: state.container.workingDir, user: state.container.user)
    options.host.networkMode = request.network
    if !request.addHosts.isEmpty {
      var networking = NetworkingOptions()
      networking.extraHosts = request.addHosts
      options.host.networking = networking
    }
    let scripts = "\(paths.tmp)/build-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { try? FileSystem.removeTree(scripts) }
    if case .script(let name, let content) = command {
      try FileSystem.makeDirectory(scripts)
      try FileSystem.write(scripts + "/" + name, Array(content.utf8), mode: 0o755)
      options.host.binds = [scripts + ":" + StepCommand.scriptDirectory + ":ro"]
    }
    let container = try containers.create(options)
    defer { try? containers.remove(container.id, force: true, volumes: true) }
    events(.runningIn(container.shortID))

    let output = request.outputFD >= 0 ? request.outputFD : -1
    let sink = output >= 0 ? output : open("/dev/null", O_WRONLY | O_CLOEXEC)
    defer { if output < 0 { close(sink) } }
    let errors = output >= 0 ? request.errorFD ?? sink : sink
    let running = try containers.start(container.id, stdio: .files(stdin: -1, stdout: sink, stderr: errors))
    let code = try containers.wait(running)
    guard code == 0 else {
      throw BerthError(
        .invalidArgument, "The command '\(argv.joined(separator: " "))' returned a non-zero code: \(code)",
        exitStatus: code)
    }
    let upper = paths.container(container.id) + "/upper"
    Self.pruneRuntimeArtifacts(upper: upper, lowerDirs: images.layerDirectories(of: state.config))
    let layer = try commitDirectory(upper, onto: state)
    events(.removingIntermediate(container.shortID))
    return layer
  }
}
