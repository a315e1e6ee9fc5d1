import ArgumentParser
import BerthEngine
import BerthOCI
import Foundation

/// `berth pull`.
struct PullCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pull", abstract: "Download an image from a registry")

  @Flag(name: [.short, .customLong("all-tags")], help: "Download all tagged images in the repository")
  var allTags = false
  @Option(help: "Set platform if server is multi-platform capable") var platform: String?
  @Flag(name: [.short, .long], help: "Suppress verbose output") var quiet = false
  @Argument(help: "NAME[:TAG|@DIGEST]") var name: String

  func run() throws {
    let engine = try CLI.engine()
    let platform = try platform.map { try Platform(parsing: $0) }
    let printer = TransferPrinter()
    let quiet = self.quiet
    let silent: TransferProgress = { _ in }
    let progress = quiet ? silent : printer.progress
    let reference: Reference
    do {
      reference = try Reference(parsing: name)
    } catch {
      throw BerthError.invalid(error.description)
    }
    let images = engine.images
    let name = self.name
    if allTags {
      if !quiet { print("Pulling all tags of \(reference.familiarName)") }
      _ = try runBlocking { try await images.pullAllTags(name, platform: platform, progress: progress) }
      return
    }
    if reference.tag == nil && reference.digest == nil && !quiet { print("Using default tag: latest") }
    if !quiet {
      print("\(reference.digest?.description ?? reference.tag ?? "latest"): Pulling from \(reference.path)")
    }
    fflush(nil)
    _ = try runBlocking { try await images.pull(name, platform: platform, progress: progress) }
    print(reference.withDefaultTag().string)
  }
}

/// `berth push`.
struct PushCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "push", abstract: "Upload an image to a registry")

  @Option(help: "Layer compression: gzip (default) or zstd") var compression: String = "gzip"
  @Flag(name: [.short, .long], help: "Suppress verbose output") var quiet = false
  @Argument(help: "NAME[:TAG]") var name: String

  func run() throws {
    let engine = try CLI.engine()
    guard let compression = LayerCompression(rawValue: compression), compression != .uncompressed else {
      throw BerthError.invalid("invalid compression \"\(compression)\": use gzip or zstd")
    }
    if let reference = try? Reference(parsing: name), reference.tag == nil, reference.digest == nil, !quiet {
      print("Using default tag: latest")
    }
    fflush(nil)
    let printer = TransferPrinter()
    let silent: TransferProgress = { _ in }
    let progress = quiet ? silent : printer.progress
    let images = engine.images
    let name = self.name
    let digest = try runBlocking { try await images.push(name, compression: compression, progress: progress) }
    if quiet { print(digest) }
  }
}
