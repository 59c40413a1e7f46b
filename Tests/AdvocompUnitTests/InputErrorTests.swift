import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// CSV syntax, roster, actuals and plan errors: every one located and all reported at once.
final class InputErrorTests: XCTestCase {
    // MARK: CSV

    private func table(_ text: String, bom: Bool = false) -> (CSVTable, [String]) {
        var d: [Diagnostic] = []
        let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
        let t = CSVTable(file: "t.csv", bytes: bytes, diagnostics: &d)
        return (t, d.map(\.description))
    }

    private func rows(_ t: CSVTable) -> [[String]] {
        (0..<t.count).map { r in (0..<t.header.count).map { t.string(row: r, column: $0) } }
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() {
        let (t, d) = table(#"""
            name,note
            "Park, Ada","He said ""hi"""
            "multi
            line",x
            plain,"",
            last,"a"""
            """# + "\n")
        XCTAssertEqual(d, ["t.csv:5:1: error: row has 3 fields, the header has 2"])
        XCTAssertEqual(t.header, ["name", "note"])
        XCTAssertEqual(rows(t), [["Park, Ada", "He said \"hi\""], ["multi\nline", "x"], ["plain", ""], ["last", "a\""]])
        XCTAssertEqual((0..<t.count).map { t.line(of: $0) }, [2, 3, 5, 6])
    }

    func testBOMAndCRLF() {
        let (t, d) = table("payee_id,name\r\nA,\"Ann\"\r\n\r\nB,Bob\r\nC,\"x\r\ny\"\r\n", bom: true)
        XCTAssertEqual(d, [])
        XCTAssertEqual(t.header, ["payee_id", "name"])  // no BOM in the first column name
        XCTAssertEqual(t.columnIndex("payee_id"), 0)
        XCTAssertEqual(rows(t), [["A", "Ann"], ["B", "Bob"], ["C", "x\r\ny"]])
        XCTAssertEqual((0..<t.count).map { t.line(of: $0) }, [2, 4, 5])
    }

    func testNoTrailingNewlineAndBlankLines() {
        let (t, d) = table("a,b\n\n1,2\n\n3,4")
        XCTAssertEqual(d, [])
        XCTAssertEqual(rows(t), [["1", "2"], ["3", "4"]])
        XCTAssertEqual((0..<t.count).map { t.line(of: $0) }, [3, 5])
    }

    func testUnterminatedQuote() {
        let (t, d) = table("a,b\n1,2\n3,\"oops\n4,5\n")
        XCTAssertEqual(d, ["t.csv:3:2: error: unterminated quoted field (a \" is never closed)"])
        XCTAssertEqual(t.count, 2)
    }

    func testWrongFieldCountWithLineNumbers() {
        let (_, d) = table("a,b\n1\n1,2,3\n1,2\n\"x\ny\",2,3\n")
        XCTAssertEqual(d, [
            "t.csv:2:1: error: row has 1 field, the header has 2",
            "t.csv:3:1: error: row has 3 fields, the header has 2",
            "t.csv:5:1: error: row has 3 fields, the header has 2",
        ])
    }

    func testStrayQuotes() {
        XCTAssertEqual(table("a,b\n\"x\"y,2\n").1, ["t.csv:2:1: error: unexpected text after a closing quote"])
        XCTAssertEqual(table("a,b\n1,x\"y\n").1,
                       ["t.csv:2:2: error: a quote inside an unquoted field (quote the whole field and double the quote)"])
    }

    func testEmptyFile() {
        XCTAssertEqual(table("").1, ["t.csv:1:1: error: the file is empty: a header row is required"])
        XCTAssertEqual(table("\n\n").1, ["t.csv:1:1: error: the file is empty: a header row is required"])
    }

    // MARK: Roster

    private func roster(_ text: String) -> (Roster, [String]) {
        var d: [Diagnostic] = []
        let r = RosterReader.read(file: "roster.csv", bytes: Array(text.utf8), diagnostics: &d)
        return (r, d.map(\.description))
    }

    func testRosterReadsEveryColumn() throws {
        let (r, d) = roster("""
            end_date,payee_id,name,title,unit,plan,currency,base_salary,target_bonus_pct,target_bonus,start_date
            2026-12-31, A ,Ada Park,CMO,enterprise,p,EUR,310000,40%,,2024-03-01
            ,B,Ben,CRO,,,,,,150000,
            """)
        XCTAssertEqual(d, [])
        let a = try XCTUnwrap(r.payees.first)
        XCTAssertEqual(a.id, "A")
        XCTAssertEqual(a.name, "Ada Park")
        XCTAssertEqual(a.unit, "enterprise")
        XCTAssertEqual(a.plan, "p")
        XCTAssertEqual(a.currency?.code, "EUR")
        XCTAssertEqual(a.baseSalary, "310000".d)
        XCTAssertEqual(a.targetBonusPct, "0.4".d)
        XCTAssertNil(a.targetBonus)
        XCTAssertEqual(a.startDate?.description, "2024-03-01")
        XCTAssertEqual(a.endDate?.description, "2026-12-31")
        let b = r.payees[1]
        XCTAssertNil(b.plan)
        XCTAssertNil(b.currency)
        XCTAssertEqual(b.targetBonus, "150000".d)
        XCTAssertNil(b.startDate)
        XCTAssertNil(b.endDate)
        XCTAssertEqual(b.location.description, "roster.csv:3:1")
    }

    func testDuplicatePayeeIDNamesBothLines() {
        XCTAssertEqual(roster("payee_id,target_bonus\nA,1\nB,1\nA,2\n").1, [
            "roster.csv:4:1: error: duplicate payee_id 'A'\nroster.csv:2:1: note: first used here",
        ])
        XCTAssertEqual(roster("name,payee_id\nx,A\ny,A\n").1, [
            "roster.csv:3:2: error: duplicate payee_id 'A'\nroster.csv:2:2: note: first used here",
        ])
    }

    func testBothTargetBonusPctAndTargetBonus() {
        XCTAssertEqual(roster("payee_id,base_salary,target_bonus_pct,target_bonus\nA,100000,10%,1000\nB,100000,10%,\n").1, [
            "roster.csv:2:4: error: both target_bonus_pct and target_bonus are given; give one",
        ])
    }

    func testBadDates() {
        XCTAssertEqual(roster("payee_id,start_date,end_date\nA,2026-02-30,\nB,2026/01/01,\nC,,26-01-01\nD,2024-02-29,2025-02-29\n").1, [
            "roster.csv:2:2: error: start_date '2026-02-30' is not a date (expected YYYY-MM-DD)",
            "roster.csv:3:2: error: start_date '2026/01/01' is not a date (expected YYYY-MM-DD)",
            "roster.csv:4:3: error: end_date '26-01-01' is not a date (expected YYYY-MM-DD)",
            "roster.csv:5:3: error: end_date '2025-02-29' is not a date (expected YYYY-MM-DD)",
        ])
    }

    func testEndBeforeStart() {
        XCTAssertEqual(roster("payee_id,start_date,end_date\nA,2026-02-01,2026-01-31\nB,2026-02-01,2026-02-01\n").1, [
            "roster.csv:2:3: error: end_date 2026-01-31 is before start_date 2026-02-01",
        ])
    }

    func testRosterUnknownCurrency() {
        XCTAssertEqual(roster("payee_id,currency\nA,USX\nB,usd\nC,USD\nD,\n").1, [
            "roster.csv:2:2: error: unknown currency 'USX' (expected an ISO 4217 code such as USD, EUR, JPY)",
            "roster.csv:3:2: error: unknown currency 'usd' (expected an ISO 4217 code such as USD, EUR, JPY)",
        ])
    }

    func testMissingPayeeIDColumn() {
        XCTAssertEqual(roster("id,name\nA,Ann\n").1, ["roster.csv:1:1: error: the roster has no 'payee_id' column"])
        XCTAssertEqual(roster("payee,name\nA,Ann\n").1,
                       ["roster.csv:1:1: error: the roster has no 'payee_id' column; did you mean 'payee'?"])
    }

    /// Compensation cells are private: their values are not repeated in messages.
    func testOtherRosterCellErrors() {
        XCTAssertEqual(roster("payee_id,base_salary,target_bonus_pct,name,name\nA,\"100,000\",10%,x,y\n,-5,1e2,x,y\n").1, [
            "roster.csv:1:5: error: column 'name' appears twice in the header",
            "roster.csv:2:2: error: base_salary is not a valid number: thousands separators are not allowed (write 1000, not 1,000)",
            "roster.csv:3:1: error: payee_id is blank",
            "roster.csv:3:2: error: base_salary must not be negative",
            "roster.csv:3:3: error: target_bonus_pct is not a valid number: exponent notation is not allowed (write 1500000, not 1.5e6)",
        ])
    }

    func testThreeBadCellsGiveThreeErrors() {
        let (_, d) = roster("""
            payee_id,currency,base_salary,target_bonus_pct,start_date
            A,USD,100000,10%,2026-01-01
            B,XYZ,100000,10%,2026-01-01
            C,USD,lots,10%,2026-13-01
            """)
        XCTAssertEqual(d, [
            "roster.csv:3:2: error: unknown currency 'XYZ' (expected an ISO 4217 code such as USD, EUR, JPY)",
            "roster.csv:4:3: error: base_salary is not a valid number: not a number",
            "roster.csv:4:5: error: start_date '2026-13-01' is not a date (expected YYYY-MM-DD)",
        ])
    }

    // MARK: Actuals

    private func actuals(_ text: String) -> (Actuals, [String]) {
        var d: [Diagnostic] = []
        let a = ActualsReader.read(file: "actuals.csv", bytes: Array(text.utf8), diagnostics: &d)
        return (a, d.map(\.description))
    }

    func testActualsColumnsInAnyOrder() throws {
        let (a, d) = actuals("value,kpi,scope,period\n101%,nrr,company,2026-Q1\n31,rv,unit:smb,2026-Q1\n9,rv,payee:E1,2026-H2\n")
        XCTAssertEqual(d, [])
        XCTAssertEqual(a.rows.map { "\($0.period)|\($0.scope)|\($0.kpi)|\($0.value)|\($0.line)" }, [
            "2026-Q1|company|nrr|1.01|2", "2026-Q1|unit:smb|rv|31|3", "2026-H2|payee:E1|rv|9|4",
        ])
    }

    func testActualsCellErrors() {
        let (a, d) = actuals("""
            period,scope,kpi,value
            2026-Q5,company,nrr,1
            2026-Q1,team:x,nrr,1
            2026-Q1,company,nrr,abc
            2026-Q1,unit:,rv,1
            2026-Q1,company,,1
            2026-Q1,company,cac,1e3
            2026-Q1,company,x,
            """)
        XCTAssertEqual(d, [
            "actuals.csv:2:1: error: period '2026-Q5' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)",
            "actuals.csv:3:2: error: scope 'team:x' is not a scope (expected company, unit:NAME or payee:ID)",
            "actuals.csv:4:4: error: value 'abc' is not a valid number: not a number",
            "actuals.csv:5:2: error: scope 'unit:' is not a scope (expected company, unit:NAME or payee:ID)",
            "actuals.csv:6:3: error: kpi is blank",
            "actuals.csv:7:4: error: value '1e3' is not a valid number: exponent notation is not allowed (write 1500000, not 1.5e6)",
            "actuals.csv:8:4: error: value '' is not a valid number: expected a number, found nothing",
        ])
        XCTAssertEqual(a.rows.count, 0)
    }

    func testDuplicateActualNamesBothLines() {
        XCTAssertEqual(actuals("""
            period,scope,kpi,value
            2026-Q1,unit:smb,rv,31
            2026-Q2,unit:smb,rv,31
            2026-Q1,unit:enterprise,rv,31
            2026-Q1,unit:smb,rv,32
            2026-Q1,unit:smb,rv,33
            """).1, [
            "actuals.csv:5:1: error: duplicate actual for rv at unit:smb in 2026-Q1 (first given on line 2)\nactuals.csv:2:1: note: first given here",
            "actuals.csv:6:1: error: duplicate actual for rv at unit:smb in 2026-Q1 (first given on line 2)\nactuals.csv:2:1: note: first given here",
        ])
    }

    func testMissingActualsColumn() {
        XCTAssertEqual(actuals("period,scope,kpi,val\n2026-Q1,company,nrr,1\n").1, [
            "actuals.csv:1:1: error: the actuals file has no 'value' column (expected header period,scope,kpi,value); did you mean 'val'?",
        ])
    }

    static let basePlan = """
        plan: p
        version: "1"
        currency: USD
        pays: quarter
        kpis:
          nrr: { target: 105% }
          cac: { better: lower, target: 18 }
          lift: { formula: nrr - 1, target: 5% }
        curves:
          standard: { points: [[80%, 50%], [100%, 100%], [120%, 150%]] }
        components:
          - id: a
            weight: 60%
            measures:
              - { kpi: nrr, weight: 50%, curve: standard }
              - { kpi: cac, weight: 50% }
          - id: b
            weight: 40%
            formula: "min(attainment(nrr), 1)"
        """

    func testARowForAFormulaKPIAndRowsForUnknownKPIs() {
        let outcome = TestSupport.calculate(plan: Self.basePlan, roster: "payee_id,target_bonus\nA,1000\n", actuals: """
            period,scope,kpi,value
            2026-Q1,company,nrr,1.05
            2026-Q1,company,lift,5%
            2026-Q1,company,cac,18
            2026-Q1,company,nrx,1
            2026-Q2,company,nrx,1
            2026-Q1,company,zzz,1
            """, period: "2026-Q1")
        XCTAssertNil(outcome.result)
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [
            "actuals.csv:3:1: error: KPI 'lift' is derived by a formula in the plan, so it cannot also have actuals\n"
                + "plan.yaml:8:20: note: formula defined here",
            "actuals.csv:5:1: warning: KPI 'nrx' is not defined by plan 'p'; its rows are ignored; did you mean 'nrr'?",
            "actuals.csv:7:1: warning: KPI 'zzz' is not defined by plan 'p'; its rows are ignored",
        ])
    }

    func testUnknownKPIRowsAreOnlyAWarning() {
        let outcome = TestSupport.calculate(plan: Self.basePlan, roster: "payee_id,target_bonus\nA,4000\n", actuals: """
            period,scope,kpi,value
            2026-Q1,company,nrr,1.05
            2026-Q1,company,cac,18
            2026-Q1,company,other,1
            """, period: "2026-Q1")
        XCTAssertNotNil(outcome.result)
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics),
                       ["actuals.csv:4:1: warning: KPI 'other' is not defined by plan 'p'; its rows are ignored"])
        // a: 50% * curve(100%) + 50% * 100% = 1 -> 600; b: min(1, 1) -> 400
        XCTAssertEqual(outcome.result.map { CSVReport.render($0) },
                       "payee_id,status,currency,target_incentive,payout\nA,ok,USD,1000.00,1000.00\n")
    }

    func testRosterChecksAgainstThePlan() {
        let plan = Self.basePlan.replacingOccurrences(of: "nrr: { target: 105% }", with: "nrr: { target: 105%, scope: unit }")
        let actuals = "period,scope,kpi,value\n2026-Q1,company,cac,18\n"
        XCTAssertEqual(runErrors(plan: plan, roster: "payee_id,name\nA,Ann\n", actuals: actuals, period: "2026-Q1"), [
            "roster.csv:1:1: error: the roster needs 'target_bonus', or 'base_salary' and 'target_bonus_pct', to compute target incentives",
        ])
        XCTAssertEqual(runErrors(plan: plan, roster: "payee_id,target_bonus\nA,1000\n", actuals: actuals, period: "2026-Q1"), [
            "roster.csv:1:1: error: the roster has no 'unit' column, and KPI 'nrr' is measured or targeted per unit\nplan.yaml:6:3: note: KPI defined here",
        ])
        XCTAssertEqual(runErrors(plan: plan, roster: "payee_id,unit,base_salary,target_bonus_pct,target_bonus\nA,smb,100000,,\nB,,,,1000\n",
                                 actuals: actuals, period: "2026-Q1"), [
            "roster.csv:2:1: error: payee A has no target bonus: give target_bonus, or base_salary and target_bonus_pct",
            "roster.csv:3:1: error: payee B has no unit, and the plan measures KPIs per unit",
        ])
    }

    func testErrorsInEveryFileAreReportedTogetherAndNothingIsComputed() {
        let plan = Self.basePlan.replacingOccurrences(of: "currency: USD", with: "currency: EURO")
        let outcome = TestSupport.calculate(plan: plan, roster: "payee_id,target_bonus,start_date\nA,1000,2026-01-32\n",
                                            actuals: "period,scope,kpi,value\n2026-Q1,company,nrr,1.o5\n", period: "2026-Q1")
        XCTAssertNil(outcome.result)
        XCTAssertEqual(TestSupport.rendered(outcome.diagnostics), [
            "plan.yaml:3:11: error: unknown currency 'EURO' (expected an ISO 4217 code such as USD, EUR, JPY); did you mean 'EUR'?",
            "roster.csv:2:3: error: start_date '2026-01-32' is not a date (expected YYYY-MM-DD)",
            "actuals.csv:2:4: error: value '1.o5' is not a valid number: not a number",
        ])
    }

    // MARK: Plan

    private func planErrors(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let (p, d) = TestSupport.parsePlan(text)
        XCTAssertNil(p, "a plan with errors must not be returned", file: file, line: line)
        return TestSupport.errors(Pipeline.sorted(d))
    }

    private func edit(_ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertTrue(Self.basePlan.contains(old), "base plan lacks \(old)", file: file, line: line)
        return Self.basePlan.replacingOccurrences(of: old, with: new)
    }

    func testBasePlanIsValid() throws {
        let (p, d) = TestSupport.parsePlan(Self.basePlan)
        XCTAssertEqual(TestSupport.rendered(d), [])
        let plan = try XCTUnwrap(p)
        XCTAssertEqual(plan.kpis.map(\.id), ["nrr", "cac", "lift"])
        XCTAssertEqual(plan.components.map(\.id), ["a", "b"])
        XCTAssertEqual(plan.components.map(\.weight), ["0.6".d, "0.4".d])
        XCTAssertEqual(plan.pays, .quarter)
        XCTAssertEqual(plan.rounding, .halfEven)
        XCTAssertEqual(plan.fiscalYearStartMonth, 1)
        XCTAssertEqual(plan.minActiveDays, 1)
        XCTAssertNil(plan.cap)
        XCTAssertNil(plan.floor)
    }

    func testUnknownKeysWithDidYouMean() {
        XCTAssertEqual(planErrors(edit("{ kpi: nrr, weight: 50%, curve: standard }", "{ kpi: nrr, weight: 50%, curv: standard }")), [
            "plan.yaml:15:34: error: unknown key 'curv' in measure; did you mean 'curve'? (allowed: kpi, weight, curve)",
        ])
        XCTAssertEqual(planErrors(edit("version: \"1\"", "version: \"1\"\ntitel: x")), [
            "plan.yaml:3:1: error: unknown key 'titel' in the plan; did you mean 'title'? (allowed: plan, version, title, currency, fiscal_year_start_month, pays, rounding, cap, floor, eligibility, kpis, curves, okrs, components, modifiers, pool, earning_code, gaming, true_up, economics)",
        ])
        XCTAssertEqual(planErrors(edit("cac: { better: lower, target: 18 }", "cac: { better: lower, target: 18, scpe: unit }")), [
            "plan.yaml:7:37: error: unknown key 'scpe' in KPI 'cac'; did you mean 'scope'? (allowed: name, unit, better, scope, target, targets, missing, formula, from_events)",
        ])
    }

    func testWeightsNotSummingTo100Percent() {
        XCTAssertEqual(planErrors(edit("weight: 40%", "weight: 30%")), [
            "plan.yaml:12:3: error: component weights sum to 90%, not 100%",
        ])
        XCTAssertEqual(planErrors(edit("{ kpi: cac, weight: 50% }", "{ kpi: cac, weight: 50.5% }")), [
            "plan.yaml:15:7: error: measure weights sum to 100.5%, not 100%",
        ])
    }

    /// The sum shown must be the real sum: 3 x 33.3333333% is 99.9999999%, not "100%".
    func testWeightSumMessageShowsTheExactSum() {
        let text = edit("""
              - id: a
                weight: 60%
            """, """
              - id: c
                weight: 33.3333333%
                formula: "1"
              - id: a
                weight: 33.3333333%
            """).replacingOccurrences(of: "weight: 40%", with: "weight: 33.3333333%")
        XCTAssertEqual(planErrors(text), ["plan.yaml:12:3: error: component weights sum to 99.9999999%, not 100%"])
    }

    func testUnknownCurve() {
        XCTAssertEqual(planErrors(edit("curve: standard }", "curve: standrd }")), [
            "plan.yaml:15:41: error: unknown curve 'standrd' in measure 'nrr'; did you mean 'standard'?",
        ])
    }

    func testCurveXNotStrictlyIncreasingAndNegativeFactor() {
        XCTAssertEqual(planErrors(edit("{ kpi: cac, weight: 50% }",
                                       "{ kpi: cac, weight: 50%, curve: { points: [[80%, 50%], [80%, 100%], [70%, -10%]] } }")), [
            "plan.yaml:16:65: error: curve x values must be strictly increasing: 0.8 follows 0.8",
            "plan.yaml:16:78: error: curve x values must be strictly increasing: 0.7 follows 0.8",
            "plan.yaml:16:83: error: curve factor must not be negative (found -0.1)",
        ])
    }

    func testNegativeModifierFactor() {
        let text = Self.basePlan + """

            modifiers:
              - { id: m, type: multiplier, when: "nrr > 1", factor: -1.1 }
              - { id: t, type: table, kpi: cac, rows: [{ at_most: 12, factor: 1 }], otherwise: -0.5 }
              - { id: g, type: gate, when: "nrr > 1", otherwise: -1 }
            """
        XCTAssertEqual(planErrors(text), [
            "plan.yaml:21:57: error: factor must not be negative (found -1.1): all amounts and factors are >= 0",
            "plan.yaml:22:84: error: otherwise must not be negative (found -0.5): all amounts and factors are >= 0",
            "plan.yaml:23:54: error: otherwise must not be negative (found -1): all amounts and factors are >= 0",
        ])
    }

    /// SPEC 2.1: all problems at once. A modifier with one bad field must still have its
    /// other fields checked.
    func testEveryProblemOfAModifierIsReported() {
        let text = Self.basePlan + """

            modifiers:
              - { id: t, type: table, kpi: cac, rows: [{ at_most: 12, factor: -1 }], otherwise: -0.5 }
              - { id: m2, type: multiplier, when: "nrr >", factor: -2 }
            """
        XCTAssertEqual(planErrors(text), [
            "plan.yaml:21:67: error: factor must not be negative (found -1): all amounts and factors are >= 0",
            "plan.yaml:21:85: error: otherwise must not be negative (found -0.5): all amounts and factors are >= 0",
            "plan.yaml:22:45: error: when 'nrr >': the expression ends where a value is expected",
            "plan.yaml:22:56: error: factor must not be negative (found -2): all amounts and factors are >= 0",
        ])
    }

    func testNonPositiveTargets() {
        XCTAssertEqual(planErrors(edit("  cac: { better: lower, target: 18 }", """
              cac: { better: lower, target: 18 }
              x: { target: 0 }
              y: { target: -5%, targets: { smb: 0, ent: 1 } }
              z: { better: lower, target: 0 }
            """)), [
            "plan.yaml:8:16: error: target of x must be positive for a higher-is-better KPI (found 0)",
            "plan.yaml:9:16: error: target of y must be positive for a higher-is-better KPI (found -0.05)",
            "plan.yaml:9:37: error: target of y must be positive for a higher-is-better KPI (found 0)",
            "plan.yaml:10:31: error: target of z must not be zero (attainment divides by it)",
        ])
    }

    func testFormulaCycle() {
        XCTAssertEqual(planErrors(edit("  lift: { formula: nrr - 1, target: 5% }", """
              lift: { formula: nrr - 1, target: 5% }
              f1: { formula: f2 + 1 }
              f2: { formula: "f1 * 2" }
              f3: { formula: f3 }
            """)), [
            "plan.yaml:9:18: error: formula cycle: f1 -> f2 -> f1",
            "plan.yaml:11:18: error: formula cycle: f3 -> f3",
        ])
    }

    func testPlanUnknownCurrency() {
        XCTAssertEqual(planErrors(edit("currency: USD", "currency: EURO")), [
            "plan.yaml:3:11: error: unknown currency 'EURO' (expected an ISO 4217 code such as USD, EUR, JPY); did you mean 'EUR'?",
        ])
        XCTAssertEqual(planErrors(edit("currency: USD", "currency: dollars")), [
            "plan.yaml:3:11: error: unknown currency 'dollars' (expected an ISO 4217 code such as USD, EUR, JPY)",
        ])
    }

    func testDuplicateComponentID() {
        XCTAssertEqual(planErrors(edit("  - id: b", "  - id: a")), [
            "plan.yaml:17:9: error: duplicate component id 'a'\nplan.yaml:12:9: note: first defined here",
        ])
    }

    func testFromEventsAndFormulaTogetherIsAnError() {
        let text = edit("  lift: { formula: nrr - 1, target: 5% }", """
              lift: { formula: nrr - 1, target: 5% }
              rv: { formula: nrr, from_events: { types: [review], value: sum }, target: 10 }
            """) + "\ngaming:\n  ask_cap: { min_days_between: 60, action: exclude }\n"
        XCTAssertEqual(planErrors(text), [
            "plan.yaml:9:36: error: KPI 'rv' has both 'formula' and 'from_events': it is derived one way or the other\nplan.yaml:9:18: note: formula given here",
            "plan.yaml:9:62: error: value must be one of count, amount; found 'sum'",
        ])
    }

    func testYAMLSyntaxErrorIsLocated() {
        // The unclosed flow mapping on line 7 is detected where the next key starts.
        XCTAssertEqual(planErrors(edit("  cac: { better: lower, target: 18 }", "  cac: { better: lower, target: 18")), [
            "plan.yaml:8:7: error: YAML syntax: did not find expected ',' or '}' (while parsing a flow mapping at line 7)",
        ])
        XCTAssertEqual(planErrors(edit("    weight: 40%", "\tweight: 40%")), [
            "plan.yaml:18:1: error: YAML syntax: found a tab character that violates indentation (while scanning a plain scalar at line 17)",
        ])
    }

    func testDuplicateYAMLKey() {
        XCTAssertEqual(planErrors(edit("pays: quarter", "pays: quarter\npays: half")), [
            "plan.yaml:4:1: error: duplicate key 'pays' in one mapping",
        ])
    }

    func testReferencesToUnknownThings() {
        let text = Self.basePlan + """

            modifiers:
              - { id: acc, type: accelerator, kpi: nrx, rate: 2 }
              - { id: g, type: gate, when: "nrr > 1", applies_to: [scorecard] }
              - { id: w, type: bonus }
            okrs:
              - id: o
                key_results:
                  - { id: kr1, kpi: pipe, start: 0, target: 100, weight: 100% }
            """
        let text2 = text.replacingOccurrences(of: "  - id: b\n    weight: 40%\n    formula: \"min(attainment(nrr), 1)\"",
                                              with: "  - id: b\n    weight: 40%\n    okr: o")
        XCTAssertEqual(planErrors(text2), [
            "plan.yaml:19:10: error: key result 'kr1' of objective 'o' names KPI 'pipe', which this plan does not define\nplan.yaml:25:9: note: objective defined here",
            "plan.yaml:21:40: error: unknown KPI 'nrx' in accelerator 'acc'; did you mean 'nrr'?",
            "plan.yaml:22:55: error: applies_to names unknown component 'scorecard'",
            "plan.yaml:23:20: error: unknown modifier type 'bonus' (multiplier, gate, accelerator or table)",
        ])
    }

    func testTopLevelScalarsAreValidated() {
        let text = Self.basePlan
            .replacingOccurrences(of: "plan: p\nversion: \"1\"\n", with: "plan: Exec_Plan\n")
            .replacingOccurrences(of: "pays: quarter", with: """
                pays: quarter
                fiscal_year_start_month: 13
                rounding: half_up
                cap: 120%
                floor: 150%
                eligibility: { min_active_days: 400, max_days: 3 }
                """)
        XCTAssertEqual(planErrors(text), [
            "plan.yaml:1:1: error: the plan has no 'version' (required)",
            "plan.yaml:1:7: error: plan id 'Exec_Plan' must be lower-case letters, digits and '-', starting with a letter or digit",
            "plan.yaml:4:26: error: fiscal_year_start_month must be a whole number from 1 to 12, found 13",
            "plan.yaml:5:11: error: rounding must be half-even or half-up; found 'half_up'; did you mean 'half-up'?",
            "plan.yaml:7:8: error: floor (150%) is above cap (120%)",
            "plan.yaml:8:33: error: min_active_days must be a whole number from 0 to 366, found 400",
            "plan.yaml:8:38: error: unknown key 'max_days' in eligibility (allowed: min_active_days)",
        ])
    }

    func testAllPlanErrorsAtOnce() {
        let text = Self.basePlan
            .replacingOccurrences(of: "pays: quarter", with: "pays: monthly")
            .replacingOccurrences(of: "target: 105%", with: "target: 105 %")
            .replacingOccurrences(of: "weight: 40%", with: "weight: 1,000")
        XCTAssertEqual(planErrors(text), [
            "plan.yaml:4:7: error: pays must be one of quarter, half, year; found 'monthly'",
            "plan.yaml:6:18: error: target of nrr '105 %' is not a valid number: not a number",
            // The bad target is reported once, not again wherever nrr's attainment is used.
            "plan.yaml:18:13: error: weight '1,000' is not a valid number: thousands separators are not allowed (write 1000, not 1,000)",
        ])
    }
}
