import BerthEngine
import BerthOCI
import BerthRuntime
import BerthTemplate
import CBerth
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// `POST /containers/{id}/exec`, `POST /exec/{id}/start` (hijacked), `/exec/{id}/resize`,
/// `GET /exec/{id}/json`.
extension APIServer {
  struct ExecBody: Decodable {
    var AttachStdin: Bool?
    var AttachStdout: Bool?
    var AttachStderr: Bool?
    var Tty: Bool?
    var Env: [String]?
    var Cmd: [String]?
    var Privileged: Bool?
    var User: String?
    var WorkingDir: String?
    var DetachKeys: String?
    /// docker-py spells it so (Go's decoder ignores the case).
    var detachKeys: String?
  }

  struct ExecStartBody: Decodable {
    var Detach: Bool?
    var Tty: Bool?
  }

  func createExec(_ r: APIRequest, _ out: Responder, _ ref: String) throws {
    let body = try r.decode(ExecBody.self)
    let c = try engine.containers.get(ref)
    guard c.state == .running else { throw BerthError.conflict("Container \(c.id) is not running") }
    guard let cmd = body.Cmd, !cmd.isEmpty else { throw BerthError.invalid("No exec command specified") }
    var options = ExecOptions(command: cmd)
    options.env = body.Env ?? []
    options.workingDir = (body.WorkingDir ?? "").isEmpty ? nil : body.WorkingDir
    options.user = (body.User ?? "").isEmpty ? nil : body.User
    options.privileged = body.Privileged ?? false
    let id = Hex.randomID()
    let given = body.DetachKeys ?? body.detachKeys ?? ""
    let keys = try ClientRelayHandler.parseDetachKeys(given.isEmpty ? "ctrl-p,ctrl-q" : given)
    execs.add(
      ExecInstance(
        id: id, containerID: c.id, options: options, tty: body.Tty ?? false, attachStdin: body.AttachStdin ?? false,
        attachStdout: body.AttachStdout ?? true, attachStderr: body.AttachStderr ?? true,
        detachKeys: body.Tty == true ? keys : nil))
    out.json(["Id": .string(id)], status: .created)
  }

  func inspectExec(_ r: APIRequest, _ out: Responder, _ id: String) throws {
    guard let e = execs.get(id) else { throw BerthError.notFound("No such exec instance: \(id)") }
    out.json([
      "ID": .string(e.id), "Running": .bool(e.running), "ExitCode": e.exitCode.map { .int(Int64($0)) } ?? .null,
      "ProcessConfig": [
        "tty": .bool(e.tty), "entrypoint": .string(e.options.command.first ?? ""),
        "arguments": .array(e.options.command.dropFirst().map { .string($0) }),
        "privileged": .bool(e.options.privileged),
      ],
      "OpenStdin": .bool(e.attachStdin), "OpenStderr": .bool(e.attachStderr), "OpenStdout": .bool(e.attachStdout),
      "CanRemove": false, "ContainerID": .string(e.containerID), "DetachKeys": "", "Pid": .int(Int64(e.pid)),
    ])
  }

  func resizeExec(_ r: APIRequest, _ out: Responder, _ id: String) throws {
    guard let e = execs.get(id) else { throw BerthError.notFound("No such exec instance: \(id)") }
    if let master = e.consoleMaster, e.running {
      var size = winsize(
        ws_row: UInt16(try r.int("h") ?? 0), ws_col: UInt16(try r.int("w") ?? 0), ws_xpixel: 0, ws_ypixel: 0)
      _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }
    out.send(.ok)
  }

  /// Starts an exec. Detached: it runs on with its stdio on /dev/null. Otherwise the connection
  /// is hijacked: with a terminal the pty master is relayed raw, without one stdout and stderr
  /// come framed as Docker's multiplexed stream and the client's bytes go to stdin.
  func startExec(_ r: APIRequest, _ out: Responder, _ id: String) throws {
    let body = try r.decode(ExecStartBody.self)
    guard let e = execs.get(id) else { throw BerthError.notFound("No such exec instance: \(id)") }
    guard !e.running, e.exitCode == nil else { throw BerthError.conflict("Error: Exec command \(id) has already run") }
    if body.Detach == true {
      var options = e.options
      options.detach = true
      let process = try engine.containers.startExecProcess(e.containerID, options, stdio: .inherit(stdin: false))
      execs.update(id) {
        $0.running = true
        $0.pid = process.pid
      }
      let thread = Thread { [execs] in
        let code = process.wait()
        execs.update(id) {
          $0.running = false
          $0.exitCode = code
        }
      }
      thread.start()
      out.send(.ok)
      return
    }
    // As dockerd, the start request's Tty (not the exec's) decides whether output is framed.
    let framed = body.Tty != true
    if e.tty { try startExecTerminal(e, out, framed: framed) } else { try startExecPipes(e, out, framed: framed) }
  }

