/// BerthSystem wraps the system calls Berth makes from Swift: each is wrapped once, retries
/// EINTR and throws a `SystemError` naming the call and its operands. It also holds small host
/// facts (mount table, process start times) and crash-safe file writes.
///
/// It must not depend on any other Berth module except CBerth.
public enum BerthSystemModule {}
