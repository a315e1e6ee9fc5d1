import Foundation
import Testing

/// `diff`, `commit`, `export` and `cp` on running and stopped containers.
@Suite(.enabled(if: isRoot, "needs root"), .serialized)
struct ContainerFilesTests {
  let box: Sandbox
  let work: String

  init() throws {
    box = try Sandbox()
    work = box.dataRoot + "/../work"
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
  }

  @discardableResult
  func sh(_ command: String) -> (code: Int32, out: String, err: String) { BerthFixture.shell(command) }

  @Test func diffListsAddedChangedAndDeletedPaths() throws {
    let script = "mkdir -p /tmp/new/sub && echo x > /tmp/new/sub/f && echo y >> /etc/passwd && rm /bin/ls"
    #expect(box.berth(["run", "--name", "d1", "busybox", "sh", "-c", script]).code == 0)
    let expected = """
      C /bin
      D /bin/ls
      C /etc
      C /etc/passwd
      C /tmp
      A /tmp/new
      A /tmp/new/sub
      A /tmp/new/sub/f

      """
    #expect(box.berth(["diff", "d1"]).out == expected)
    // A running container: same writable layer; an opaque directory is C and its contents A.
    box.berth(["run", "-d", "--name", "r1", "busybox", "sh", "-c", "rm -rf /home; mkdir -p /home/z; sleep 1000"])
    usleep(300_000)
    let live = box.berth(["diff", "r1"]).out
    #expect(live == "C /home\nA /home/z\n", "\(live)")
    let missing = box.berth(["diff", "nosuch"])
    #expect(missing.code != 0 && missing.err.contains("No such container: nosuch"))
    box.berth(["rm", "-f", "r1"])
  }

