import Foundation
import XCTest
import AdvocompTestSupport

/// The annual true-up from the command line: over a year of closed quarters, the next
/// year's carry, and a plan without a true-up section (TrueUpTests checks the plan section
/// and the arithmetic in-process).
final class TrueUpCLITests: XCTestCase, TrueUpWorkspace {
    func testTheTrueUpOfAYearOfClosedQuartersAndTheCarryIntoTheNext() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(["calculate", "-q", "--period", "2026-Q1"] + Self.inputs, in: dir).status, 0)
        let early = try advocomp(["true-up", "--year", "2026"] + Self.inputs, in: dir)
        XCTAssertEqual(early.status, 1)
        XCTAssertEqual(early.stderr, "advocomp.db: error: plan exec-advocacy has not closed 2026-Q1, 2026-Q2, 2026-Q3, 2026-Q4: a true-up needs every period of fiscal year 2026 closed (advocomp approve RUN, then advocomp close --period P)\n1 error\n")

        let csvs = try closeQuarters(of: 2026, in: dir)
        let csv = try advocomp(["true-up", "--year", "2026", "--format", "csv"] + Self.inputs, in: dir)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stderr, "recorded as run 6 in advocomp.db\n")
        let lines = csv.stdout.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(lines.first, ["payee_id", "status", "currency", "full_year_payout", "paid", "carried_in", "true_up", "carry_forward", "forgiven"])
        // paid is what the four closed quarters paid (their CSVs), exactly.
        for l in lines.dropFirst() {
            var paid = Decimal(0)
            for c in csvs {
                for row in c.split(separator: "\n") where row.hasPrefix(l[0] + ",") {
                    let f = row.split(separator: ",")
                    if f[1] == "ok" { paid += Decimal(string: String(f[4])) ?? .nan }
                }
            }
            XCTAssertEqual(Decimal(string: l[4]), paid, l.joined(separator: ","))
            let raw = (Decimal(string: l[3]) ?? .nan) - paid
            XCTAssertEqual(Decimal(string: l[6]), max(raw, 0), l.joined(separator: ","))
            XCTAssertEqual(Decimal(string: l[7]), max(-raw, 0), "carry: the negative part goes forward")
        }
        XCTAssertEqual(lines.dropFirst().map { $0[0] }, ["E001", "E002", "E003", "E004", "E005"])
        let e004 = try XCTUnwrap(lines.first { $0[0] == "E004" })
        XCTAssertEqual(e004[6], "0.00")
        XCTAssertNotEqual(e004[7], "0.00", "E004 left in March: the year earns less than Q1 paid")

        // The payroll hand-off: the true-ups to pay, none for E004 (carried).
        let pay = try advocomp(["true-up", "--year", "2026", "--no-db", "--payroll", "pay.csv", "--output", "t.csv", "--format", "csv"] + Self.inputs, in: dir)
        XCTAssertEqual(pay.status, 0, pay.stderr)
        let payroll = try String(contentsOf: dir.appendingPathComponent("pay.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(payroll.first, "payee_id,name,currency,amount,earning_code,period")
        XCTAssertEqual(payroll.dropFirst().map { $0.split(separator: ",")[0] }, ["E001", "E002", "E003", "E005"])
        for row in payroll.dropFirst() {
            let f = row.split(separator: ",").map(String.init)
            XCTAssertEqual(f[3], lines.first { $0[0] == f[0] }?[6], row)
            XCTAssertEqual(f[4...], ["BONUS", "2026-FY"], row)
        }
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8), csv.stdout)

        // The true-up is a run: replayed identically, shown as calculated.
        XCTAssertEqual(try advocomp(["replay", "6"], in: dir).status, 0)
        XCTAssertEqual(try advocomp(["show", "6", "--format", "csv"], in: dir).stdout, csv.stdout)
        XCTAssertTrue(try advocomp(["runs"], in: dir).stdout.contains("6    -    2026-FY  exec-advocacy  2026.1   true-up"))

        // Finalise the 2026 true-up; in 2027 E004 (who left in March 2026) earns nothing:
        // the amount carried in is carried on.
        XCTAssertEqual(try advocomp(["approve", "6"], in: dir).status, 0)
        XCTAssertEqual(try advocomp(["close", "--period", "2026-FY"], in: dir).status, 0)
        _ = try closeQuarters(of: 2027, in: dir)
        let next = try advocomp(["true-up", "--year", "2027", "--format", "json", "--no-db"] + Self.inputs, in: dir)
        XCTAssertEqual(next.status, 0, next.stderr)
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(o["carried_from_run"] as? Int, 6)
        let payees = try XCTUnwrap(o["payees"] as? [[String: Any]])
        let dev = try XCTUnwrap(payees.first { $0["payee_id"] as? String == "E004" })
        XCTAssertEqual(dev["status"] as? String, "ineligible")
        XCTAssertEqual(dev["carried_in"] as? String, e004[7])
        XCTAssertEqual(dev["carry_forward"] as? String, e004[7])
        XCTAssertEqual(dev["true_up"] as? String, "0.00")
        XCTAssertNotNil(o["full_year"] as? [String: Any], "the full-year calculation is in the result")
    }

    func testAPlanWithoutATrueUpSectionIsAnError() throws {
        let dir = try workspace()
        let source = try Conformance.folder("01-scorecard-basics")
        try Data(contentsOf: source.appendingPathComponent("plan.yaml")).write(to: dir.appendingPathComponent("plan.yaml"))
        _ = try closeQuarters(of: 2026, in: dir)
        let r = try advocomp(["true-up", "--year", "2026"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "plan.yaml:1:1: error: plan 'exec-advocacy' has no true_up section: add one (README, \"The annual true-up\") to true up its year\n1 error\n")
    }
}
