import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// The renderers (json, table, explain, csv) on one small inline plan run through the
/// Pipeline. The figures are worked out by hand in the comments.
final class ReportTests: XCTestCase {
    /// Quarter plan, cap 120%, floor 10%, a unit-scoped KPI with a per-unit target, a
    /// curve, a measure without a curve, an inline OKR, two modifiers and a pool of POOL.
    static let planTemplate = """
        plan: rep
        version: "7.2"
        title: Report test plan
        currency: USD
        pays: quarter
        cap: 120%
        floor: 10%
        eligibility:
          min_active_days: 30
        kpis:
          rv: { scope: unit, target: 40, targets: { east: 50 } }
          nrr: { target: 100% }
          cac: { better: lower, target: 20 }
          pipe: { target: 1000 }
        curves:
          standard:
            points: [[50%, 0], [100%, 100%], [150%, 200%]]
        okrs:
          - id: growth
            objective: Grow
            owners: [east, west]
            key_results:
              - { id: kr1, kpi: pipe, start: 0, target: 1000, weight: 50% }
              - { id: kr2, kpi: cac, start: 30, target: 20, weight: 50% }
        components:
          - id: scorecard
            weight: 60%
            measures:
              - { kpi: rv, weight: 50%, curve: standard }
              - { kpi: nrr, weight: 50% }
          - id: shared
            weight: 40%
            okr: growth
        modifiers:
          - id: boost
            type: multiplier
            when: "nrr >= 100%"
            factor: 1.1
          - id: cac-table
            type: table
            kpi: cac
            rows:
              - { at_most: 15, factor: 1.2 }
              - { at_most: 25, factor: 1 }
            otherwise: 0.5
        POOL
        """

    static func plan(pool: String?) -> String {
        planTemplate.replacingOccurrences(of: "POOL", with: pool.map { "pool:\n  amount: \($0)" } ?? "")
    }

    // 2026-Q1 has 90 days. Shared by everyone: nrr 104% (no curve: factor 1.04), cac 22
    // (attainment 2 - 22/20 = 90%; kr2 progress (22-30)/(20-30) = 80%), pipe 900 (kr1 90%),
    // so the OKR scores 85%; boost applies (x1.1), the cac table's row 2 matches (x1).
    // A1 east: rv 55/50 = 110% -> 120%; scorecard 0.5*1.2 + 0.5*1.04 = 1.12.
    //   TI 100000: (60000*1.12 + 40000*0.85) * 1.1 = 73920 + 37400 = 111320 (< cap 120000).
    // B2 west: rv 30/40 = 75% -> 50%; scorecard 0.77. TI 50000: 25410 + 18700 = 44110.
    // C3 starts 2026-03-15: 17 active days < 30: ineligible.
    // D4 starts 2026-02-01: 59/90 days, TI 120000/4*59/90 = 19666.67; x 0.8822 = 17349.93.
    // E5 north: rv 200/40 = 500% -> 200% (cap of the curve); scorecard 1.52.
    //   TI 20000: 20064 + 7480 = 27544 > cap 24000: capped.
    // Before the pool: 111320 + 44110 + 17349.93 + 24000 = 196779.93.
    static let roster = """
        payee_id,name,title,unit,currency,target_bonus,start_date,end_date
        A1,Ann Lee,CMO,east,,400000,,
        B2,Bob Diaz,CRO,west,,200000,,
        C3,Cy Oh,VP Sales,west,,100000,2026-03-15,
        D4,Dee Ng,VP Marketing,west,,120000,2026-02-01,
        E5,Eve Ro,COO,north,,80000,,
        """
    static let actuals = """
        period,scope,kpi,value
        2026-Q1,unit:east,rv,55
        2026-Q1,unit:west,rv,30
        2026-Q1,unit:north,rv,200
        2026-Q1,company,nrr,104%
        2026-Q1,company,cac,22
        2026-Q1,company,pipe,900
        2026-Q2,company,nrr,50%
        """

