import AdvocompHistory
import AdvocompKit
import AdvocompStore
import Foundation
import Hummingbird

extension WebApp {
    /// Every route. Each handler checks the role (and, for an executive, the payee) first,
    /// then calls the library; none computes a figure itself.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders(app: self))
        router.add(middleware: SessionMiddleware(app: self))

        router.get("/") { _, context in
            guard let u = context.user else { return WebApp.redirect("/login") }
            switch u.role {
            case .finance: return WebApp.redirect("/runs")
            case .hr: return WebApp.redirect("/plans")
            case .executive: return WebApp.redirect("/payees/\(u.payeeID ?? "")")
            }
        }
        router.get("/static/:file") { _, context in
            guard let name = context.parameters.get("file"), let f = self.statics[name] else {
                throw WebError(.notFound, "There is no such file.")
            }
            return Response(status: .ok, headers: [.contentType: f.type], body: .init(byteBuffer: ByteBuffer(bytes: f.body)))
        }
        addLoginRoutes(router)
        addExecutiveRoutes(router)
        addFinanceRoutes(router)
        addHRRoutes(router)
        return router
    }

    /// The session, when its user has one of `roles`: else 401 (signed out) or 403.
    func require(_ context: WebContext, _ roles: WebRole...) throws -> WebSession {
        guard let s = context.session else { throw WebError(.unauthorized, "Sign in first.") }
        guard roles.contains(s.user.role) else { throw WebError(.forbidden, "Your account may not see this page.") }
        return s
    }

    /// A state-changing request: the session's role and its CSRF token in the form.
    func requirePost(_ request: Request, _ context: WebContext, _ roles: WebRole...) async throws -> (WebSession, Form) {
        guard let s = context.session else { throw WebError(.unauthorized, "Sign in first.") }
        guard roles.contains(s.user.role) else { throw WebError(.forbidden, "Your account may not do this.") }
        let form = try await Form.read(request, context)
        let sent = form["csrf"] ?? request.headers[FieldName("X-CSRF-Token")!] ?? ""
        guard Accounts.same(sent, s.csrfToken) else {
            throw WebError(.forbidden, "This form has expired or did not come from this site (CSRF token missing or wrong): reload the page and try again.")
        }
        return (s, form)
    }

    func audit(_ s: WebSession, _ context: WebContext, _ action: String, _ detail: String) throws {
        try store.audit(at: nowText, username: s.user.username, action: action, detail: detail, address: context.address)
    }

    // MARK: Sign in and out

    func addLoginRoutes(_ router: Router<WebContext>) {
        router.get("/login") { _, context in
            if context.user != nil { return WebApp.redirect("/") }
            return self.loginPage(context, message: nil, username: "", status: .ok)
        }
        router.post("/login") { request, context in
            let form = try await Form.read(request, context)
            let username = form["username"] ?? "", password = form["password"] ?? ""
            // Login CSRF: the form's token must equal the cookie set with the form.
            guard let cookie = request.cookies[WebApp.loginCookie]?.value, Accounts.same(cookie, form["csrf"] ?? "") else {
                return self.loginPage(context, message: "The sign-in form expired: try again.", username: username, status: .forbidden)
            }
            let now = self.nowEpoch, address = context.address
            let failures = try self.store.failedLogins(username: username, address: address, sinceEpoch: now - WebLimits.window)
            if failures.account >= WebLimits.failuresPerAccount || failures.address >= WebLimits.failuresPerAddress {
                try self.store.audit(at: self.nowText, username: username, action: "login refused", detail: "too many failed attempts", address: address)
                return self.loginPage(context, message: "Too many failed sign-ins: try again in \(WebLimits.window / 60) minutes.",
                                      username: username, status: .tooManyRequests)
            }
            guard let user = try self.store.user(username), Accounts.verify(password, hash: user.passwordHash) else {
                try self.store.recordLoginAttempt(username: username, address: address, atEpoch: now, succeeded: false)
                try self.store.audit(at: self.nowText, username: username, action: "login failed", detail: "", address: address)
                return self.loginPage(context, message: "Wrong user or password.", username: username, status: .unauthorized)
            }
            try self.store.recordLoginAttempt(username: username, address: address, atEpoch: now, succeeded: true)
            let token = Accounts.token()
            try self.store.createSession(tokenSHA256: Accounts.sha256(token), username: user.username, csrfToken: Accounts.token(),
                                         createdAt: self.nowText, expiresEpoch: now + WebLimits.sessionSeconds)
            try self.store.audit(at: self.nowText, username: user.username, action: "login", detail: user.role.rawValue, address: address)
            var r = WebApp.redirect("/")
            r.headers[values: .setCookie] = [self.sessionCookie(token, maxAge: WebLimits.sessionSeconds),
                                             "\(WebApp.loginCookie)=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict"]
            return r
        }
        router.post("/logout") { request, context in
            let (s, _) = try await self.requirePost(request, context, .finance, .hr, .executive)
            if let t = context.sessionToken { try self.store.deleteSession(tokenSHA256: Accounts.sha256(t)) }
            try self.audit(s, context, "logout", "")
            var r = WebApp.redirect("/login")
            r.headers[.setCookie] = "\(WebApp.sessionCookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            return r
        }
    }

    func loginPage(_ context: WebContext, message: String?, username: String, status: HTTPResponse.Status) -> Response {
        let csrf = Accounts.token()
        var r = page("login", ["csrf": csrf, "message": message as Any, "username": username], title: "Sign in", context: context, status: status)
        r.headers[.setCookie] = "\(WebApp.loginCookie)=\(csrf); Path=/login; Max-Age=1800; HttpOnly; SameSite=Strict" + (options.secureCookies ? "; Secure" : "")
        return r
    }
}
