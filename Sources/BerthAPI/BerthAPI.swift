/// BerthAPI: the Docker Engine API over HTTP/1.1 (SwiftNIO, unix sockets).
///
/// Owns the wire types, the routes, streamed responses and hijacked connections (attach, exec).
/// Every engine call is blocking, so handlers run them on a thread pool and never on an event
/// loop. It must not reach below the engine: containers, images and volumes are the engine's.
enum BerthAPI {}
