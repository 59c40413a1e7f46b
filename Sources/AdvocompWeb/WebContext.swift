import AdvocompStore
import Hummingbird
import NIOCore

/// The request context: who is asking (the session, when signed in) and from where.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var remoteAddress: SocketAddress?
    /// Set by `SessionMiddleware` from the session cookie.
    public var session: WebSession?
    /// The raw session token (to end the session on logout).
    var sessionToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies (forms, pasted plans and scenarios) are refused above this.
    public var maxUploadSize: Int { WebLimits.maxBody }

    /// The address for the login rate limit and the audit log.
    var address: String {
        remoteAddress?.ipAddress ?? "local"
    }

    var user: WebUser? { session?.user }
}

public enum WebLimits {
    /// The largest request body accepted (a pasted plan or scenario): 1 MiB.
    public static let maxBody = 1 << 20
    /// Failed logins allowed per account, and per address, in `window` seconds.
    public static let failuresPerAccount = 5
    public static let failuresPerAddress = 20
    public static let window: Int64 = 15 * 60
    /// How long a session lasts.
    public static let sessionSeconds: Int64 = 8 * 3600
}
