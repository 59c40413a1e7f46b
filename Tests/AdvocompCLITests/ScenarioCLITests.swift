import Foundation
import XCTest
import AdvocompTestSupport

/// `whatif`, `curve` and `compare` from the command line (ScenarioTests checks their
/// figures in-process): each format, the workbooks, and the usage errors.
final class ScenarioCLITests: XCTestCase {
    static let folder = "01-scorecard-basics"

    func testTheCommandsPrintEachFormatAndTheCurveWorkbook() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let src = try Conformance.folder(Self.folder)
        let inputs = ["--plan", src.appendingPathComponent("plan.yaml").path, "--roster", src.appendingPathComponent("roster.csv").path,
                      "--actuals", src.appendingPathComponent("actuals.csv").path, "--period", "2026-Q1"]
        let table = try CLI.run(CLI.binary, ["whatif", "--set", "nrr=106%"] + inputs, in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("What if, exec-advocacy v2026.1, 2026-Q1: nrr=106%\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nTotals\n"), table.stdout)
        let json = try CLI.run(CLI.binary, ["whatif", "--set", "nrr=106%", "--format", "json"] + inputs, in: dir)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(o["set"] as? [String], ["nrr=106%"])
        let none = try CLI.run(CLI.binary, ["whatif"] + inputs, in: dir)
        XCTAssertEqual(none.status, 64)

        let curve = try CLI.run(CLI.binary, ["curve", "--payee", "E002", "--kpi", "review_velocity", "--from", "80%", "--to", "120%",
                                             "--step", "20%", "--xlsx", "c.xlsx"] + inputs, in: dir)
        XCTAssertEqual(curve.status, 0, curve.stderr)
        let lines = curve.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 7, curve.stdout)  // title, blank is dropped, header, rule, 3 points, today
        XCTAssertTrue(lines[4].contains("100%") && lines[4].contains("33,068.97 USD") && lines[4].contains("#"), String(lines[4]))
        XCTAssertTrue(lines[6].hasPrefix("today: attainment "), String(lines[6]))
        let book = try Data(contentsOf: dir.appendingPathComponent("c.xlsx"))
        XCTAssertEqual(Array(book.prefix(2)), [0x50, 0x4b], "a zip (xlsx) file")
        let compare = try CLI.run(CLI.binary, ["compare", "--plan", src.appendingPathComponent("plan.yaml").path, "--xlsx", "cmp.xlsx",
                                               "--format", "csv"] + inputs, in: dir)
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertTrue(compare.stdout.hasPrefix("payee_id,unit,currency,status_a,payout_a,status_b,payout_b,change\n"), compare.stdout)
        XCTAssertEqual(Array(try Data(contentsOf: dir.appendingPathComponent("cmp.xlsx")).prefix(2)), [0x50, 0x4b])
        let one = try CLI.run(CLI.binary, ["compare"] + inputs, in: dir)
        XCTAssertEqual(one.status, 64)
        XCTAssertTrue(one.stderr.contains("give two plans: --plan A.yaml --plan B.yaml"), one.stderr)
        let badFrom = try CLI.run(CLI.binary, ["curve", "--payee", "E002", "--kpi", "nrr", "--from", "lots"] + inputs, in: dir)
        XCTAssertEqual(badFrom.status, 64, "a value of the wrong type is a usage error")
        XCTAssertTrue(badFrom.stderr.hasPrefix("Error: The value 'lots' is invalid for '--from <from>': "), badFrom.stderr)
        XCTAssertTrue(badFrom.stderr.contains("(expected a number such as 80% or 0.8)"), badFrom.stderr)
    }

    /// An executive's preview on the command line: `whatif --payee` shows that payee only
    /// (the same figures as the full what-if's line, no peer's id or figure); a bare 95
    /// for a percent KPI is refused with what to write; `curve` marks where the payee
    /// stands and what the pool does.
    func testAPayeeOwnPreview() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let root = CLI.repoRoot
        let inputs = ["--plan", root.appendingPathComponent("plans/cro-reference-program.yaml").path,
                      "--roster", root.appendingPathComponent("samples/roster.csv").path,
                      "--actuals", root.appendingPathComponent("samples/actuals-2026.csv").path, "--period", "2026-Q3", "-q"]
        let all = try CLI.run(CLI.binary, ["whatif", "--set", "reference_fill_rate=93.5%", "--format", "csv"] + inputs, in: dir)
        XCTAssertEqual(all.status, 0, all.stderr)
        let row = try XCTUnwrap(all.stdout.split(separator: "\n").first { $0.hasPrefix("E1101,") }).split(separator: ",", omittingEmptySubsequences: false)
        let own = try CLI.run(CLI.binary, ["whatif", "--payee", "E1101", "--set", "reference_fill_rate=93.5%", "--format", "csv"] + inputs, in: dir)
        XCTAssertEqual(own.status, 0, own.stderr)
        XCTAssertEqual(own.stdout, "payee_id,currency,payout_before,payout_after,difference\nE1101,USD,\(row[4]),\(row[6]),\(row[7])\n")
        let table = try CLI.run(CLI.binary, ["whatif", "--payee", "E1101", "--set", "reference_fill_rate=93.5%"] + inputs, in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("reference_fill_rate: actual 97.8% → 93.5%"), table.stdout)
        let others = (all.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }).filter { $0 != "E1101" }
        XCTAssertEqual(others.count, 10)
        for id in others { XCTAssertFalse(table.stdout.contains(id), "no other payee: \(id)") }

        let bare = try CLI.run(CLI.binary, ["whatif", "--set", "reference_fill_rate=95"] + inputs, in: dir)
        XCTAssertEqual(bare.status, 1)
        XCTAssertTrue(bare.stderr.contains("KPI 'reference_fill_rate' is a percent, so 95 would be 9500%; write 95% (or 0.95)"), bare.stderr)

        let curve = try CLI.run(CLI.binary, ["curve", "--payee", "E1101", "--kpi", "reference_capacity", "--from", "100%", "--to", "120%",
                                             "--step", "5%"] + inputs, in: dir)
        XCTAssertEqual(curve.status, 0, curve.stderr)
        XCTAssertTrue(curve.stdout.contains("110%") && curve.stdout.contains("<- today"), curve.stdout)
        XCTAssertTrue(curve.stdout.contains("today: attainment 111.7%, paid 84,650.86 USD after the pool (92,014.52 before); the pool scales every payout to 92%"), curve.stdout)
    }
}
