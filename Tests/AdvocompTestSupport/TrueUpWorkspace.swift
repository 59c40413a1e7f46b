import Foundation
import XCTest
import AdvocompStore

/// Case 01's plan with a true-up over a workspace of two years of actuals, and the built
/// advocomp closing its quarters: for the true-up's command (TrueUpCLITests) and its
/// workbook (TrueUpWorkbookTests).
public protocol TrueUpWorkspace: XCTestCase {}

extension TrueUpWorkspace {
    public static var trueUpSection: String {
        """

        true_up:
          negative: carry
          targets:
            review_velocity: { target: 160, targets: { enterprise: 100, smb: 240 } }
        """
    }

    /// Case 01's plan with a true-up, its roster, and actuals for every quarter and the
    /// full year of 2026 and 2027.
    public func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-trueup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let source = try Conformance.folder("01-scorecard-basics")
        let plan = try String(contentsOf: source.appendingPathComponent("plan.yaml"), encoding: .utf8) + Self.trueUpSection
        try plan.write(to: dir.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try Data(contentsOf: source.appendingPathComponent("roster.csv")).write(to: dir.appendingPathComponent("roster.csv"))
        var rows = ["period,scope,kpi,value"]
        let quarters: [(Int, Int, Int, String, String, Int)] = [(31, 48, 44, "0.93", "101%", 15), (27, 66, 40, "0.95", "106%", 14),
                                                                (20, 50, 30, "0.85", "100%", 19), (30, 70, 45, "0.92", "104%", 16)]
        for year in [2026, 2027] {
            for (q, v) in quarters.enumerated() {
                let p = "\(year)-Q\(q + 1)"
                rows += ["\(p),unit:enterprise,review_velocity,\(v.0)", "\(p),unit:smb,review_velocity,\(v.1)",
                         "\(p),unit:midmarket,review_velocity,\(v.2)", "\(p),company,reference_fill_rate,\(v.3)",
                         "\(p),company,nrr,\(v.4)", "\(p),company,cac_payback,\(v.5)"]
            }
            rows += ["\(year)-FY,unit:enterprise,review_velocity,108", "\(year)-FY,unit:smb,review_velocity,234",
                     "\(year)-FY,unit:midmarket,review_velocity,159", "\(year)-FY,company,reference_fill_rate,0.91",
                     "\(year)-FY,company,nrr,103%", "\(year)-FY,company,cac_payback,16"]
        }
        try (rows.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("actuals.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    public func advocomp(_ args: [String], in dir: URL) throws -> CLI.Run {
        try CLI.run(CLI.binary, args, in: dir)
    }

    public static var inputs: [String] { ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv"] }

    /// Calculates, approves and closes every quarter of `year`; returns the runs' CSVs.
    public func closeQuarters(of year: Int, in dir: URL) throws -> [String] {
        var csvs: [String] = []
        for q in 1...4 {
            let c = try advocomp(["calculate", "-q", "--format", "csv", "--period", "\(year)-Q\(q)"] + Self.inputs, in: dir)
            XCTAssertEqual(c.status, 0, c.stderr)
            csvs.append(c.stdout)
            let id = try XCTUnwrap(RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false).runs().last?.id)
            XCTAssertEqual(try advocomp(["approve", String(id)], in: dir).status, 0)
            XCTAssertEqual(try advocomp(["close", "--period", "\(year)-Q\(q)"], in: dir).status, 0)
        }
        return csvs
    }
}
