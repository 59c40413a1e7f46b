import Foundation
import XCTest
import AdvocompTestSupport

/// Text from the inputs on a terminal, through the built advocomp (TerminalTextTests checks
/// each renderer in-process).
final class TerminalTextCLITests: XCTestCase, HostileTextFixture {
    /// The same through the command line: the table, the diagnostics on standard error,
    /// `validate` and the history listing (`runs`) carry no raw control character.
    func testTheCommandLineShowsControlCharactersEscaped() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-terminal-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try Conformance.folder("01-scorecard-basics"), to: dir)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        for f in ["plan.yaml", "roster.csv", "actuals.csv"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(f).path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        let plan = try String(contentsOf: dir.appendingPathComponent("plan.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "version: \"2026.1\"", with: "version: \"2026.1\\e[31m\"")
        try plan.write(to: dir.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try hostileRoster().write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let args = ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv", "--period", "2026-Q1"]

        let table = try CLI.run(CLI.binary, ["calculate"] + args + ["--db", "h.db"], in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        assertNoControlCharacters(table.stdout)
        XCTAssertTrue(table.stdout.contains(Self.shownName), table.stdout)
        XCTAssertTrue(table.stdout.contains(#"v2026.1\u{1B}[31m"#), table.stdout)
        let runs = try CLI.run(CLI.binary, ["runs", "--db", "h.db"], in: dir)
        assertNoControlCharacters(runs.stdout)
        XCTAssertTrue(runs.stdout.contains(#"2026.1\u{1B}[31m"#), runs.stdout)
        let validate = try CLI.run(CLI.binary, ["validate", "plan.yaml"], in: dir)
        assertNoControlCharacters(validate.stdout)
        XCTAssertTrue(validate.stdout.contains(#"v2026.1\u{1B}[31m is valid"#), validate.stdout)
        let json = try CLI.run(CLI.binary, ["calculate"] + args + ["--no-db", "--format", "json"], in: dir)
        XCTAssertTrue(json.stdout.contains(#"Ada\u001b[2J\u0007Park\t\r"# + "\u{9B}1m"), "JSON keeps the data, escaped as JSON")

        let bad = try hostileRoster().replacingOccurrences(of: "E002,Ben Ortiz,CRO,smb,exec-advocacy,USD,", with: "E002,Ben Ortiz,CRO,smb,exec-advocacy,US\u{1B}[2JD,")
        try bad.write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let failed = try CLI.run(CLI.binary, ["calculate"] + args + ["--no-db"], in: dir)
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(failed.stdout, "")
        assertNoControlCharacters(failed.stderr)
        XCTAssertTrue(failed.stderr.contains(#"roster.csv:3:6: error: unknown currency 'US\u{1B}[2JD'"#), failed.stderr)
    }
}
