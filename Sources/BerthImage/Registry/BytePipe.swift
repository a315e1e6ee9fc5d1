import BerthOCI
import Foundation
import NIOCore

/// A bounded pipe of bytes from one producing thread to one async consumer: a push's compressor
/// writes into it while the HTTP client streams out of it, so a compressed layer never touches
/// the disk. The producer blocks while ``capacity`` bytes wait; the consumer suspends while none do.
public final class BytePipe: AsyncSequence, @unchecked Sendable {
  public typealias Element = ByteBuffer

  /// Bytes held before ``send(_:)`` blocks.
  public let capacity: Int
  private let condition = NSCondition()
  private var queue: [ByteBuffer] = []
  private var queued = 0
  private var finished = false
  private var failure: (any Error)?
  private var cancelled = false
  private var waiter: CheckedContinuation<ByteBuffer?, any Error>?

  /// An empty pipe.
  public init(capacity: Int = 32 << 20) { self.capacity = capacity }

  /// Producer: adds bytes, blocking while the pipe is full. Throws once the consumer cancelled.
  public func send(_ bytes: [UInt8]) throws {
    let buffer = ByteBuffer(bytes: bytes)
    condition.lock()
    while queued >= capacity && !cancelled { condition.wait() }
    if cancelled {
      condition.unlock()
      throw BerthError(.unavailable, "the upload ended before the layer was sent")
    }
    if let waiter {
      self.waiter = nil
      condition.unlock()
      waiter.resume(returning: buffer)
      return
    }
    queue.append(buffer)
    queued += buffer.readableBytes
    condition.unlock()
  }

  /// Producer: no more bytes; with an error, the consumer's next read throws it.
  public func finish(throwing error: (any Error)? = nil) {
    condition.lock()
    finished = true
    failure = error
    let waiting = waiter
    waiter = nil
    condition.unlock()
    if let error { waiting?.resume(throwing: error) } else { waiting?.resume(returning: nil) }
  }

  /// Consumer: gives up; a blocked or later ``send(_:)`` throws.
  public func cancel() {
    condition.lock()
    cancelled = true
    queue = []
    queued = 0
    condition.broadcast()
    condition.unlock()
  }

  /// Consumer: the next buffer, nil at the end.
  func next() async throws -> ByteBuffer? {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
      condition.lock()
      if !queue.isEmpty {
        let buffer = queue.removeFirst()
        queued -= buffer.readableBytes
        condition.broadcast()
        condition.unlock()
        continuation.resume(returning: buffer)
      } else if finished {
        let failure = self.failure
        condition.unlock()
        if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
      } else {
        waiter = continuation
        condition.unlock()
      }
    }
  }

  /// Reads the pipe in order.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let pipe: BytePipe
    public mutating func next() async throws -> ByteBuffer? { try await pipe.next() }
  }

  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pipe: self) }
}
