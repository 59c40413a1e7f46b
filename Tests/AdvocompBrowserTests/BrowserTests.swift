import AdvocompKit
import AdvocompStore
import AdvocompTestSupport
import AdvocompWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// The web app in a real browser: Debian's chromium, headless, driven through
/// chromedriver, against the app served on a loopback port in this process. Screenshots
/// are saved under web-screenshots/ (ignored by git).
final class BrowserTests: XCTestCase {
    static let accounts: [(String, WebRole, String?, String)] = [
        ("fiona", .finance, nil, "finance-password-1"), ("harry", .hr, nil, "hr-password-12"),
        ("daniel", .executive, "E1101", "cro-password-1"), ("olivia", .executive, "E1102", "svp-password-1"),
    ]

    func testTheWebAppInChromium() async throws {
        try XCTSkipUnless(WebDriver.available, "chromium and chromedriver are not installed (scripts/setup installs them: apt-get install chromium chromium-driver)")
        let history = try WebFixture.history()
        defer { try? FileManager.default.removeItem(at: history.dir) }
        for (name, role, payee, password) in BrowserTests.accounts {
            try history.store.addUser(WebUser(username: name, role: role, payeeID: payee, passwordHash: Accounts.hash(password, cost: 4),
                                              createdAt: "2026-10-05T09:00:00Z", createdBy: "test"))
        }
        let web = try await WebApp(store: history.store)
        let app = Application(router: web.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let request = history.requests["cro-reference-program.yaml"]!
        let root = CLI.repoRoot
        try await app.test(.live) { client in
            let site = "http://127.0.0.1:\(client.port!)"
            fputs("browser test: serving on \(site)\n", stderr)
            let driver = try await WebDriver()
            do {
                try await BrowserTests.scenarios(driver, site: site, request: request, history: history, root: root)
            } catch {
                try? await driver.screenshot("failure.png", root: root)
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    static func login(_ d: WebDriver, _ site: String, _ name: String) async throws {
        _ = try await d.value("DELETE", "/cookie")
        try await d.go("\(site)/login")
        try await d.type("#username", name)
        try await d.type("#password", accounts.first { $0.0 == name }!.3)
        try await d.click("#sign-in")
        try await d.wait("signed in as \(name)") { try await d.text("#who").hasPrefix(name) }
    }

    static func scenarios(_ d: WebDriver, site: String, request: CalculationRequest, history: WebFixture.History, root: URL) async throws {
        // 1. The CRO signs in: the page's payout is calculate's.
        try await login(d, site, "daniel")
        let run = Pipeline.calculate(request, loadFile: WebFixture.loader).result!
        let cro = run.payees.first { $0.payee.id == "E1101" }!
        let v1 = try await d.url
        XCTAssertTrue(v1.hasSuffix("/payees/E1101"))
        let v2 = try await d.text("#payout")
        XCTAssertEqual(v2, cro.payout.grouped)
        let v3 = try await d.text("#banner")
        XCTAssertTrue(v3.hasPrefix("Projected, not final"))
        try await d.wait("the curve drawn") { (try await d.execute("return document.getElementById('curve').naturalWidth") as? Int ?? 0) > 0 }
        try await d.screenshot("executive-statement.png", root: root)

        // 2. Moving a KPI control: the shown payout is whatif's for that value.
        try await d.type("#control-reference_fill_rate", "93.5")
        let expected = Pipeline.whatIf(request, overrides: [try ActualOverride.parse("reference_fill_rate=93.5%").get()], loadFile: WebFixture.loader)
            .result!.after.payees.first { $0.payee.id == "E1101" }!.payout
        try await d.wait("the what-if answered") {
            let state = try await d.attribute("#whatif-result", "data-state")
            let query = try await d.attribute("#whatif-result", "data-query") ?? ""
            return state == "done" && query.contains("kpi.reference_fill_rate=93.5")
        }
        let v4 = try await d.text("#whatif-payout")
        XCTAssertEqual(v4, expected.grouped)
        XCTAssertNotEqual(expected, cro.payout, "the what-if changes the payout")
        _ = try await d.execute("document.getElementById('whatif-result').scrollIntoView()")
        try await d.screenshot("executive-whatif.png", root: root)

        // 3. Another executive cannot reach the CRO's page, what-if or curve.
        try await login(d, site, "olivia")
        for path in ["/payees/E1101", "/payees/E1101/whatif?kpi.reference_fill_rate=95", "/payees/E1101/curve.svg?kpi=reference_fill_rate"] {
            try await d.go(site + path)
            let source = try await d.source
            XCTAssertTrue(source.contains("not yours"), path)
            XCTAssertFalse(source.contains(cro.payout.grouped) || source.contains(cro.payout.plain) || source.contains("Daniel Reyes"), path)
        }
        try await d.go(site + "/payees/E1101")
        try await d.screenshot("executive-refused.png", root: root)

        // 4. HR: a draft with an error shows it at its line.
        try await login(d, site, "harry")
        var draft = try WebFixture.file("plans/cro-reference-program.yaml").text
        draft = draft.replacingOccurrences(of: "weight: 60%", with: "weight: sixty")
        let line = draft.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("weight: sixty") }! + 1
        _ = try await d.execute("document.getElementById('draft').value = arguments[0]", [draft])
        try await d.click("#check")
        try await d.wait("the draft checked") { !(try await d.elements("#draft-source")).isEmpty }
        let v5 = try await d.attribute("#line-\(line)", "class")
        XCTAssertEqual(v5, "has-error")
        let v6 = try await d.text("#line-\(line) .diagnostic")
        XCTAssertTrue(v6.hasPrefix("draft.yaml:\(line):"), "located at its line")
        _ = try await d.execute("document.getElementById('line-\(line)').scrollIntoView({block: 'center'})")
        try await d.screenshot("hr-draft-error.png", root: root)

        // 5. Finance approves run 1 (with its confirmation step) and sees it in `runs`.
        try await login(d, site, "fiona")
        try await d.go(site + "/runs/1")
        try await d.click("#approve")
        let v7 = try await d.text("#confirm-words")
        XCTAssertTrue(v7.hasPrefix("Approve run 1"))
        try await d.click("#confirm")
        try await d.wait("run 1 approved") { try await d.text("#run-state") == "approved" }
        try await d.go(site + "/runs")
        let v8 = try await d.text("#run-1 .state")
        XCTAssertEqual(v8, "approved")
        try await d.screenshot("finance-runs.png", root: root)
        let runs = try CLI.run(CLI.binary, ["runs", "--db", history.db])
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertTrue(runs.stdout.contains("approved") && runs.stdout.contains("fiona"), runs.stdout)
    }
}
