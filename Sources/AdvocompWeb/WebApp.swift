import AdvocompHistory
import AdvocompKit
import AdvocompStore
import Foundation
import Hummingbird
import Mustache
import Synchronization

/// What `advocomp serve` was asked for.
public struct WebOptions: Sendable {
    public var host: String
    public var port: Int
    /// Bind to an address other than loopback without TLS (loudly named on purpose).
    public var insecurePublicBind: Bool
    /// Cookies marked Secure (the app is served over TLS, directly or by a proxy).
    public var secureCookies: Bool
    /// The server's own TLS: a PEM certificate chain and its PEM private key (both, or neither).
    public var tlsCertificate: String?
    public var tlsKey: String?
    public init(host: String = "127.0.0.1", port: Int = 8080, insecurePublicBind: Bool = false, secureCookies: Bool = false,
                tlsCertificate: String? = nil, tlsKey: String? = nil) {
        self.host = host; self.port = port; self.insecurePublicBind = insecurePublicBind
        self.tlsCertificate = tlsCertificate; self.tlsKey = tlsKey
        // Over TLS the session cookie is always Secure.
        self.secureCookies = secureCookies || (tlsCertificate != nil && tlsKey != nil)
    }

    /// Whether the server speaks TLS itself.
    public var tls: Bool { tlsCertificate != nil && tlsKey != nil }

    /// Loopback: 127.0.0.0/8, ::1, localhost.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Why the options cannot be served as given, or nil.
    public var problem: String? {
        if (tlsCertificate == nil) != (tlsKey == nil) {
            return "give both --tls-cert FILE and --tls-key FILE (the certificate chain and its private key, PEM), or neither"
        }
        if !WebOptions.isLoopback(host) && !insecurePublicBind && !tls {
            return "--host \(host) is not a loopback address: the app holds salaries and payouts. Serve it over TLS (--tls-cert FILE --tls-key FILE), or on 127.0.0.1 behind a TLS proxy (with --secure-cookies), or, knowing every password and payout crosses the network in clear, add --insecure-public-bind"
        }
        if !(0...65535).contains(port) { return "--port \(port) is not a port (0 to 65535)" }
        return nil
    }
}

/// The web app's state: the history, the templates, the static files, and the previews of
/// runs already calculated (a run's previews are calculated once, then each what-if
/// recalculates on the same engine).
public final class WebApp: Sendable {
    public let store: RunStore
    public let options: WebOptions
    let templates: MustacheLibrary
    let statics: [String: (type: String, body: [UInt8])]
    let clock: @Sendable () -> Date
    private let previews = Mutex<[Int64: PayeePreview]>([:])

    public init(store: RunStore, options: WebOptions = WebOptions(), clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        self.store = store; self.options = options; self.clock = clock
        guard let dir = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let staticDir = Bundle.module.url(forResource: "Static", withExtension: nil) else {
            throw WebError(.internalServerError, "the web app's templates are missing from this build")
        }
        templates = try await MustacheLibrary(directory: dir.path)
        var statics: [String: (String, [UInt8])] = [:]
        for (name, type) in [("app.js", "text/javascript; charset=utf-8"), ("app.css", "text/css; charset=utf-8")] {
            let data = try Data(contentsOf: staticDir.appendingPathComponent(name))
            statics[name] = (type, Array(data))
        }
        self.statics = statics
    }

    var now: Date { clock() }
    var nowText: String { Accounts.timestamp(clock()) }
    var nowEpoch: Int64 { Int64(clock().timeIntervalSince1970) }

    /// The run's previews, calculated once.
    func preview(_ run: RunSummary) throws -> PayeePreview {
        if let p = previews.withLock({ $0[run.id] }) { return p }
        let p = try PayeeRuns.preview(store, run)
        previews.withLock { $0[run.id] = p }
        return p
    }

    /// The application: the router on a server bound as `options` say.
    public func application() -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(options.host, port: options.port), serverName: "advocomp"))
    }
}

/// The engine's calculations (what-ifs, curves, simulations) in the order asked, as many at
/// once as there are cores, on threads of their own: a request waiting for one holds no
/// thread of the server's, so pages and static files are served meanwhile, and under load
/// the calculations are served first come, first served.
enum EngineQueue {
    static let queue: OperationQueue = {
        let q = OperationQueue()
        q.name = "advocomp engine"
        q.maxConcurrentOperationCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return q
    }()

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            queue.addOperation { c.resume(with: Result { try body() }) }
        }
    }
}

/// An error shown to the user as a page (or JSON) with its status.
public struct WebError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public init(_ status: HTTPResponse.Status, _ message: String) { self.status = status; self.message = message }
}
