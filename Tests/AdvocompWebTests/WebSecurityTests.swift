import AdvocompKit
import AdvocompStore
import AdvocompTestSupport
import AdvocompWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

final class WebSecurityTests: XCTestCase {
    /// Every route for every role (and anonymous), with the status each must get. A route
    /// added to the app without a row here is a failure of `testEveryRouteIsInTheTable`.
    struct Row {
        var method: HTTPRequest.Method
        var path: String
        var fields: [(String, String)] = []
        /// anonymous, finance, hr, executive E1101 (daniel, own), executive E1102 (olivia).
        var expected: [HTTPResponse.Status]
    }

    static let ok = HTTPResponse.Status.ok, see = HTTPResponse.Status.seeOther, forbidden = HTTPResponse.Status.forbidden
    static let unauthorized = HTTPResponse.Status.unauthorized, notFound = HTTPResponse.Status.notFound
    static let table: [Row] = [
        Row(method: .get, path: "/", expected: [see, see, see, see, see]),
        Row(method: .get, path: "/login", expected: [ok, see, see, see, see]),
        // A sign-in whose form token does not match its cookie (none here) is refused.
        Row(method: .post, path: "/login", fields: [("username", "fiona"), ("password", "x")], expected: [forbidden, forbidden, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/static/app.js", expected: [ok, ok, ok, ok, ok]),
        Row(method: .get, path: "/static/app.css", expected: [ok, ok, ok, ok, ok]),
        Row(method: .get, path: "/static/nothing.js", expected: [notFound, notFound, notFound, notFound, notFound]),
        Row(method: .get, path: "/runs", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/runs/1", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/runs/1/confirm?action=approve", expected: [see, ok, forbidden, forbidden, forbidden]),
        // The actions themselves are tested in WebFiguresTests; here, on a run that does not exist.
        Row(method: .post, path: "/runs/999/approve", expected: [unauthorized, notFound, forbidden, forbidden, forbidden]),
        Row(method: .post, path: "/runs/999/close", expected: [unauthorized, notFound, forbidden, forbidden, forbidden]),
        Row(method: .post, path: "/runs/1/revoke", expected: [unauthorized, .conflict, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/runs/1/payroll.csv", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/runs/1/workbook.xlsx", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/runs/1/statements/E1101.xlsx", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/inquiries", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .post, path: "/inquiries/99/answer", fields: [("text", "x")], expected: [unauthorized, notFound, forbidden, forbidden, forbidden]),
        Row(method: .post, path: "/inquiries/99/resolve", expected: [unauthorized, notFound, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/audit", expected: [see, ok, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/plans", expected: [see, forbidden, ok, forbidden, forbidden]),
        Row(method: .post, path: "/plans/check", fields: [("plan", "plan: x\n"), ("run", "1")], expected: [unauthorized, forbidden, ok, forbidden, forbidden]),
        Row(method: .post, path: "/plans/simulate", expected: [unauthorized, forbidden, .badRequest, forbidden, forbidden]),
        Row(method: .post, path: "/plans/save", fields: [("plan", "plan: x\n"), ("effective", "2027-01-01")], expected: [unauthorized, forbidden, .badRequest, forbidden, forbidden]),
        Row(method: .get, path: "/payees/E1101", expected: [see, ok, forbidden, ok, forbidden]),
        Row(method: .get, path: "/payees/E1101/whatif?kpi.reference_fill_rate=95", expected: [unauthorized, ok, forbidden, ok, forbidden]),
        Row(method: .get, path: "/payees/E1101/curve.svg?kpi=reference_fill_rate", expected: [see, ok, forbidden, ok, forbidden]),
        Row(method: .post, path: "/payees/E1101/inquiries", fields: [("run", "1"), ("line", "payout"), ("question", "why?")],
            expected: [unauthorized, forbidden, forbidden, see, forbidden]),
        Row(method: .get, path: "/payees/E1102", expected: [see, ok, forbidden, forbidden, ok]),
        Row(method: .get, path: "/payees/E9999", expected: [see, notFound, forbidden, forbidden, forbidden]),
        Row(method: .get, path: "/no-such-page", expected: [notFound, notFound, notFound, notFound, notFound]),
        Row(method: .post, path: "/logout", expected: [unauthorized, see, see, see, see]),
    ]

    func testEveryRouteForEveryRoleGetsItsStatusAndTheSecurityHeaders() async throws {
        try await withWebApp { history, _, client in
            let roles: [String?] = [nil, "fiona", "harry", "daniel", "olivia"]
            for (k, name) in roles.enumerated() {
                for row in WebSecurityTests.table {
                    var v = Visitor()
                    if let name { try await v.login(client, name) }
                    if name != nil { XCTAssertFalse(v.csrf.isEmpty, "\(name!) signed in") }
                    let r = row.method == .get ? try await v.get(client, row.path) : try await v.post(client, row.path, row.fields)
                    XCTAssertEqual(r.status, row.expected[k], "\(row.method) \(row.path) as \(name ?? "anonymous"): \(r.text.prefix(300))")
                    let csp = r.headers[.contentSecurityPolicy] ?? ""
                    XCTAssertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), "\(row.path): \(csp)")
                    XCTAssertEqual(r.headers[.xContentTypeOptions], "nosniff")
                    XCTAssertEqual(r.headers[HTTPFields.Element.Name("X-Frame-Options")!], "DENY")
                    if !row.path.hasPrefix("/static/") { XCTAssertEqual(r.headers[.cacheControl], "no-store", row.path) }
                    // Olivia (E1102) never gets a figure of Daniel's (E1101).
                    if name == "olivia" { try WebSecurityTests.assertNoFigure(of: "E1101", in: r.text, history: history, row.path) }
                }
            }
            // The revoke above, refused, changed nothing; every session ended by its logout.
            XCTAssertEqual(try history.store.summary(1)?.state, "draft")
        }
    }

    func testEveryRouteIsInTheTable() async throws {
        let history = try WebFixture.history()
        defer { try? FileManager.default.removeItem(at: history.dir) }
        let web = try await WebApp(store: history.store)
        let routes = web.router().routes
        XCTAssertGreaterThan(routes.count, 20)
        for route in routes {
            let segments = "\(route.path)".split(separator: "/").map { ($0.hasPrefix(":") || $0.hasPrefix("{")) ? "[^/]+" : NSRegularExpression.escapedPattern(for: String($0)) }
            let regex = try NSRegularExpression(pattern: "^/" + segments.joined(separator: "/") + "$")
            let covered = WebSecurityTests.table.contains { row in
                let path = String(row.path.split(separator: "?", maxSplits: 1)[0])
                return row.method == route.method && regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
            }
            XCTAssertTrue(covered, "\(route.method) \(route.path) has no row in the route × role table")
        }
    }

    /// No payout, target or KPI actual of `payee` appears in `body`.
    static func assertNoFigure(of payee: String, in body: String, history: WebFixture.History, _ what: String) throws {
        let request = history.requests.values.first!
        var r = request
        r.explain = [payee]
        guard let run = Pipeline.calculate(r, loadFile: WebFixture.loader).result, let p = run.payees.first(where: { $0.payee.id == payee }) else { return }
        for figure in [p.payout.grouped, p.payout.plain, p.roundedPayout.grouped, p.roundedTargetIncentive.grouped] {
            XCTAssertFalse(body.contains(figure), "\(what): \(figure) of \(payee) shown")
        }
        XCTAssertFalse(body.contains(p.payee.name), "\(what): the name of \(payee) shown")
    }

    func testAnExecutivesPagesHoldNoOtherPayeesFigures() async throws {
        try await withWebApp { history, _, client in
            var v = Visitor()
            try await v.login(client, "olivia")
            var bodies = [try await v.get(client, "/payees/E1102").text,
                          try await v.get(client, "/payees/E1102/whatif?kpi.reference_fill_rate=99").text,
                          try await v.get(client, "/payees/E1102/curve.svg?kpi=reference_fill_rate").text]
            // Another payee's run, statement, what-if or curve by any way of asking: 403/404, no figure.
            for path in ["/payees/E1101", "/payees/E1101?run=1", "/payees/E1101/whatif", "/payees/E1101/curve.svg?kpi=reference_fill_rate",
                         "/payees/E1102?run=999", "/runs/1", "/runs/1/statements/E1101.xlsx", "/payees/e1101", "/payees/E1101%2F..%2FE1102"] {
                let r = try await v.get(client, path)
                XCTAssertTrue([.forbidden, .notFound].contains(r.status), "\(path): \(r.status)")
                bodies.append(r.text)
            }
            for other in ["E1101", "E1103", "E1104"] {
                for b in bodies { try WebSecurityTests.assertNoFigure(of: other, in: b, history: history, "olivia's pages") }
            }
        }
    }

    func testStateChangesNeedTheSessionsCSRFToken() async throws {
        try await withWebApp { history, _, client in
            var v = Visitor()
            try await v.login(client, "fiona")
            for token in ["", "0", String(repeating: "a", count: 64)] {
                let r = try await v.post(client, "/runs/1/approve", [("note", "x")], csrf: token)
                XCTAssertEqual(r.status, .forbidden)
                XCTAssertTrue(r.text.contains("CSRF"), r.text)
            }
            XCTAssertEqual(try history.store.summary(1)?.state, "draft")
            // Another session's token does not do either.
            var w = Visitor()
            try await w.login(client, "fiona")
            XCTAssertNotEqual(w.csrf, v.csrf)
            let r1 = try await v.post(client, "/runs/1/approve", [], csrf: w.csrf)
            XCTAssertEqual(r1.status, .forbidden)
            // The sign-in form's token must match its cookie.
            var x = Visitor()
            _ = try await x.get(client, "/login")
            let r = try await x.post(client, "/login", [("username", "fiona"), ("password", Accountholders.password("fiona"))], csrf: "forged")
            XCTAssertEqual(r.status, .forbidden)
            XCTAssertNil(x.cookies["advocomp_session"])
        }
    }

    func testTheSessionCookieIsHttpOnlyStrictAndExpires() async throws {
        try await withWebApp { _, _, client in
            var v = Visitor()
            let r = try await v.login(client, "daniel")
            let cookie = r.headers[values: .setCookie].first { $0.hasPrefix("advocomp_session=") } ?? ""
            XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=28800"), cookie)
            XCTAssertFalse(cookie.contains("Secure"), "plain HTTP on loopback: Secure only under TLS (--secure-cookies)")
            // Signing out ends the session on the server too.
            let token = v.cookies["advocomp_session"]!
            let r2 = try await v.post(client, "/logout", [])
            XCTAssertEqual(r2.status, .seeOther)
            var replay = Visitor(cookies: ["advocomp_session": token])
            let r3 = try await replay.get(client, "/payees/E1101")
            XCTAssertEqual(r3.status, .seeOther)
        }
    }

    func testLoginsAreRateLimitedPerAccount() async throws {
        try await withWebApp { history, _, client in
            for _ in 0..<WebLimits.failuresPerAccount {
                var v = Visitor()
                let r4 = try await v.login(client, "daniel", password: "wrong-password")
                XCTAssertEqual(r4.status, .unauthorized)
            }
            var v = Visitor()
            let r = try await v.login(client, "daniel")
            XCTAssertEqual(r.status, .tooManyRequests, "the right password after 5 failures is still refused")
            XCTAssertTrue(r.text.contains("Too many failed sign-ins"))
            XCTAssertNil(v.cookies["advocomp_session"])
            // Another account is not locked by them.
            var w = Visitor()
            let r5 = try await w.login(client, "olivia")
            XCTAssertEqual(r5.status, .seeOther)
            let log = try history.store.auditLog()
            XCTAssertEqual(log.filter { $0.action == "login failed" && $0.username == "daniel" }.count, 5)
            XCTAssertTrue(log.contains { $0.action == "login refused" && $0.username == "daniel" })
            XCTAssertTrue(log.contains { $0.action == "login" && $0.username == "olivia" })
        }
    }

    func testWhatAUserTypedIsShownAsText() async throws {
        let evil = "<script>alert(1)</script>"
        try await withWebApp(rosterEdit: { $0.replacingOccurrences(of: "Olivia Chen", with: evil) }) { _, _, client in
            var v = Visitor()
            try await v.login(client, "fiona")
            let run = try await v.get(client, "/runs/1").text
            XCTAssertTrue(run.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown, escaped")
            XCTAssertFalse(run.contains(evil))
            var o = Visitor()
            try await o.login(client, "olivia")
            let page = try await o.get(client, "/payees/E1102").text
            XCTAssertFalse(page.contains(evil))
            XCTAssertFalse(page.contains("<script>"), "no inline script at all")
            // A question with markup, and an answer with markup, are text too.
            let r6 = try await o.post(client, "/payees/E1102/inquiries", [("run", "1"), ("line", "payout"), ("question", "<img src=x onerror=alert(1)>")])
            XCTAssertEqual(r6.status, .seeOther)
            let r7 = try await o.get(client, "/payees/E1102")
            XCTAssertTrue(r7.text.contains("&lt;img src=x onerror=alert(1)&gt;"))
            let inquiries = try await v.get(client, "/inquiries").text
            XCTAssertFalse(inquiries.contains("<img src=x"))
            // A what-if value is never echoed as markup either.
            let w = try await o.get(client, "/payees/E1102/whatif?kpi.reference_fill_rate=%3Cb%3E")
            XCTAssertEqual(w.status, .badRequest)
            XCTAssertFalse(w.text.contains("<b>"))
        }
    }

    func testOversizedBodiesAndPathTraversalAreRefusedWithAClearMessage() async throws {
        try await withWebApp { _, _, client in
            var v = Visitor()
            try await v.login(client, "harry")
            let big = String(repeating: "x", count: WebLimits.maxBody + 10)
            let r = try await v.post(client, "/plans/check", [("plan", big)])
            XCTAssertEqual(r.status, .contentTooLarge)
            XCTAssertTrue(r.text.contains("too large: at most 1024 KiB"), r.text)
            var f = Visitor()
            try await f.login(client, "fiona")
            for path in ["/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../../etc/passwd", "/runs/1/statements/..%2F..%2Fetc%2Fpasswd.xlsx",
                         "/runs/1/statements/%2Fetc%2Fpasswd", "/runs/..%2F1"] {
                let t = try await f.get(client, path)
                XCTAssertTrue([.notFound, .badRequest].contains(t.status), "\(path): \(t.status)")
                XCTAssertFalse(t.text.contains("root:"), path)
            }
        }
    }

    func testANonLoopbackAddressNeedsTheLoudFlag() {
        XCTAssertNil(WebOptions(host: "127.0.0.1").problem)
        XCTAssertNil(WebOptions(host: "::1").problem)
        XCTAssertTrue(WebOptions(host: "0.0.0.0").problem?.contains("--insecure-public-bind") == true)
        XCTAssertNil(WebOptions(host: "0.0.0.0", insecurePublicBind: true).problem)
    }
}
