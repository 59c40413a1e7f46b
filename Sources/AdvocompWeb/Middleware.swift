import AdvocompStore
import Foundation
import Hummingbird

/// Every response: a Content-Security-Policy without inline script, no framing, no
/// sniffing, no referrer, and no caching of private pages. Errors become a page (or JSON)
/// with a clear message and their status.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp

    static let csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as WebError {
            response = app.errorResponse(e, request: request, context: context)
        } catch let e as HTTPError {
            let message: String
            switch e.status {
            case .contentTooLarge: message = "The request is too large: at most \(WebLimits.maxBody / 1024) KiB is accepted (a plan or scenario larger than that cannot be pasted here)."
            case .notFound: message = "There is no such page."
            default: message = e.body ?? e.status.reasonPhrase
            }
            response = app.errorResponse(WebError(e.status, message), request: request, context: context)
        } catch {
            context.logger.error("request failed: \(type(of: error))")
            response = app.errorResponse(WebError(.internalServerError, "Something went wrong; the server's log says what."), request: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = SecurityHeaders.csp
        response.headers[FieldName("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[FieldName("Referrer-Policy")!] = "no-referrer"
        response.headers[FieldName("Cross-Origin-Opener-Policy")!] = "same-origin"
        if !request.uri.path.hasPrefix("/static/") {
            response.headers[.cacheControl] = "no-store"
        } else if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "public, max-age=3600"
        }
        return response
    }
}

/// Reads the session cookie into the context; state-changing requests of a session must
/// carry its CSRF token (form field `csrf` or header `X-CSRF-Token`).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[WebApp.sessionCookie]?.value, token.count == 64 {
            context.session = try app.store.session(tokenSHA256: Accounts.sha256(token), nowEpoch: app.nowEpoch)
            if context.session != nil { context.sessionToken = token }
        }
        return try await next(request, context)
    }
}
typealias FieldName = HTTPFields.Element.Name
