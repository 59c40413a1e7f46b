import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
@testable import AdvocompStore

/// The annual true-up: the plan section, the arithmetic of each negative policy, and the
/// command over a year of closed quarters (and the next year's carry).
final class TrueUpTests: XCTestCase {
    // MARK: Plan section

    func parse(_ trueUp: String, pays: String = "quarter") -> (Plan?, [String]) {
        let text = """
        plan: p
        version: "1"
        currency: USD
        pays: \(pays)
        kpis:
          reviews: { target: 40 }
          payback: { better: lower, target: 18 }
        components:
          - id: c
            weight: 100%
            measures:
              - { kpi: reviews, weight: 100% }
        \(trueUp)
        """
        let (plan, d) = PlanParser.parse(text: text, file: "p.yaml", loadFile: { _ in .failure(PlanParser.FileLoadError("none")) })
        return (plan, TestSupport.errors(d))
    }

    func testTheTrueUpSectionIsReadWithAnnualTargets() throws {
        let (plan, errors) = parse("""
        true_up:
          negative: forgive
          targets:
            reviews: { target: 160, targets: { smb: 240 } }
            payback: 16
        """)
        XCTAssertEqual(errors, [])
        let t = try XCTUnwrap(plan?.trueUp)
        XCTAssertEqual(t.negative, .forgive)
        XCTAssertEqual(t.targets["reviews"]?.target, FixedDecimal(160))
        XCTAssertEqual(t.targets["reviews"]?.targets, ["smb": FixedDecimal(240)])
        XCTAssertEqual(t.targets["payback"]?.target, FixedDecimal(16))
        // The full year: paid per year, annual targets in place, others untouched.
        let full = try XCTUnwrap(plan?.fullYear())
        XCTAssertEqual(full.pays, .year)
        XCTAssertEqual(full.kpi("reviews")?.target, FixedDecimal(160))
        XCTAssertEqual(full.kpi("reviews")?.targets, ["smb": FixedDecimal(240)])
        XCTAssertEqual(full.kpi("payback")?.target, FixedDecimal(16))
        XCTAssertEqual(plan?.kpi("reviews")?.target, FixedDecimal(40), "the plan itself is unchanged")
        XCTAssertEqual(plan?.periods(ofYear: 2026).map(\.description), ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
        XCTAssertEqual(parse("true_up: {}").0?.trueUp?.negative, .clawback, "clawback is the default")
    }

    func testMistakesInTheTrueUpSectionAreLocated() {
        XCTAssertEqual(parse("""
        true_up:
          negative: waive
          targets:
            review: 160
            payback: 16
        """).1, [
            "p.yaml:14:13: error: negative of true_up must be one of clawback, carry, forgive; found 'waive'",
            "p.yaml:16:5: error: true_up names KPI 'review', which the plan does not define; did you mean 'reviews'?",
        ])
        let yearly = parse("true_up: { negative: carry }", pays: "year").1
        XCTAssertEqual(yearly, ["p.yaml:13:10: error: a plan that pays per year has nothing to true up: its payout is already the full year's (remove true_up, or pay per quarter or half)"])
        let unknownKey = parse("true_up: { targets: {}, clawback: true }").1
        XCTAssertEqual(unknownKey, ["p.yaml:13:25: error: unknown key 'clawback' in true_up (allowed: targets, negative)"])
    }

    // MARK: Arithmetic

    func fullYear(_ payouts: [(String, String)]) throws -> RunResult {
        // A real full-year result to carry the payees; payouts are then set directly.
        let dir = try ConformanceTests.folder("01-scorecard-basics")
        let request = CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("plan.yaml")))),
                                         roster: InputFile(path: "roster.csv", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("roster.csv")))),
                                         actuals: InputFile(path: "actuals.csv", bytes: Array(try Data(contentsOf: dir.appendingPathComponent("actuals.csv")))),
                                         period: "2026-Q1")
        var run = try XCTUnwrap(Pipeline.calculate(request, loadFile: { _ in .failure(PlanParser.FileLoadError("none")) }).result)
        let wanted = Dictionary(uniqueKeysWithValues: payouts)
        run.payees = run.payees.filter { wanted[$0.payee.id] != nil }.map { p in
            var p = p
            p.status = .ok
            p.payoutValue = (try? FixedDecimal.parse(wanted[p.payee.id] ?? "0").get()) ?? .zero
            return p
        }
        return run
    }

    func testEachNegativePolicyAndTheCarryIn() throws {
        let run = try fullYear([("E001", "1000.00"), ("E002", "500.00"), ("E003", "300.00")])
        func paid(_ q1: String, _ q2: String) throws -> [String: TrueUpBasis.Paid] {
            ["2026-Q1": .init(currency: "USD", amount: try FixedDecimal.parse(q1).get()),
             "2026-Q2": .init(currency: "USD", amount: try FixedDecimal.parse(q2).get())]
        }
        let basis = TrueUpBasis(periods: [("2026-Q1", 1), ("2026-Q2", 2)],
                                paid: ["E001": try paid("400.00", "450.00"),   // earns 150.00 more
                                       "E002": try paid("300.00", "300.00"),   // was paid 100.00 too much
                                       "E003": try paid("100.00", "100.00"),   // 100.00 more, less 150.00 carried in
                                       "E009": try paid("50.00", "0.00")],     // gone: the year earns nothing
                                carriedIn: ["E003": try FixedDecimal.parse("150.00").get()], carriedFrom: 7)
        func lines(_ n: TrueUp.Negative) throws -> [String] {
            let (r, d) = TrueUpCalculation.run(fullYear: run, year: 2026, basis: basis, negative: n)
            XCTAssertEqual(d, [])
            return try XCTUnwrap(r).lines.map { l in
                [l.payeeID, l.status.rawValue, l.fullYear, l.paid, l.carriedIn, l.trueUp, l.carryForward, l.forgiven]
                    .map { ($0 as? FixedDecimal)?.formatted(places: 2) ?? "\($0)" }.joined(separator: " ")
            }
        }
        XCTAssertEqual(try lines(.clawback), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                              "E002 ok 500.00 600.00 0.00 -100.00 0.00 0.00",
                                              "E003 ok 300.00 200.00 150.00 -50.00 0.00 0.00",
                                              "E009 absent 0.00 50.00 0.00 -50.00 0.00 0.00"])
        XCTAssertEqual(try lines(.carry), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                           "E002 ok 500.00 600.00 0.00 0.00 100.00 0.00",
                                           "E003 ok 300.00 200.00 150.00 0.00 50.00 0.00",
                                           "E009 absent 0.00 50.00 0.00 0.00 50.00 0.00"])
        XCTAssertEqual(try lines(.forgive), ["E001 ok 1000.00 850.00 0.00 150.00 0.00 0.00",
                                             "E002 ok 500.00 600.00 0.00 0.00 0.00 100.00",
                                             "E003 ok 300.00 200.00 150.00 0.00 0.00 50.00",
                                             "E009 absent 0.00 50.00 0.00 0.00 0.00 50.00"])
    }

    func testATrueUpAcrossCurrenciesIsAnError() throws {
        let run = try fullYear([("E001", "1000.00")])
        let basis = TrueUpBasis(periods: [("2026-Q1", 1)], paid: ["E001": ["2026-Q1": .init(currency: "EUR", amount: .zero)]])
        let (r, d) = TrueUpCalculation.run(fullYear: run, year: 2026, basis: basis, negative: .clawback)
        XCTAssertNil(r)
        // Located at the payee's roster row.
        XCTAssertEqual(d.map(\.description), ["roster.csv:2:1: error: payee E001 was paid in EUR for 2026-Q1 and is paid in USD for the year: a true-up across currencies is not calculated"])
    }

    // MARK: The command

    static let trueUpSection = """

    true_up:
      negative: carry
      targets:
        review_velocity: { target: 160, targets: { enterprise: 100, smb: 240 } }
    """

    /// Case 01's plan with a true-up, its roster, and actuals for every quarter and the
    /// full year of 2026 and 2027.
    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-trueup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let source = try ConformanceTests.folder("01-scorecard-basics")
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

    func advocomp(_ args: [String], in dir: URL) throws -> CLITests.Run {
        try CLITests.run(CLITests.binary, args, in: dir)
    }

    static let inputs = ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv"]

    /// Calculates, approves and closes every quarter of `year`; returns the runs' CSVs.
    func closeQuarters(of year: Int, in dir: URL) throws -> [String] {
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
        XCTAssertTrue(try advocomp(["runs"], in: dir).stdout.contains("6    2026-FY  exec-advocacy  2026.1   true-up"))

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

    func testTheTrueUpWorkbookRecalculatesToTheTrueUps() throws {
        // LibreOffice recomputes every formula (cached values ignored): the True-up sheet's
        // full-year payouts come from the Payouts sheet's formula chains, and its true-ups
        // must equal the engine's to the cent.
        let soffice = try WorkbookRecalcTests.soffice()
        let dir = try workspace()
        _ = try closeQuarters(of: 2026, in: dir)
        let r = try advocomp(["true-up", "--year", "2026", "--format", "csv", "--no-db", "--xlsx", "t.xlsx"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let sheets = try WorkbookRecalcTests.recalculate(dir.appendingPathComponent("t.xlsx"), soffice: soffice, into: dir)
        let sheet = try XCTUnwrap(sheets["True-up"], "sheets: \(sheets.keys.sorted())")
        let header = try XCTUnwrap(sheet.first)
        XCTAssertEqual(header, ["payee_id", "name", "status", "currency", "full_year_payout", "paid 2026-Q1", "paid 2026-Q2", "paid 2026-Q3",
                                "paid 2026-Q4", "paid", "carried_in", "difference", "true_up", "carry_forward", "forgiven"])
        let rows = sheet.dropFirst().filter { !$0[0].isEmpty && !$0[0].hasPrefix("True-up") && !$0[0].hasPrefix("A negative") }
        XCTAssertEqual(rows.map { $0[0] }, expected.map { $0[0] })
        for (row, e) in zip(rows, expected) {
            // full year, paid, carried in, true-up, carry forward, forgiven
            for (col, k) in [(4, 3), (9, 4), (10, 5), (12, 6), (13, 7), (14, 8)] {
                XCTAssertEqual(WorkbookRecalcTests.money(row[col], digits: 2), e[k], "\(e[0]) \(header[col])")
            }
        }
    }

    func testAPlanWithoutATrueUpSectionIsAnError() throws {
        let dir = try workspace()
        let source = try ConformanceTests.folder("01-scorecard-basics")
        try Data(contentsOf: source.appendingPathComponent("plan.yaml")).write(to: dir.appendingPathComponent("plan.yaml"))
        _ = try closeQuarters(of: 2026, in: dir)
        let r = try advocomp(["true-up", "--year", "2026"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "plan.yaml:1:1: error: plan 'exec-advocacy' has no true_up section: add one (README, \"The annual true-up\") to true up its year\n1 error\n")
    }
}
