import AdvocompModel
import Hummingbird
import HummingbirdCore
import HummingbirdTLS

extension WebOptions {
    /// How the server is built: HTTP/1.1, over TLS when a certificate and key are given
    /// (read now, so a bad file is an error naming it before anything is served).
    public func serverBuilder() throws -> HTTPServerBuilder {
        guard let certificate = tlsCertificate, let key = tlsKey else { return .http1() }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw DiagnosticsError([.error("cannot read the TLS certificate (PEM): \(error)", at: .wholeFile(certificate))])
        }
        guard !chain.isEmpty else {
            throw DiagnosticsError([.error("the file holds no PEM certificate", at: .wholeFile(certificate))])
        }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw DiagnosticsError([.error("cannot read the TLS private key (PEM): \(error)", at: .wholeFile(key))])
        }
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(privateKey))
        do { return try .tls(.http1(), tlsConfiguration: configuration) } catch {
            throw DiagnosticsError([.error("the certificate and key cannot serve TLS: \(error)", at: .wholeFile(certificate))])
        }
    }
}
