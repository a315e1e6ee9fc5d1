import BerthOCI
import NIOSSL

/// The daemon's TLS settings, as dockerd's flags name them: `--tlscert`/`--tlskey` give the
/// server's certificate and key; `--tlsverify` with `--tlscacert` also requires every client to
/// present a certificate signed by that CA (without it, anyone who reaches the port controls
/// this machine).
public struct DaemonTLS: Sendable {
  /// PEM certificate chain of the server.
  public var certificate: String
  /// PEM private key of the server.
  public var key: String
  /// PEM CA that client certificates must chain to (`--tlscacert`).
  public var clientCA: String?
  /// Whether clients must present a certificate signed by clientCA (`--tlsverify`).
  public var verifyClients: Bool

  /// Makes TLS settings.
  public init(certificate: String, key: String, clientCA: String?, verifyClients: Bool) {
    self.certificate = certificate
    self.key = key
    self.clientCA = clientCA
    self.verifyClients = verifyClients
  }

  /// The NIOSSL server context; a missing or unreadable file is a clear error.
  func context() throws -> NIOSSLContext {
    do {
      let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
      let privateKey = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
      var configuration: TLSConfiguration
      if verifyClients {
        guard let clientCA else { throw BerthError.invalid("--tlsverify needs --tlscacert") }
        configuration = .makeServerConfigurationWithMTLS(
          certificateChain: chain, privateKey: privateKey, trustRoots: .file(clientCA))
      } else {
        configuration = .makeServerConfiguration(certificateChain: chain, privateKey: privateKey)
      }
      configuration.minimumTLSVersion = .tlsv12
      return try NIOSSLContext(configuration: configuration)
    } catch let error as BerthError {
      throw error
    } catch {
      throw BerthError.invalid("could not load the daemon's TLS certificate or key: \(error)")
    }
  }
}
