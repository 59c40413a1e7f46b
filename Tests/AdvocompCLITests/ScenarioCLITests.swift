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
        XCTAssertEqual(lines.count, 6, curve.stdout)  // title, blank is dropped, header, rule, 3 points
        XCTAssertTrue(lines[4].contains("100%") && lines[4].contains("33,068.97 USD") && lines[4].hasSuffix("#"), String(lines[4]))
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
}
