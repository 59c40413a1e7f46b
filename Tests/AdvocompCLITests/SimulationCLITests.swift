import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// `simulate` from the command line (SimulationTests checks its figures in-process): each
/// format, the histogram workbook, and a usage error.
final class SimulationCLITests: XCTestCase {
    func testTheCommandGivesEachFormatAndTheHistogramWorkbook() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let src = try Conformance.folder("02-okr-and-modifiers")
        try "kpis:\n  nrr: { distribution: normal, mean: 104%, sd: 5% }\n".write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
        let c = try Conformance.readCase(src)
        let inputs = ["--plan", src.appendingPathComponent(c["plan"] ?? "").path, "--roster", src.appendingPathComponent(c["roster"] ?? "").path,
                      "--actuals", src.appendingPathComponent(c["actuals"] ?? "").path, "--period", c["period"] ?? "", "--scenario", "s.yaml"]
        let table = try CLI.run(CLI.binary, ["simulate", "--runs", "600", "--xlsx", "sim.xlsx"] + inputs, in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(table.stderr, "", "no progress bar when standard error is not a terminal")
        XCTAssertTrue(table.stdout.contains(": 600 runs of scenario s.yaml, seed 1\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nTotal payout cost\n") && table.stdout.contains("\nGates\n") && table.stdout.contains("retention-gate"), table.stdout)
        XCTAssertEqual(Array(try Data(contentsOf: dir.appendingPathComponent("sim.xlsx")).prefix(2)), [0x50, 0x4b])
        let csv = try CLI.run(CLI.binary, ["simulate", "--runs", "50", "--format", "csv"] + inputs, in: dir)
        XCTAssertTrue(csv.stdout.hasPrefix("payee_id,unit,status,currency,expected,p90\n"), csv.stdout)
        let json = try CLI.run(CLI.binary, ["simulate", "--runs", "50", "--format", "json", "--seed", "5"] + inputs, in: dir)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(o["runs"] as? Int, 50)
        XCTAssertEqual(o["seed"] as? Int, 5)
        let zero = try CLI.run(CLI.binary, ["simulate", "--runs", "0"] + inputs, in: dir)
        XCTAssertEqual(zero.status, 64)
        XCTAssertEqual(SimulationReport.histogram([5, 5, 5]).map(\.runs), [3])
        XCTAssertEqual(SimulationReport.histogram([0, 10, 20, 30], bins: 3).map(\.runs), [1, 1, 2])
    }
}