    /// The run, tracing `explain` payees.
    func run(pool: String?, roster: String = ReportTests.roster, explain: Set<String> = [],
             file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let request = CalculationRequest(
            plan: InputFile(path: "plan.yaml", bytes: Array(Self.plan(pool: pool).utf8)),
            roster: InputFile(path: "roster.csv", bytes: Array(roster.utf8)),
            actuals: InputFile(path: "actuals.csv", bytes: Array(Self.actuals.utf8)),
            period: "2026-Q1", explain: explain)
        let outcome = Pipeline.calculate(request) { path in .failure(PlanParser.FileLoadError("no such file (\(path))")) }
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [], file: file, line: line)
        return try XCTUnwrap(outcome.result, file: file, line: line)
    }

    func explain(_ id: String, pool: String?, exact: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(pool: pool, explain: [id], file: file, line: line)
        let payee = try XCTUnwrap(result.payees.first { $0.payee.id == id }, file: file, line: line)
        return ExplainReport.render(result, payee: payee, exact: exact)
    }

    /// Every line of `expected` occurs in `text` as a whole line, in this order.
    func assertLinesInOrder(_ text: String, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var from = 0
        for want in expected {
            guard let i = lines[from...].firstIndex(of: want) else {
                let anywhere = lines.contains(want) ? " (it occurs, but out of order)" : ""
                XCTFail("missing line\(anywhere):\n\(want)\n--- in ---\n\(text)", file: file, line: line)
                return
            }
            from = i + 1
        }
    }

    func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any], "the JSON is not an object:\n\(text)", file: file, line: line)
    }

    /// totals.by_unit as "unit currency payees target payout" lines.
    static func unitRows(_ totals: [String: Any]) -> [String] {
        ((totals["by_unit"] as? [[String: Any]]) ?? []).map { u in
            ["unit", "currency", "payees", "target_incentive", "payout"].map { "\(u[$0] ?? "nil")" }.joined(separator: " ")
        }
    }

    // MARK: JSON

    func testJSONStructureWithAnAppliedPool() throws {
        let text = JSONReport.render(try run(pool: "100000"))
        XCTAssertTrue(text.hasSuffix("}\n"))
        let o = try json(text)
        XCTAssertEqual(Set(o.keys), ["plan", "version", "period", "period_start", "period_end", "rounding",
                                     "payees", "totals", "pool", "findings"])
        XCTAssertEqual(o["plan"] as? String, "rep")
        XCTAssertEqual(o["version"] as? String, "7.2")
        XCTAssertEqual(o["period"] as? String, "2026-Q1")
        XCTAssertEqual(o["period_start"] as? String, "2026-01-01")
        XCTAssertEqual(o["period_end"] as? String, "2026-03-31")
        XCTAssertEqual(o["rounding"] as? String, "half-even")
        let findings = try XCTUnwrap(o["findings"] as? [Any])
        XCTAssertTrue(findings.isEmpty)

        let payees = try XCTUnwrap(o["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.map { $0["payee_id"] as? String }, ["A1", "B2", "C3", "D4", "E5"])
        for p in payees {
            XCTAssertEqual(Set(p.keys), ["payee_id", "name", "title", "unit", "status", "currency", "active_days",
                                         "days_in_period", "target_incentive", "gross", "clamp", "payout_before_pool",
                                         "payout", "components", "modifiers"], "\(p["payee_id"] ?? "?")")
            // Amounts are strings, never JSON numbers.
            for key in ["target_incentive", "gross", "payout_before_pool", "payout"] {
                XCTAssertTrue(p[key] is String, "\(p["payee_id"] ?? "?").\(key) is not a string")
            }
        }
        func payee(_ id: String) throws -> [String: Any] { try XCTUnwrap(payees.first { $0["payee_id"] as? String == id }) }

        let a1 = try payee("A1")
        XCTAssertEqual(a1["name"] as? String, "Ann Lee")
        XCTAssertEqual(a1["title"] as? String, "CMO")
        XCTAssertEqual(a1["unit"] as? String, "east")
        XCTAssertEqual(a1["status"] as? String, "ok")
        XCTAssertEqual(a1["currency"] as? String, "USD")
        XCTAssertEqual(a1["active_days"] as? Int, 90)
        XCTAssertEqual(a1["days_in_period"] as? Int, 90)
        XCTAssertEqual(a1["target_incentive"] as? String, "100000.00")
        XCTAssertEqual(a1["gross"] as? String, "111320")
        XCTAssertEqual(a1["clamp"] as? String, "none")
        XCTAssertEqual(a1["payout_before_pool"] as? String, "111320.00")
        XCTAssertEqual(a1["payout"] as? String, "56570.81")
        XCTAssertEqual(a1["components"] as? [String: String], ["scorecard": "73920", "shared": "37400"])
        XCTAssertEqual(a1["modifiers"] as? [String: String], ["boost": "1.1", "cac-table": "1"])

        let c3 = try payee("C3")
        XCTAssertEqual(c3["status"] as? String, "ineligible")
        XCTAssertEqual(c3["active_days"] as? Int, 17)
        XCTAssertEqual(c3["target_incentive"] as? String, "0.00")
        XCTAssertEqual(c3["payout"] as? String, "0.00")

        let d4 = try payee("D4")
        XCTAssertEqual(d4["active_days"] as? Int, 59)
        XCTAssertEqual(d4["target_incentive"] as? String, "19666.67")  // rounded to cents
        XCTAssertEqual(d4["payout_before_pool"] as? String, "17349.93")
        XCTAssertEqual(d4["payout"] as? String, "8816.92")
        // Exact amounts keep their digits: TI 19666.666666666666666667 x 0.6 x 0.77 x 1.1.
        XCTAssertEqual(d4["components"] as? [String: String], ["scorecard": "9994.6", "shared": "7355.333333333333333334"])

        let e5 = try payee("E5")
        XCTAssertEqual(e5["clamp"] as? String, "cap")
        XCTAssertEqual(e5["gross"] as? String, "24000")
        XCTAssertEqual(e5["components"] as? [String: String], ["scorecard": "20064", "shared": "7480"])
        XCTAssertEqual(e5["payout_before_pool"] as? String, "24000.00")
        XCTAssertEqual(e5["payout"] as? String, "12196.37")

        // Pool: 100000 over 196779.93; floor shares 5657080, 2241590, 881692, 1219636 cents,
        // 2 cents left go to the largest remainders (A1, E5).
        let pool = try XCTUnwrap(o["pool"] as? [String: Any])
        XCTAssertEqual(pool["applied"] as? Bool, true)
        XCTAssertEqual(pool["amount"] as? String, "100000.00")
        XCTAssertEqual(pool["currency"] as? String, "USD")
        XCTAssertEqual(pool["total_before_pool"] as? String, "196779.93")
        XCTAssertEqual(pool["ratio"] as? String, "0.508181906559271568")
        XCTAssertTrue(text.contains("\"applied\":true"), "applied must be a JSON boolean")

        let totals = try XCTUnwrap(o["totals"] as? [String: Any])
        XCTAssertEqual(totals["payees"] as? Int, 5)
        XCTAssertEqual(totals["by_status"] as? [String: Int], ["ok": 4, "ineligible": 1])
        XCTAssertTrue(text.contains("\"by_status\":{\"ok\":4,\"ineligible\":1}"), "by_status in the order ok, held, ineligible")
        XCTAssertEqual(totals["by_currency"] as? [String: [String: String]],
                       ["USD": ["target_incentive": "189666.67", "payout": "100000.00"]])
        XCTAssertEqual(Self.unitRows(totals), [
            "east USD 1 100000.00 56570.81",
            "north USD 1 20000.00 12196.37",
            "west USD 3 69666.67 31232.82",
        ])
    }

    func testJSONPoolNotApplied() throws {
        let text = JSONReport.render(try run(pool: "500000"))
        let o = try json(text)
        let pool = try XCTUnwrap(o["pool"] as? [String: Any])
        XCTAssertEqual(pool["applied"] as? Bool, false)
        XCTAssertTrue(text.contains("\"applied\":false"), "applied must be a JSON boolean")
        XCTAssertTrue(pool["ratio"] is NSNull)
        XCTAssertEqual(pool["total_before_pool"] as? String, "196779.93")
        let payees = try XCTUnwrap(o["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.map { $0["payout"] as? String }, ["111320.00", "44110.00", "0.00", "17349.93", "24000.00"])
        XCTAssertEqual(payees.map { $0["payout_before_pool"] as? String }, ["111320.00", "44110.00", "0.00", "17349.93", "24000.00"])
    }

    /// Without a pool, payees in several currencies: each amount has its currency's minor
    /// digits, and totals are per currency (never added across).
    func testJSONMinorDigitsAndTotalsPerCurrency() throws {
        let roster = Self.roster
            .replacingOccurrences(of: "B2,Bob Diaz,CRO,west,,", with: "B2,Bob Diaz,CRO,west,JPY,")
            .replacingOccurrences(of: "D4,Dee Ng,VP Marketing,west,,", with: "D4,Dee Ng,VP Marketing,west,BHD,")
            .replacingOccurrences(of: "E5,Eve Ro,COO,north,,", with: "E5,Eve Ro,COO,north,EUR,")
        let text = JSONReport.render(try run(pool: nil, roster: roster))
        let o = try json(text)
        XCTAssertTrue(o["pool"] is NSNull, "pool must be null without a pool")
        let payees = try XCTUnwrap(o["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.map { "\($0["payee_id"] ?? "") \($0["currency"] ?? "") \($0["target_incentive"] ?? "") \($0["payout"] ?? "")" }, [
            "A1 USD 100000.00 111320.00",
            "B2 JPY 50000 44110",
            "C3 USD 0.00 0.00",
            "D4 BHD 19666.667 17349.933",
            "E5 EUR 20000.00 24000.00",
        ])
        let totals = try XCTUnwrap(o["totals"] as? [String: Any])
        XCTAssertEqual(totals["by_currency"] as? [String: [String: String]], [
            "BHD": ["target_incentive": "19666.667", "payout": "17349.933"],
            "EUR": ["target_incentive": "20000.00", "payout": "24000.00"],
            "JPY": ["target_incentive": "50000", "payout": "44110"],
            "USD": ["target_incentive": "100000.00", "payout": "111320.00"],
        ])
        XCTAssertEqual(Self.unitRows(totals), [
            "east USD 1 100000.00 111320.00",
            "north EUR 1 20000.00 24000.00",
            "west BHD 1 19666.667 17349.933",
            "west JPY 1 50000 44110",
            "west USD 1 0.00 0.00",
        ])
    }

    // MARK: Table

    func testTableWithAnAppliedPool() throws {
        let text = TableReport.render(try run(pool: "100000"))
        XCTAssertEqual(text, """
            Report test plan (rep v7.2), 2026-Q1: 2026-01-01 to 2026-03-31

            payee  name      title         unit   status      cur      target     payout  % of target  note
            -----  --------  ------------  -----  ----------  ---  ----------  ---------  -----------  -----------------------
            A1     Ann Lee   CMO           east   ok          USD  100,000.00  56,570.81        56.6%  pool
            B2     Bob Diaz  CRO           west   ok          USD   50,000.00  22,415.90        44.8%  pool
            C3     Cy Oh     VP Sales      west   ineligible  USD        0.00       0.00            -  active 17/90 days
            D4     Dee Ng    VP Marketing  west   ok          USD   19,666.67   8,816.92        44.8%  active 59/90 days, pool
            E5     Eve Ro    COO           north  ok          USD   20,000.00  12,196.37          61%  capped, pool

            By unit
            unit   cur  payees      target     payout  % of target
            -----  ---  ------  ----------  ---------  -----------
            east   USD       1  100,000.00  56,570.81        56.6%
            north  USD       1   20,000.00  12,196.37          61%
            west   USD       3   69,666.67  31,232.82        44.8%

            By status
            status      cur  payees      target      payout
            ----------  ---  ------  ----------  ----------
            ok          USD       4  189,666.67  100,000.00
            ineligible  USD       1        0.00        0.00

            Pool: 100,000.00 USD (amount 100000); payouts before the pool 196,779.93, scaled by 50.8182% to fit.

            """)
    }

    func testTableWithAPoolThatDoesNotBind() throws {
        let text = TableReport.render(try run(pool: "500000"))
        assertLinesInOrder(text, [
            "A1     Ann Lee   CMO           east   ok          USD  100,000.00  111,320.00       111.3%",
            "C3     Cy Oh     VP Sales      west   ineligible  USD        0.00        0.00            -  active 17/90 days",
            "E5     Eve Ro    COO           north  ok          USD   20,000.00   24,000.00         120%  capped",
            "By unit",
            "west   USD       3   69,666.67   61,459.93        88.2%",
            "By status",
            "ok          USD       4  189,666.67  196,779.93",
            "ineligible  USD       1        0.00        0.00",
            "Pool: 500,000.00 USD (amount 500000); payouts before the pool 196,779.93, within the pool.",
        ])
        XCTAssertFalse(text.contains("pool\n"), "no payee is marked as cut by the pool:\n\(text)")
    }

    func testTableWithoutAPoolHasNoPoolLine() throws {
        let text = TableReport.render(try run(pool: nil))
        XCTAssertFalse(text.contains("Pool"), text)
        XCTAssertTrue(text.hasPrefix("Report test plan (rep v7.2), 2026-Q1: 2026-01-01 to 2026-03-31\n"), text)
    }

    func testMoneyDisplay() {
        XCTAssertEqual(Display.money("37089.285".d, digits: 2), "37,089.28")  // half-even
        XCTAssertEqual(Display.money("1234567.5".d, digits: 2), "1,234,567.50")
        XCTAssertEqual(Display.money("999999".d, digits: 2), "999,999.00")
        XCTAssertEqual(Display.money("100".d, digits: 2), "100.00")
        XCTAssertEqual(Display.money("0".d, digits: 2), "0.00")
        XCTAssertEqual(Display.money("2359566".d, digits: 0), "2,359,566")
        XCTAssertEqual(Display.money("12345.6789".d, digits: 3), "12,345.679")
        XCTAssertEqual(Display.money("-1234.5".d, digits: 2), "-1,234.50")
        XCTAssertEqual(Display.money("-123".d, digits: 0), "-123")
    }

    // MARK: Explain

    func testExplainOfAPayeeCutByThePool() throws {
        let text = try explain("A1", pool: "100000")
        assertLinesInOrder(text, [
            "Payee A1 Ann Lee, CMO, unit east",
            "Plan rep v7.2, period 2026-Q1 (2026-01-01 to 2026-03-31), currency USD, rounding half-even",
            "Money is shown as it is paid: rounded to 2 decimals (half-even). The calculation keeps every digit,",
            "so a step redone from the rounded figures can be a minor unit off; --exact shows every digit.",
            "1. Target incentive",
            "   annual target = target_bonus 400000",
            "   active days = 90 of 90 (start none, end none)",
            "   TI = 400000.00 x 1/4 x 90/90 = 100000.00",
            "2. KPIs",
            "   rv = 55  [actuals.csv:2 (unit:east)]; target 50 [targets.east]; attainment 55 / 50 = 110%",
            "   nrr = 1.04  [actuals.csv:5 (company)]; target 1 [target]; attainment 1.04 / 1 = 104%",
            "   cac = 22  [actuals.csv:6 (company)]; target 20 [target]; attainment 2 - 22 / 20 (lower is better) = 90%",
            "   pipe = 900  [actuals.csv:7 (company)]; target 1000 [target]; attainment 900 / 1000 = 90%",
            "3. Components (amount = TI x weight x score)",
            "   scorecard (weight 60%)",
            "     rv: weight 50% x factor 120% (curve standard at 110%)",
            "     nrr: weight 50% x factor 104% (no curve: the attainment)",
            "     score = 112%",
            "     amount = 100000.00 x 60% x 112% = 67200.00",
            "   shared (weight 40%)",
            "     kr1 (pipe): progress = clamp((900 - 0) / (1000 - 0), 0, 100%) = 90%, weight 50%",
            "     kr2 (cac): progress = clamp((22 - 30) / (20 - 30), 0, 100%) = 80%, weight 50%",
            "     objective growth score = 85%",
            "     amount = 100000.00 x 40% x 85% = 34000.00",
            "4. Modifiers (in the order written)",
            "   boost (multiplier): when nrr >= 100%: true -> factor 1.1",
            "     applies to scorecard, shared: scorecard 73920.00, shared 37400.00",
            "   cac-table (table): cac = 22: row 2 (at_most 25) matches -> factor 1",
            "5. Gross = 111320.00",
            "   cap 120% x TI = 120000.00",
            "   floor 10% x TI = 10000.00",
            "   within cap and floor",
            "6. Rounding: the gross to 2 decimals (half-even) = 111320.00",
            "7. Pool 100000.00 (amount 100000) < payouts 196779.93:",
            "   111320.00 x 100000.00 / 196779.93, floored, plus any unit from the largest-remainder split = 56570.81",
            "Payout: 56570.81 USD (status ok)",
        ])
        XCTAssertTrue(text.hasSuffix("\nPayout: 56570.81 USD (status ok)\n"), text)
    }

    func testExplainOfACappedPayeeAndAPoolThatDoesNotBind() throws {
        let text = try explain("E5", pool: "500000")
        assertLinesInOrder(text, [
            "   rv = 200  [actuals.csv:4 (unit:north)]; target 40 [target]; attainment 200 / 40 = 500%",
            "     rv: weight 50% x factor 200% (curve standard at 500%)",
            "5. Gross = 27544.00",
            "   cap 120% x TI = 24000.00",
            "   floor 10% x TI = 2000.00",
            "   capped: gross = 24000.00",
            "6. Rounding: the gross to 2 decimals (half-even) = 24000.00",
            "7. Pool 500000.00 covers payouts 196779.93: no change",
            "Payout: 24000.00 USD (status ok)",
        ])
    }

    /// Money as it is paid, the rule said once; `exact`, every digit the calculation keeps.
    func testExplainOfAProratedPayeeRoundsMoneyAsPaidAndExactKeepsAllDigits() throws {
        let paid = try explain("D4", pool: nil)
        assertLinesInOrder(paid, [
            "Money is shown as it is paid: rounded to 2 decimals (half-even). The calculation keeps every digit,",
            "   active days = 59 of 90 (start 2026-02-01, end none)",
            "   TI = 120000.00 x 1/4 x 59/90 = 19666.67",
            "   rv = 30  [actuals.csv:3 (unit:west)]; target 40 [target]; attainment 30 / 40 = 75%",
            "     rv: weight 50% x factor 50% (curve standard at 75%)",
            "5. Gross = 17349.93",
            "6. Rounding: the gross to 2 decimals (half-even) = 17349.93",
            "Payout: 17349.93 USD (status ok)",
        ])
        XCTAssertFalse(paid.contains("shown rounded"), paid)
        XCTAssertFalse(paid.contains("19666.666"), paid)
        XCTAssertFalse(paid.contains("7. Pool"), paid)

        let text = try explain("D4", pool: nil, exact: true)
        assertLinesInOrder(text, [
            "Money is shown exact, with every digit the calculation keeps; it is rounded once, in step 6.",
            "   active days = 59 of 90 (start 2026-02-01, end none)",
            "   TI = 120000 x 1/4 x 59/90 = 19666.666666666666666667",
            "   (shown rounded: 19666.67)",
            "   rv = 30  [actuals.csv:3 (unit:west)]; target 40 [target]; attainment 30 / 40 = 75%",
            "     rv: weight 50% x factor 50% (curve standard at 75%)",
            "5. Gross = 17349.933333333333333334",
            "6. Rounding: 17349.933333333333333334 to 2 decimals (half-even) = 17349.93",
            "Payout: 17349.93 USD (status ok)",
        ])
        XCTAssertFalse(text.contains("7. Pool"), text)
    }

    func testExplainOfAnIneligiblePayee() throws {
        XCTAssertEqual(try explain("C3", pool: "100000"), """
            Payee C3 Cy Oh, VP Sales, unit west
            Plan rep v7.2, period 2026-Q1 (2026-01-01 to 2026-03-31), currency USD, rounding half-even
            Money is shown as it is paid: rounded to 2 decimals (half-even). The calculation keeps every digit,
            so a step redone from the rounded figures can be a minor unit off; --exact shows every digit.

            1. Target incentive
               annual target = target_bonus 100000
               active days = 17 of 90 (start 2026-03-15, end none)
               17 active days < min_active_days 30: ineligible, target incentive 0, payout 0

            Payout: 0.00 USD (status ineligible)

            """)
    }

    // MARK: CSV

    func testCSVQuotesPayeeIDsWithCommasAndQuotes() throws {
        let plan = """
            plan: q
            version: "1"
            currency: USD
            pays: year
            kpis:
              k: { target: 100 }
            components:
              - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
            """
        let roster = #"""
            payee_id,name,target_bonus
            "X,1",Xavier,1000
            "Q""2","Zoë ""Z"" O\Neil",2000
            A1,Ann,3000
            "C,""3""",Cy,4000
            """#
        let outcome = TestSupport.calculate(plan: plan, roster: roster,
                                            actuals: "period,scope,kpi,value\n2026-FY,company,k,100\n", period: "2026-FY")
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [])
        let result = try XCTUnwrap(outcome.result)
        // Plain byte order of payee_id: A1 < C,"3" < Q"2 < X,1.
        XCTAssertEqual(CSVReport.render(result), #"""
            payee_id,status,currency,target_incentive,payout
            A1,ok,USD,3000.00,3000.00
            "C,""3""",ok,USD,4000.00,4000.00
            "Q""2",ok,USD,2000.00,2000.00
            "X,1",ok,USD,1000.00,1000.00

            """#)
        // The output reads back as the same ids.
        var diagnostics: [Diagnostic] = []
        let table = CSVTable(file: "out.csv", bytes: Array(CSVReport.render(result).utf8), diagnostics: &diagnostics)
        XCTAssertEqual(TestSupport.rendered(diagnostics), [])
        XCTAssertEqual((0..<table.count).map { table.string(row: $0, column: 0) }, ["A1", "C,\"3\"", "Q\"2", "X,1"])
        // JSON escapes them (and the name with a quote and a backslash).
        let payees = try XCTUnwrap(try json(JSONReport.render(result))["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.map { $0["payee_id"] as? String }, ["A1", "C,\"3\"", "Q\"2", "X,1"])
        XCTAssertEqual(payees[2]["name"] as? String, "Zoë \"Z\" O\\Neil")
    }

    func testCSVFieldEscape() {
        XCTAssertEqual(CSVField.escape("E1001"), "E1001")
        XCTAssertEqual(CSVField.escape("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVField.escape("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVField.escape("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSVField.escape("cr\rhere"), "\"cr\rhere\"")
        XCTAssertEqual(CSVField.escape(""), "")
    }
}