  /// The process starts only once the connection is hijacked: output written before the
  /// client reads the 101 could otherwise be swallowed by the client's buffered read of it.
  private func startExecTerminal(_ e: ExecInstance, _ out: Responder, framed: Bool) throws {
    let relay = ClientRelayHandler(forwardInput: e.attachStdin, detachKeys: e.detachKeys)
    let type = framed ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream"
    guard (try? out.hijack(contentType: type, relay: relay).wait()) != nil,
      let client = relay.channel
    else { return }
    let process: ContainerProcess
    do {
      process = try engine.containers.startExecProcess(
        e.containerID, e.options, stdio: .terminal(stdin: e.attachStdin))
    } catch {
      client.writeAndFlush(ByteBuffer(string: APIError.message(of: error) + "\r\n"), promise: nil)
      client.closeAfterWrites()
      return
    }
    guard let master = process.consoleMaster else {
      client.closeAfterWrites()
      return
    }
    execs.update(e.id) {
      $0.running = true
      $0.pid = process.pid
      $0.consoleMaster = master
    }
    let pty = try? NIOPipeBootstrap(group: group).channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        try channel.pipeline.syncOperations.addHandler(
          SourceRelayHandler(client: client, stream: framed ? 1 : nil, onEnd: {}))
      }
    }.takingOwnershipOfDescriptor(inputOutput: master).wait()
    if let pty { relay.connect(to: pty, on: client.eventLoop) } else { close(master) }
    finishExec(e.id, process: process, outputs: pty.map { [$0] } ?? [], client: client)
  }

  private func startExecPipes(_ e: ExecInstance, _ out: Responder, framed: Bool) throws {
    var pipes: [[Int32]] = [[-1, -1], [-1, -1], [-1, -1]]
    for i in 0..<3 {
      guard berth_pipe(&pipes[i]) == 0 else {
        for p in pipes { for fd in p where fd >= 0 { close(fd) } }
        throw BerthError.internal("exec: pipe: \(String(cString: strerror(errno)))")
      }
    }
    let relay = ClientRelayHandler(forwardInput: e.attachStdin)
    let type = framed ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream"
    guard (try? out.hijack(contentType: type, relay: relay).wait()) != nil,
      let client = relay.channel
    else {
      for p in pipes { for fd in p { close(fd) } }
      return
    }
    let process: ContainerProcess
    do {
      process = try engine.containers.startExecProcess(
        e.containerID, e.options,
        stdio: .files(stdin: e.attachStdin ? pipes[0][0] : -1, stdout: pipes[1][1], stderr: pipes[2][1]))
    } catch {
      for p in pipes { for fd in p { close(fd) } }
      // Docker's clients print what comes on stderr of a failed exec.
      let message = Array((APIError.message(of: error) + "\n").utf8)
      var frame: [UInt8] = [2, 0, 0, 0] + withUnsafeBytes(of: UInt32(message.count).bigEndian, Array.init)
      frame += message
      client.writeAndFlush(ByteBuffer(bytes: frame), promise: nil)
      execs.update(e.id) { $0.exitCode = 126 }
      client.closeAfterWrites()
      return
    }
    close(pipes[0][0])
    close(pipes[1][1])
    close(pipes[2][1])
    execs.update(e.id) {
      $0.running = true
      $0.pid = process.pid
    }
    var outputs: [any Channel] = []
    for (stream, fd) in [(UInt8(1), pipes[1][0]), (UInt8(2), pipes[2][0])] {
      let channel = try? NIOPipeBootstrap(group: group).channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(
            SourceRelayHandler(client: client, stream: framed ? stream : nil, onEnd: {}))
        }
      }.takingOwnershipOfDescriptor(input: fd).wait()
      if let channel { outputs.append(channel) } else { close(fd) }
    }
    if let stdin = try? NIOPipeBootstrap(group: group).takingOwnershipOfDescriptor(output: pipes[0][1]).wait() {
      relay.connect(to: stdin, on: client.eventLoop)
      client.closeFuture.whenComplete { _ in stdin.close(promise: nil) }
    } else {
      close(pipes[0][1])
    }
    finishExec(e.id, process: process, outputs: outputs, client: client)
  }

  /// Waits (on this worker thread) for the exec's process and output, records its exit code,
  /// then ends the client's stream, so that the client's inspect finds the code.
  private func finishExec(_ id: String, process: ContainerProcess, outputs: [any Channel], client: (any Channel)? = nil)
  {
    let code = process.wait()
    for channel in outputs { _ = try? channel.closeFuture.wait() }
    execs.update(id) {
      $0.running = false
      $0.exitCode = code
      $0.consoleMaster = nil
    }
    client?.closeAfterWrites()
  }
}
