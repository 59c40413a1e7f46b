import Foundation
import XCTest
import AdvocompTestSupport

/// `advocomp economics` and `advocomp pilot` on the samples, as the README shows them. The
/// figures are checked against sums worked out here from the sample files and the runs'
/// JSON, not against advocomp's own report (EconomicsTests and PilotTests check the
/// arithmetic by hand, in-process).
final class EconomicsCLITests: XCTestCase {
    func history() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-economics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String]) throws -> CLI.Run { try CLI.run(CLI.binary, args, in: CLI.repoRoot) }

    static let samples = ["--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv", "--events", "samples/events-2026.csv"]
    static let plans = ["--plan", "plans/field-advocacy-ledger.yaml", "--plan", "plans/cro-reference-program.yaml", "--plan", "plans/cco-nrr-expansion.yaml"]

    static func decimal(_ any: Any?) -> Decimal { Decimal(string: any as? String ?? "x") ?? .nan }

    static func rounded(_ d: Decimal) -> Decimal {
        var x = d, r = Decimal()
        NSDecimalRound(&r, &x, 2, .bankers)
        return r
    }

    func testTheEconomicsOfTheSampleQuarters() throws {
        let db = try history().appendingPathComponent("h.db").path
        for q in 1...4 {
            let r = try advocomp(["calculate", "-q", "--period", "2026-Q\(q)", "--db", db] + Self.plans + Self.samples)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        for s in 1...3 {
            XCTAssertEqual(try advocomp(["approve", "S\(s)", "--db", db]).status, 0)
            XCTAssertEqual(try advocomp(["close", "S\(s)", "--db", db]).status, 0)
        }
        let json = try advocomp(["economics", "--db", db, "--format", "json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sections = try XCTUnwrap(report["economics"] as? [[String: Any]])
        XCTAssertEqual(sections.map { "\($0["period"]!) \($0["plan"]!) \($0["run"]!)" }, [
            "2026-Q1 cco-nrr-expansion 3", "2026-Q1 cro-reference-program 2", "2026-Q1 field-advocacy-ledger 1",
            "2026-Q2 cco-nrr-expansion 6", "2026-Q2 cro-reference-program 5", "2026-Q2 field-advocacy-ledger 4",
            "2026-Q3 cco-nrr-expansion 9", "2026-Q3 cro-reference-program 8", "2026-Q3 field-advocacy-ledger 7",
        ], "the final runs of the closed quarters; Q4 has drafts only")
        XCTAssertEqual(report["notes"] as? [String], [
            "2026-Q4 cco-nrr-expansion: no approved run (drafts: 12); approve one, or name it with --run",
            "2026-Q4 cro-reference-program: no approved run (drafts: 11); approve one, or name it with --run",
            "2026-Q4 field-advocacy-ledger: no approved run (drafts: 10); approve one, or name it with --run",
        ])

        // Referred revenue: the Q3 referral events of the ledger credited to the plan's payees.
        let ledger = try String(contentsOf: CLI.repoRoot.appendingPathComponent("samples/events-2026.csv"), encoding: .utf8)
        var referred = Decimal(0), ids: [String] = []
        for line in ledger.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f[2] == "referral", f[1] >= "2026-07-01", f[1] <= "2026-09-30", ["E1501", "E1502", "E1503", "E1504", "E1505"].contains(f[5]) else { continue }
            referred += Decimal(string: f[10])!
            ids.append(f[0])
        }
        let q3 = try XCTUnwrap(sections.first { $0["period"] as? String == "2026-Q3" && $0["plan"] as? String == "field-advocacy-ledger" })
        let total = try XCTUnwrap(q3["total"] as? [String: Any])
        let counted = Set(total["events"] as? [String] ?? []), excluded = Set(total["excluded_events"] as? [String] ?? [])
        XCTAssertEqual(counted.union(excluded), Set(ids), "every referral is counted or listed as excluded by the gaming checks")
        XCTAssertEqual(Self.decimal(total["referred_revenue"]) + 0, referred - excluded.reduce(Decimal(0)) { s, id in
            let row = ledger.split(separator: "\n").first { $0.hasPrefix(id + ",") }!.split(separator: ",", omittingEmptySubsequences: false)
            return s + Decimal(string: String(row[10]))!
        })
        XCTAssertEqual(Self.decimal(total["incremental_revenue"]), Self.decimal(total["referred_revenue"]) * Decimal(string: "0.7")!)

        // Advocacy cost: each ok payee's payout x ledger-scorecard / (both components), from the run's stored JSON.
        let shown = try advocomp(["show", "7", "--db", db, "--format", "json"])
        let run = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        var cost = Decimal(0)
        for p in try XCTUnwrap(run["payees"] as? [[String: Any]]) where p["status"] as? String == "ok" {
            let c = try XCTUnwrap(p["components"] as? [String: String])
            let a = Decimal(string: c["ledger-scorecard"]!)!, b = Decimal(string: c["programme-health"]!)!
            cost += Self.rounded(Self.decimal(p["payout"]) * a / (a + b))
        }
        XCTAssertEqual(Self.decimal((total["advocacy_cost"] as? [String: String])?["USD"]), cost)
        XCTAssertEqual(Self.decimal(total["contribution"]), Self.decimal(total["incremental_revenue"]) * Decimal(string: "0.7")! - cost)
        XCTAssertEqual(total["runs"] as? [Int], [7])

        // A plan paying in three currencies: costs per currency, no contribution in USD.
        let cco = try XCTUnwrap(sections.first { $0["period"] as? String == "2026-Q3" && $0["plan"] as? String == "cco-nrr-expansion" })
        let ccoTotal = try XCTUnwrap(cco["total"] as? [String: Any])
        XCTAssertEqual((ccoTotal["advocacy_cost"] as? [String: String]).map { Array($0.keys).sorted() }, ["EUR", "GBP", "USD"])
        XCTAssertTrue(ccoTotal["contribution"] is NSNull)
        XCTAssertEqual(ccoTotal["contribution_missing_because"] as? String, "cost in EUR, GBP, revenue in USD: advocomp never converts currencies")

        // Overall: no contribution (some cost is in EUR and GBP); the plan-periods that have one, added.
        let totals = try XCTUnwrap(report["totals"] as? [[String: Any]])
        XCTAssertTrue(totals.first?["contribution"] is NSNull)
        let with = sections.compactMap { ($0["total"] as? [String: Any])?["contribution"] as? String }.map { Decimal(string: $0)! }
        XCTAssertEqual(with.count, 7, "all but cco-nrr-expansion in Q2 and Q3 (its Q1 advocacy cost is 0 in every currency)")
        XCTAssertEqual(Self.decimal((report["totals_with_contribution"] as? [[String: Any]])?.first?["contribution"]), with.reduce(0, +))

        // The table and the CSV; --run reads a draft; --plan-id and --period choose.
        let table = try advocomp(["economics", "--db", db, "--period", "2026-Q3", "--plan-id", "field-advocacy-ledger"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("2026-Q3  field-advocacy-ledger v2026.1  run 7 (final)  revenue in USD"), table.stdout)
        XCTAssertFalse(table.stdout.contains("cco-nrr-expansion"))
        let csv = try advocomp(["economics", "--db", db, "--run", "10", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "period,plan_id,plan_version,run,unit,paid_payees,cost_currency,payout,advocacy_cost,revenue_currency,referred_revenue,incremental_revenue,contribution,return_on_spend,events")
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0.hasPrefix("2026-Q4,field-advocacy-ledger,2026.1,10,") }, csv.stdout)

        // The workbook: written private, never over the history.
        let dir = URL(fileURLWithPath: db).deletingLastPathComponent()
        let book = dir.appendingPathComponent("economics.xlsx").path
        let x = try advocomp(["economics", "--db", db, "--xlsx", book, "--output", dir.appendingPathComponent("e.txt").path])
        XCTAssertEqual(x.status, 0, x.stderr)
        let mode = try FileManager.default.attributesOfItem(atPath: book)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try advocomp(["economics", "--db", db, "--output", db]).status, 1, "the history is never an output")

        // A closed quarter recalculated and the adjustment approved: that run stands for it.
        XCTAssertEqual(try advocomp(["calculate", "-q", "--period", "2026-Q1", "--db", db, "--plan", "plans/field-advocacy-ledger.yaml"] + Self.samples).status, 0)
        XCTAssertEqual(try advocomp(["approve", "13", "--db", db]).status, 0)
        let adjusted = try advocomp(["economics", "--db", db, "--period", "2026-Q1", "--plan-id", "field-advocacy-ledger", "--format", "json"])
        let section = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(adjusted.stdout.utf8)) as? [String: Any])?["economics"] as? [[String: Any]])?.first)
        XCTAssertEqual(section["run"] as? Int, 13)
        XCTAssertEqual(section["run_state"] as? String, "approved adjustment")
    }

    func testThePilotOnTheSamples() throws {
        let db = try history().appendingPathComponent("h.db").path
        let actuals = ["--actuals", "samples/actuals-2026.csv", "--events", "samples/events-2026.csv", "--db", db, "-q"]
        for q in 1...2 {
            XCTAssertEqual(try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--roster", "samples/roster.csv",
                                         "--period", "2026-Q\(q)"] + actuals).status, 0)
        }
        for q in 3...4 {
            let r = try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--plan", "pilots/cro-reference-pilot.yaml",
                                  "--roster", "samples/pilot/roster-2026H2.csv", "--period", "2026-Q\(q)"] + actuals)
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let args = ["pilot", "pilots/2026-reference-pilot.yaml", "--db", db, "--format", "json"]
        let first = try advocomp(args), again = try advocomp(args), other = try advocomp(args + ["--seed", "2"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, again.stdout, "the same seed gives the same report")
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let kpis = try XCTUnwrap(report["kpis"] as? [[String: Any]])
        XCTAssertEqual(kpis.map { "\($0["kpi"]!) \($0["scope"]!)" },
                       ["exec_reference_calls payee", "reference_fill_rate company", "csat payee", "net_promoter_score unit"])

        // Each member's change, from the actuals file: mean of Q3 and Q4 less mean of Q1 and Q2.
        let text = try String(contentsOf: CLI.repoRoot.appendingPathComponent("samples/actuals-2026.csv"), encoding: .utf8)
        func value(_ q: Int, _ payee: String, _ kpi: String) -> Decimal? {
            for line in text.split(separator: "\n") where line.hasPrefix("2026-Q\(q),payee:\(payee),\(kpi),") {
                var v = String(line.split(separator: ",")[3])
                var scale = Decimal(1)
                if v.hasSuffix("%") { v.removeLast(); scale = Decimal(string: "0.01")! }
                return Decimal(string: v)! * scale
            }
            return nil
        }
        let cohort = ["E1103", "E1104", "E1105", "E1110"], control = ["E1101", "E1102", "E1106", "E1107", "E1108", "E1109", "E1111"]
        for (k, kpi) in [(0, "exec_reference_calls"), (2, "csat")] {
            func changes(_ ids: [String]) -> [Decimal] {
                ids.compactMap { id in
                    let b = [1, 2].compactMap { value($0, id, kpi) }, a = [3, 4].compactMap { value($0, id, kpi) }
                    guard !b.isEmpty, !a.isEmpty else { return nil }
                    return a.reduce(0, +) / Decimal(a.count) - b.reduce(0, +) / Decimal(b.count)
                }
            }
            let p = changes(cohort), c = changes(control)
            let pilotMembers = try XCTUnwrap(kpis[k]["pilot"] as? [[String: Any]]), controlMembers = try XCTUnwrap(kpis[k]["control"] as? [[String: Any]])
            XCTAssertEqual(pilotMembers.map { Self.decimal($0["change"]) }, p, kpi)
            XCTAssertEqual(controlMembers.map { Self.decimal($0["change"]) }, c, kpi)
            let expected = p.reduce(0, +) / Decimal(p.count) - c.reduce(0, +) / Decimal(c.count)
            XCTAssertLessThan(abs(Self.decimal(kpis[k]["difference"]) - expected), Decimal(string: "0.000000000000001")!, kpi)
        }
        XCTAssertEqual(kpis[2]["incomplete"] as? [String], ["E1109"], "E1109 joined in June: no CSAT before the pilot")
        XCTAssertEqual(kpis[3]["note"] as? String, "a unit's figure mixes pilot and control payees (the cohort is payees): no comparison")
        let otherKPIs = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(other.stdout.utf8)) as? [String: Any])?["kpis"] as? [[String: Any]])
        XCTAssertEqual(otherKPIs[0]["difference"] as? String, kpis[0]["difference"] as? String, "the seed moves the interval only")

        // The rollout: both plans for all eleven payees, on each pilot quarter's stored inputs.
        let rollout = try XCTUnwrap(report["rollout"] as? [[String: Any]])
        XCTAssertEqual(rollout.map { $0["period"] as? String }, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"], "every period of the pilot, before and after")
        // Before the pilot the current plan's total is what calculate paid in the quarter.
        let q1 = try XCTUnwrap((rollout[0]["totals"] as? [[String: Any]])?.first)
        let calcQ1 = try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv",
                                   "--period", "2026-Q1", "--no-db", "-q", "--format", "csv"])
        let paidQ1 = calcQ1.stdout.split(separator: "\n").dropFirst().compactMap { Decimal(string: String($0.split(separator: ",").last ?? "")) }.reduce(0, +)
        XCTAssertEqual(Decimal(string: q1["all_on_current"] as? String ?? ""), paidQ1)
        let q3 = try XCTUnwrap((rollout[2]["totals"] as? [[String: Any]])?.first)
        XCTAssertEqual(q3["payees"] as? Int, 11)
        XCTAssertEqual(q3["all_on_current"] as? String, "470000.00", "the CRO plan's Q3 as calculated for everyone: the pool binds")
        let calc = try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv",
                                 "--period", "2026-Q3", "--no-db", "-q", "--format", "json"])
        let before = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(calc.stdout.utf8)) as? [String: Any])?["pool"] as? [String: Any])
        XCTAssertEqual(q3["current_before_pool"] as? String, before["total_before_pool"] as? String)

        // A cohort of units: the sales unit is every payee of these plans, so no unit is left
        // to compare with, and the payee KPIs have no control either.
        let units = URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("units.yaml")
        let pilotText = try String(contentsOf: CLI.repoRoot.appendingPathComponent("pilots/2026-reference-pilot.yaml"), encoding: .utf8)
        try pilotText.replacingOccurrences(of: "payees: [E1103, E1104, E1105, E1110]", with: "units: [sales]").write(to: units, atomically: true, encoding: .utf8)
        let byUnit = try advocomp(["pilot", units.path, "--db", db, "--format", "csv"])
        XCTAssertEqual(byUnit.status, 0, byUnit.stderr)
        let nps = try XCTUnwrap(byUnit.stdout.split(separator: "\n").first { $0.hasPrefix("net_promoter_score,") })
        XCTAssertEqual(nps, "net_promoter_score,satisfaction,unit,1,38.5,37.5,-1,0,,,,,,,\"too few observations to say anything (1 pilot, 0 control; at least 3 in each group needed)\"")

        let table = try advocomp(["pilot", "pilots/2026-reference-pilot.yaml", "--db", db])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("one figure for the whole company: no control group to compare with"), table.stdout)
        XCTAssertEqual(try advocomp(["validate", "pilots/2026-reference-pilot.yaml"]).stdout,
                       "pilots/2026-reference-pilot.yaml: pilot 2026-reference-pilot is valid: candidate cro-reference-pilot against cro-reference-program, 4 KPIs, 2 periods before and 2 after (advocomp pilot reads them from the run history)\n")
    }
}
