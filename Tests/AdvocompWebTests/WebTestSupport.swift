import AdvocompStore
import AdvocompTestSupport
import AdvocompWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The demo accounts of the tests (bcrypt cost 4: quick, still bcrypt).
enum Accountholders {
    static let all: [(name: String, role: WebRole, payee: String?, password: String)] = [
        ("fiona", .finance, nil, "finance-password-1"),
        ("harry", .hr, nil, "hr-password-12"),
        ("daniel", .executive, "E1101", "cro-password-1"),
        ("olivia", .executive, "E1102", "svp-password-1"),
    ]

    static func add(to store: RunStore) throws {
        for a in all {
            try store.addUser(WebUser(username: a.name, role: a.role, payeeID: a.payee, passwordHash: Accounts.hash(a.password, cost: 4),
                                      createdAt: "2026-10-05T09:00:00Z", createdBy: "test"))
        }
    }

    static func password(_ name: String) -> String { all.first { $0.name == name }!.password }
}

/// A signed-in (or anonymous) visitor: its cookies and the CSRF token of its session.
struct Visitor {
    var cookies: [String: String] = [:]
    var csrf = ""

    var headers: HTTPFields {
        var h: HTTPFields = [:]
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return h
    }

    mutating func take(_ r: TestResponse) {
        for c in r.headers[values: .setCookie] {
            let pair = c.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = value }
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let r = try await client.execute(uri: uri, method: .get, headers: headers)
        take(r)
        return r
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestResponse {
        var h = headers
        h[.contentType] = "application/x-www-form-urlencoded"
        let all = [("csrf", csrf ?? self.csrf)] + fields
        let body = all.map { "\($0.0)=\(Visitor.encode($0.1))" }.joined(separator: "&")
        let r = try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body))
        take(r)
        return r
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func csrf(in body: String) -> String? {
        guard let r = body.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(body[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in as `name`; returns the response of the POST.
    @discardableResult
    mutating func login(_ client: some TestClientProtocol, _ name: String, password: String? = nil) async throws -> TestResponse {
        let form = try await get(client, "/login")
        let token = Visitor.csrf(in: String(buffer: form.body)) ?? ""
        let r = try await post(client, "/login", [("username", name), ("password", password ?? Accountholders.password(name))], csrf: token)
        if r.status == .seeOther, let page = Optional(try await get(client, "/")), page.status == .seeOther,
           let to = page.headers[.location] {
            let landing = try await get(client, to)
            csrf = Visitor.csrf(in: String(buffer: landing.body)) ?? ""
        }
        return r
    }
}

/// The web app on a fresh sample history with the demo accounts.
func withWebApp(plans: [String] = ["cro-reference-program.yaml"], rosterEdit: @escaping (String) -> String = { $0 },
                _ body: @escaping @Sendable (WebFixture.History, WebApp, any TestClientProtocol) async throws -> Void) async throws {
    let history = try WebFixture.history(plans: plans, rosterEdit: rosterEdit)
    defer { try? FileManager.default.removeItem(at: history.dir) }
    try Accountholders.add(to: history.store)
    let web = try await WebApp(store: history.store)
    let app = Application(router: web.router())
    try await app.test(.router) { client in try await body(history, web, client) }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