  @Test func theRuntimeWritesNothingIntoTheWritableLayer() throws {
    // busybox has no /proc, /sys, /dev or /etc/hosts: the shared init layer has the mount points.
    let run = box.berth(["run", "--name", "quiet", "busybox", "sh", "-c", "cat /etc/hostname; ls -d /proc /sys /dev"])
    #expect(run.code == 0)
    let id = box.berth(["inspect", "-f", "{{.Id}}", "quiet"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(run.out == String(id.prefix(12)) + "\n/dev\n/proc\n/sys\n")
    let upper = box.dataRoot + "/containers/\(id)/upper"
    #expect(try FileManager.default.contentsOfDirectory(atPath: upper) == [])
    #expect(box.berth(["diff", "quiet"]).out == "")
    box.berth(["rm", "quiet"])
  }

  @Test func commitMakesAnImageWithTheChangesAndConfig() throws {
    box.berth([
      "run", "-d", "--name", "c1", "-e", "GREETING=hi", "-w", "/tmp", "busybox", "sh", "-c",
      "echo committed > /tmp/file; rm /bin/ls; sleep 1000",
    ])
    usleep(300_000)
    let r = box.berth([
      "commit", "-a", "Ann <a@b.c>", "-m", "a message", "-c", "CMD [\"cat\", \"/tmp/file\"]", "-c", "ENV EXTRA=1",
      "c1", "snap:1",
    ])
    #expect(r.code == 0, "\(r.err)")
    #expect(r.out.hasPrefix("sha256:") && r.out.count == 72)
    // The container was paused and thawed: still running.
    #expect(box.berth(["inspect", "-f", "{{.State.Status}}", "c1"]).out == "running\n")
    #expect(box.berth(["run", "--rm", "snap:1"]).out == "committed\n")
    let ls = box.berth(["run", "--rm", "snap:1", "ls", "/"])
    #expect(ls.code == 127)
    let env = box.berth(["run", "--rm", "snap:1", "sh", "-c", "echo $GREETING $EXTRA $(pwd)"]).out
    #expect(env == "hi 1 /tmp\n")
    let inspect = box.berth(["image", "inspect", "-f", "{{.Author}}|{{json .Config.Cmd}}", "snap:1"]).out
    #expect(inspect == "Ann <a@b.c>|[\"cat\",\"/tmp/file\"]\n")
    let history = box.berth(["history", "--no-trunc", "snap:1"]).out
    #expect(history.contains("a message"), "\(history)")
    // The runtime's mount points are not part of the layer.
    let files = box.berth(["run", "--rm", "snap:1", "sh", "-c", "ls -a /etc"]).out
    #expect(files.contains("passwd"))
    // --pause=false, an untagged image.
    let untagged = box.berth(["commit", "--pause=false", "c1"])
    #expect(untagged.code == 0 && untagged.out.hasPrefix("sha256:"))
    box.berth(["rm", "-f", "c1"])
  }

  @Test func exportWritesTheMergedFilesystem() throws {
    #expect(box.berth(["run", "--name", "e1", "busybox", "sh", "-c", "echo z > /root/z; rm /bin/ls"]).code == 0)
    let tar = work + "/e.tar"
    let r = box.berth(["export", "-o", tar, "e1"])
    #expect(r.code == 0, "\(r.err)")
    let list = sh("tar -tf \(tar)").out.split(separator: "\n").map(String.init)
    #expect(list.contains("bin/busybox"))
    #expect(list.contains("root/z"))
    #expect(list.contains("etc/passwd"))
    #expect(!list.contains("bin/ls"))
    #expect(sh("tar -xOf \(tar) root/z").out == "z\n")
    // Stdout, running container.
    box.berth(["run", "-d", "--name", "e2", "busybox", "sleep", "1000"])
    let piped = sh("\(BerthFixture.berth) --data-root \(box.dataRoot) --exec-root \(box.execRoot) export e2 | tar -t")
    #expect(piped.out.contains("bin/busybox\n") && !piped.out.contains("proc/self"), "\(piped.err)")
    box.berth(["rm", "-f", "e2"])
  }

  @Test func copyOutOfAndIntoContainers() throws {
    box.berth([
      "run", "-d", "--name", "k1", "busybox", "sh", "-c",
      "mkdir -p /data/sub && echo one > /data/a && echo two > /data/sub/b && sleep 1000",
    ])
    usleep(300_000)
    // Out: a file to a new name, into a directory, a directory, its contents with /.
    #expect(box.berth(["cp", "k1:/data/a", work + "/a.txt"]).code == 0)
    #expect(sh("cat \(work)/a.txt").out == "one\n")
    #expect(box.berth(["cp", "k1:/data/a", work]).code == 0)
    #expect(sh("cat \(work)/a").out == "one\n")
    #expect(box.berth(["cp", "k1:/data", work + "/copy"]).code == 0)
    #expect(sh("cat \(work)/copy/sub/b").out == "two\n")
    #expect(box.berth(["cp", "k1:/data", work + "/copy"]).code == 0)
    #expect(sh("cat \(work)/copy/data/a").out == "one\n")
    sh("mkdir -p \(work)/dot")
    #expect(box.berth(["cp", "k1:/data/.", work + "/dot"]).code == 0)
    #expect(sh("ls \(work)/dot").out == "a\nsub\n")
    // Out as a tar on stdout.
    let tar = sh(
      "\(BerthFixture.berth) --data-root \(box.dataRoot) --exec-root \(box.execRoot) cp k1:/data - | tar -t | sort")
    #expect(tar.out == "data/\ndata/a\ndata/sub/\ndata/sub/b\n", "\(tar.err)")
    // In: a file, a directory, a tar on stdin.
    sh("echo host > \(work)/h.txt && mkdir -p \(work)/tree/x && echo deep > \(work)/tree/x/y")
    #expect(box.berth(["cp", work + "/h.txt", "k1:/tmp/"]).code == 0)
    #expect(box.berth(["exec", "k1", "cat", "/tmp/h.txt"]).out == "host\n")
    #expect(box.berth(["cp", work + "/h.txt", "k1:/tmp/renamed"]).code == 0)
    #expect(box.berth(["exec", "k1", "cat", "/tmp/renamed"]).out == "host\n")
    #expect(box.berth(["cp", work + "/tree", "k1:/tmp/newtree"]).code == 0)
    #expect(box.berth(["exec", "k1", "cat", "/tmp/newtree/x/y"]).out == "deep\n")
    let fromStdin = sh(
      "tar -C \(work) -c h.txt | \(BerthFixture.berth) --data-root \(box.dataRoot) --exec-root \(box.execRoot) cp - k1:/root"
    )
    #expect(fromStdin.code == 0, "\(fromStdin.err)")
    #expect(box.berth(["exec", "k1", "cat", "/root/h.txt"]).out == "host\n")
    // A stopped container, both ways.
    box.berth(["stop", "-t", "0", "k1"])
    #expect(box.berth(["cp", work + "/h.txt", "k1:/data/stopped"]).code == 0)
    #expect(box.berth(["cp", "k1:/data/stopped", work + "/back"]).code == 0)
    #expect(sh("cat \(work)/back").out == "host\n")
    #expect(box.berth(["diff", "k1"]).out.contains("A /data/stopped"))
    // Errors.
    let missing = box.berth(["cp", "k1:/nonexistent", work])
    #expect(missing.code == 1 && missing.err == "Error: No such container:path: k1:/nonexistent\n", "\(missing.err)")
    let noParent = box.berth(["cp", work + "/h.txt", "k1:/no/such/dir"])
    #expect(noParent.code == 1 && noParent.err.contains("No such container:path: k1:"), "\(noParent.err)")
    let nosuch = box.berth(["cp", "nosuch:/x", work])
    #expect(nosuch.err.contains("No such container: nosuch"))
    box.berth(["rm", "-f", "k1"])
  }

  @Test func symlinksInTheContainerNeverReachTheHost() throws {
    let setup = "ln -s /etc /link; ln -s ../../../../../.. /up; ln -s /etc/passwd /pw; sleep 1000"
    box.berth(["run", "-d", "--name", "h1", "busybox", "sh", "-c", setup])
    usleep(300_000)
    let hostPasswd = sh("cat /etc/passwd").out
    sh("echo payload > \(work)/x.txt")
    // Writing through /link lands in the container's /etc.
    #expect(box.berth(["cp", work + "/x.txt", "h1:/link/"]).code == 0)
    #expect(!FileManager.default.fileExists(atPath: "/etc/x.txt"))
    #expect(box.berth(["exec", "h1", "cat", "/etc/x.txt"]).out == "payload\n")
    #expect(box.berth(["cp", work + "/x.txt", "h1:/up/"]).code == 0)
    #expect(box.berth(["exec", "h1", "cat", "/x.txt"]).out == "payload\n")
    // Reading through it reads the container's file.
    #expect(box.berth(["cp", "h1:/link/passwd", work + "/p1"]).code == 0)
    let p1 = sh("cat \(work)/p1").out
    #expect(p1.contains("app:x:1000") && p1 != hostPasswd)
    #expect(box.berth(["cp", "h1:/up/etc/passwd", work + "/p2"]).code == 0)
    #expect(sh("cat \(work)/p2").out == p1)
    // -L follows /pw inside the container; without it the link itself is copied.
    #expect(box.berth(["cp", "-L", "h1:/pw", work + "/p3"]).code == 0)
    #expect(sh("cat \(work)/p3").out == p1)
    #expect(box.berth(["cp", "h1:/pw", work + "/p4"]).code == 0)
    #expect(sh("readlink \(work)/p4").out == "/etc/passwd\n")
    // A stopped container too.
    box.berth(["stop", "-t", "0", "h1"])
    #expect(box.berth(["cp", "h1:/link/passwd", work + "/p5"]).code == 0)
    #expect(sh("cat \(work)/p5").out == p1)
    #expect(box.berth(["cp", work + "/x.txt", "h1:/up/etc/stopped.txt"]).code == 0)
    #expect(!FileManager.default.fileExists(atPath: "/etc/stopped.txt"))
    // A tar with .. is refused.
    box.berth(["start", "h1"])
    let refused = sh(
      "python3 -c \"import tarfile,io;t=tarfile.open('\(work)/evil.tar','w');i=tarfile.TarInfo('../../../../evil');"
        + "i.size=1;t.addfile(i,io.BytesIO(b'x'));t.close()\" && \(BerthFixture.berth) --data-root \(box.dataRoot) "
        + "--exec-root \(box.execRoot) cp - h1:/tmp < \(work)/evil.tar")
    #expect(refused.code != 0 && refused.err.contains("refused"), "\(refused.err)")
    #expect(!FileManager.default.fileExists(atPath: "/evil"))
    box.berth(["rm", "-f", "h1"])
  }
}

extension ContainerFilesTests {
  @Test func exportAndCopyFromAStoppedContainerOfAMultiLayerImage() throws {
    let context = box.dataRoot + "/../multi-layer"
    try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
    try "FROM busybox\nRUN echo a > /a\nRUN echo b > /b\n".write(
      toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
    #expect(box.berth(["build", "-q", "-t", "layers", context]).code == 0)
    let id = box.berth(["create", "layers", "true"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
    let tar = box.dataRoot + "/../layers.tar"
    #expect(box.berth(["export", "-o", tar, id]).code == 0)
    let names = BerthFixture.shell("tar -tf '\(tar)'").out.split(separator: "\n")
    #expect(names.contains("a") && names.contains("b") && names.contains("bin/busybox"))
    #expect(box.berth(["cp", "\(id):/b", "-"]).code == 0)
  }
}
