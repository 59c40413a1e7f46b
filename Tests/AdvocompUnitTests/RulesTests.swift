import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// Behaviour decided where the spec leaves room (README, "Readings of the spec") or
/// fixed recently: short-circuit logic, lazy if(), no negative measure amounts, curve
/// errors reported once, a pool in a currency nobody is paid in, lone CR after a quoted
/// CSV field, and the order of diagnostics.
final class RulesTests: XCTestCase {
    // MARK: Short-circuit and/or, lazy if()

    /// Payee KPIs a and b; P1 has a = 3, b = 1 (a / b = 3), P2 has a = 3, b = 0.
    static func logicPlan(when: String = "true", formula: String = "1") -> String {
        """
        plan: sc
        version: "1"
        currency: USD
        pays: year
        kpis:
          a: { scope: payee, target: 1 }
          b: { scope: payee, target: 1 }
        components:
          - { id: main, weight: 100%, formula: "\(formula)" }
        modifiers:
          - { id: m, type: multiplier, when: "\(when)", factor: 2 }
        """
    }
    static let logicRoster = "payee_id,target_bonus\nP1,1000\nP2,1000\n"
    static let logicActuals = """
        period,scope,kpi,value
        2026-FY,payee:P1,a,3
        2026-FY,payee:P1,b,1
        2026-FY,payee:P2,a,3
        2026-FY,payee:P2,b,0
        """

    func rows(when: String = "true", formula: String = "1", file: StaticString = #filePath, line: UInt = #line) -> [String] {
        csvRows(plan: Self.logicPlan(when: when, formula: formula), roster: Self.logicRoster, actuals: Self.logicActuals,
                period: "2026-FY", file: file, line: line)
    }

    func errors(when: String = "true", formula: String = "1", file: StaticString = #filePath, line: UInt = #line) -> [String] {
        runErrors(plan: Self.logicPlan(when: when, formula: formula), roster: Self.logicRoster, actuals: Self.logicActuals,
                  period: "2026-FY", file: file, line: line)
    }

    func testAndDoesNotEvaluateItsRightSideWhenTheLeftIsFalse() {
        XCTAssertEqual(rows(when: "b > 0 and a / b > 1"), ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,1000.00"])
        XCTAssertEqual(rows(when: "not (b == 0) and (a / b > 1 and a / b < 5)"),
                       ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,1000.00"])
        XCTAssertEqual(rows(formula: "if(b > 0 and a / b > 2, 1.5, 1)"),
                       ["P1,ok,USD,1000.00,3000.00", "P2,ok,USD,1000.00,2000.00"])
        // The left side is evaluated first: written the other way round, P2 divides by zero.
        XCTAssertEqual(errors(when: "a / b > 1 and b > 0"), [
            "roster.csv:3:1: error: cannot calculate payee P2: the condition of modifier 'm' ('a / b > 1 and b > 0'): division by zero",
        ])
    }

    func testOrDoesNotEvaluateItsRightSideWhenTheLeftIsTrue() {
        XCTAssertEqual(rows(when: "b == 0 or a / b > 1"), ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,2000.00"])
        XCTAssertEqual(rows(when: "b == 0 or a / b > 5"), ["P1,ok,USD,1000.00,1000.00", "P2,ok,USD,1000.00,2000.00"])
        XCTAssertEqual(rows(when: "true or a / b > 1"), ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,2000.00"])
        // A false left side does evaluate the right one.
        XCTAssertEqual(errors(when: "b > 5 or a / b > 1"), [
            "roster.csv:3:1: error: cannot calculate payee P2: the condition of modifier 'm' ('b > 5 or a / b > 1'): division by zero",
        ])
    }

    func testIfEvaluatesOnlyTheBranchTaken() {
        // Else branch not evaluated when the condition holds, then branch not when it fails.
        XCTAssertEqual(rows(formula: "if(b == 0, 0.5, a / b)"), ["P1,ok,USD,1000.00,6000.00", "P2,ok,USD,1000.00,1000.00"])
        XCTAssertEqual(rows(formula: "if(b > 0, a / b, 0.5)"), ["P1,ok,USD,1000.00,6000.00", "P2,ok,USD,1000.00,1000.00"])
        XCTAssertEqual(rows(formula: "if(b > 0, if(a / b > 2, 2, 1), if(a > 0, 0.25, 1 / b))"),
                       ["P1,ok,USD,1000.00,4000.00", "P2,ok,USD,1000.00,500.00"])
        XCTAssertEqual(rows(when: "if(b > 0, a / b > 1, false)"), ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,1000.00"])
        // Other functions evaluate every argument.
        XCTAssertEqual(errors(formula: "max(0.5, a / b)"), [
            "roster.csv:3:1: error: cannot calculate payee P2: the formula of component 'main' ('max(0.5, a / b)'): division by zero",
        ])
    }

    // MARK: Measures without a curve

    static let noCurvePlan = """
        plan: nc
        version: "1"
        currency: USD
        pays: year
        kpis:
          cac: { scope: payee, better: lower, target: 10 }
          nrr: { target: 100% }
        components:
          - id: main
            weight: 100%
            measures:
              - { kpi: cac, weight: 50% }
              - { kpi: nrr, weight: 50% }
        """

    /// Lower is better, actual above twice the target: attainment below zero. Without a
    /// curve the factor is the attainment itself (SPEC section 5 step 5), so it eats into
    /// the other measure; only a gross below zero is held at zero.
    func testNegativeAttainmentWithoutACurveCountsAsIs() throws {
        let roster = "payee_id,target_bonus\nP1,1000\nP2,1000\nP3,1000\nP4,1000\nP5,1000\n"
        let actuals = """
            period,scope,kpi,value
            2026-FY,company,nrr,120%
            2026-FY,payee:P1,cac,30
            2026-FY,payee:P2,cac,20
            2026-FY,payee:P3,cac,5
            2026-FY,payee:P4,cac,21
            2026-FY,payee:P5,cac,50
            """
        // nrr: 0.5 x 1.2 = 0.6. cac: P1 2 - 3 = -100% -> -0.5; P2 0; P3 150% -> 0.75;
        // P4 -10% -> -0.05; P5 2 - 5 = -300% -> -1.5, gross below zero -> 0.
        XCTAssertEqual(csvRows(plan: Self.noCurvePlan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "P1,ok,USD,1000.00,100.00",
            "P2,ok,USD,1000.00,600.00",
            "P3,ok,USD,1000.00,1350.00",
            "P4,ok,USD,1000.00,550.00",
            "P5,ok,USD,1000.00,0.00",
        ])
        let request = CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(Self.noCurvePlan.utf8)),
                                         roster: InputFile(path: "roster.csv", bytes: Array(roster.utf8)),
                                         actuals: InputFile(path: "actuals.csv", bytes: Array(actuals.utf8)),
                                         period: "2026-FY", explain: ["P1", "P5"])
        let result = try XCTUnwrap(Pipeline.calculate(request) { _ in .failure(PlanParser.FileLoadError("none")) }.result)
        let p1 = try XCTUnwrap(result.payees.first)
        XCTAssertEqual(p1.componentScores, ["0.1".d])
        XCTAssertEqual((0..<p1.componentAmountCount).map { p1.componentAmount($0).amount }, ["100".d])
        let text = ExplainReport.render(result, payee: p1)
        XCTAssertTrue(text.contains("\n   cac = 30  [actuals.csv:3 (payee:P1)]; target 10 [target]; attainment 2 - 30 / 10 (lower is better) = -100%\n"), text)
        XCTAssertTrue(text.contains("\n     cac: weight 50% x factor -100% (no curve: the attainment)\n"), text)
        XCTAssertTrue(text.contains("\n     score = 10%\n"), text)
        let p5 = try XCTUnwrap(result.payees.last)
        XCTAssertEqual(p5.clamp, .zero)
        XCTAssertTrue(ExplainReport.render(result, payee: p5).contains("below zero, so 0 (all amounts are >= 0)"))
    }

    // MARK: Curve errors reported once

    /// A named curve used by two measures and an OKR component.
    static func curvePlan(_ curve: String) -> String {
        """
        plan: c
        version: "1"
        currency: USD
        pays: year
        kpis:
          k: { target: 100 }
          j: { target: 100 }
        curves:
          bad: \(curve)
          good:
            points: [[0, 0], [100%, 100%]]
        okrs:
          - id: o
            key_results:
              - { id: kr, kpi: k, start: 0, target: 100, weight: 100% }
        components:
          - id: main
            weight: 60%
            measures:
              - { kpi: k, weight: 50%, curve: bad }
              - { kpi: j, weight: 50%, curve: bad }
          - id: shared
            weight: 40%
            okr: o
            curve: bad
        """
    }

    func testACurveWithInvalidPointsIsReportedOnce() {
        let (plan, d) = TestSupport.parsePlan(Self.curvePlan("{ points: [[100%, 50%], [80%, 100%]] }"))
        XCTAssertNil(plan)
        XCTAssertEqual(TestSupport.rendered(d), [
            "plan.yaml:9:33: error: curve x values must be strictly increasing: 0.8 follows 1",
        ])
    }

    func testEveryKindOfBrokenCurveIsReportedOnceAndNotAsUnknown() {
        let broken = [
            "{ points: [[80%, -10%], [100%, 100%]] }",  // negative factor
            "{ points: [] }",  // no points
            "{ interpolate: step }",  // no points key
            "{ points: [[80%, 50%], [80%, 100%]] }",  // x repeated
            "{ points: [[80%, 150%], [100%, 100%]], above: extend }",  // extend on a falling segment
            "5",  // not a mapping
        ]
        for curve in broken {
            let (plan, d) = TestSupport.parsePlan(Self.curvePlan(curve))
            XCTAssertNil(plan, curve)
            let errors = TestSupport.errors(d)
            XCTAssertEqual(errors.count, 1, "\(curve):\n" + errors.joined(separator: "\n"))
            XCTAssertTrue(errors.allSatisfy { $0.hasPrefix("plan.yaml:9:") }, "\(curve):\n" + errors.joined(separator: "\n"))
            XCTAssertFalse(errors.contains { $0.contains("unknown curve") }, "\(curve):\n" + errors.joined(separator: "\n"))
        }
        // A misspelt key is reported once: its value is read as the key it resembles, so
        // neither "has no 'points'" nor "unknown curve" follows.
        let (_, misspelt) = TestSupport.parsePlan(Self.curvePlan("{ pointz: [[80%, 50%], [100%, 100%]] }"))
        XCTAssertEqual(TestSupport.errors(misspelt), [
            "plan.yaml:9:10: error: unknown key 'pointz' in curve 'bad'; did you mean 'points'? (allowed: points, interpolate, below, above)",
        ])
        // ... and a bad value under the misspelt key is still checked.
        let (_, both) = TestSupport.parsePlan(Self.curvePlan("{ pointz: [[100%, 50%], [80%, 100%]] }"))
        XCTAssertEqual(TestSupport.errors(both).count, 2, TestSupport.errors(both).joined(separator: "\n"))
        // A curve that really is not defined is still reported, at each use.
        let (_, d) = TestSupport.parsePlan(Self.curvePlan("{ points: [[0, 0], [100%, 100%]] }")
            .replacingOccurrences(of: "curve: bad }", with: "curve: baad }"))
        XCTAssertEqual(TestSupport.errors(d), [
            "plan.yaml:20:39: error: unknown curve 'baad' in measure 'k'; did you mean 'bad'?",
            "plan.yaml:21:39: error: unknown curve 'baad' in measure 'j'; did you mean 'bad'?",
        ])
    }

    // MARK: A pool in a currency nobody is paid in

    static func poolPlan(_ pool: String) -> String {
        """
        plan: p
        version: "1"
        currency: USD
        pays: year
        kpis:
          k: { scope: payee, target: 100 }
          pipe: { target: 1 }
        components:
          - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
        pool:
          \(pool)
        """
    }
    static let poolActuals = """
        period,scope,kpi,value
        2026-FY,company,pipe,2000
        2026-FY,payee:A,k,100
        2026-FY,payee:B,k,100
        """

    func testAPoolWhosePayeesAreAllInAnotherCurrencyIsAnError() {
        let roster = "payee_id,target_bonus,currency\nA,100,EUR\nB,100,EUR\n"
        XCTAssertEqual(runErrors(plan: Self.poolPlan("amount: 100"), roster: roster, actuals: Self.poolActuals, period: "2026-FY"), [
            "plan.yaml:11:11: error: the pool is in the plan currency USD, but its payees are paid in EUR",
        ])
        // Also when the pool would not bind, and with a pool formula.
        XCTAssertEqual(runErrors(plan: Self.poolPlan("amount: 1000000"), roster: roster, actuals: Self.poolActuals, period: "2026-FY"), [
            "plan.yaml:11:11: error: the pool is in the plan currency USD, but its payees are paid in EUR",
        ])
        XCTAssertEqual(runErrors(plan: Self.poolPlan("formula: \"10% * pipe\""), roster: roster, actuals: Self.poolActuals,
                                 period: "2026-FY").count, 1)
    }

    func testAPoolIgnoresIneligiblePayeesInAnotherCurrency() {
        // A (EUR) has not started: not in the pool, so the pool's one currency is USD.
        let roster = "payee_id,target_bonus,currency,start_date\nA,100,EUR,2027-01-01\nB,300,USD,\n"
        XCTAssertEqual(csvRows(plan: Self.poolPlan("amount: 250"), roster: roster, actuals: Self.poolActuals, period: "2026-FY"), [
            "A,ineligible,EUR,0.00,0.00",
            "B,ok,USD,300.00,250.00",
        ])
    }

    // MARK: CSV: lone CR after a quoted field

    func testALoneCRAfterAQuotedFieldEndsTheRow() {
        var diagnostics: [Diagnostic] = []
        let text = "h1,h2\n1,\"x\"\r2,\"y\"\r\n3,\"z\"\r4,\"a\rb\"\n"
        let table = CSVTable(file: "t.csv", bytes: Array(text.utf8), diagnostics: &diagnostics)
        XCTAssertEqual(TestSupport.rendered(diagnostics), [])
        XCTAssertEqual(table.header, ["h1", "h2"])
        XCTAssertEqual(table.count, 4)
        XCTAssertEqual((0..<table.count).map { "\(table.string(row: $0, column: 0))=\(table.string(row: $0, column: 1))" },
                       ["1=x", "2=y", "3=z", "4=a\rb"])
        XCTAssertEqual((0..<table.count).map { table.line(of: $0) }, [2, 3, 4, 5])
    }

    func testALoneCRAfterAQuotedFieldInTheRoster() {
        let plan = CalculationTests.flatPlan(pays: "year")
        let actuals = "period,scope,kpi,value\n2026-FY,company,k,100\n"
        XCTAssertEqual(csvRows(plan: plan, roster: "payee_id,target_bonus,name\nA,1000,\"Ann\"\rB,2000,\"Bob\"\rC,3000,\"Cy\"\n",
                               actuals: actuals, period: "2026-FY"),
                       ["A,ok,USD,1000.00,1000.00", "B,ok,USD,2000.00,2000.00", "C,ok,USD,3000.00,3000.00"])
        // Line numbers count the CR as a line end.
        let errors = runErrors(plan: plan, roster: "payee_id,target_bonus,name\nA,1000,\"Ann\"\rB,-5,\"Bob\"\n",
                               actuals: actuals, period: "2026-FY")
        XCTAssertEqual(errors, [
            "roster.csv:3:1: error: payee B has no target bonus: give target_bonus, or base_salary and target_bonus_pct",
            "roster.csv:3:2: error: target_bonus must not be negative",
        ])
    }

    // MARK: Order of diagnostics

    func testDiagnosticsAreSortedByFileThenLineThenColumn() {
        let plan = """
            plan: s
            version: "1"
            currency: USD
            pays: year
            kpis:
              k: { scope: unit, target: 100 }
            components:
              - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }
            """
        // Found while reading: roster 3:4 (date), actuals 3:4 (number). Found later, by the
        // checks against the plan: roster 3:1 (no unit), roster 4:1 (no target bonus),
        // actuals 2:1 (unknown KPI, a warning).
        let roster = """
            payee_id,unit,target_bonus,start_date
            A,east,1000,
            B,,1000,2026-13-01
            C,west,,
            """
        let actuals = """
            period,scope,kpi,value
            2026-FY,company,mystery,1
            2026-FY,unit:east,k,1O0
            """
        let outcome = TestSupport.calculate(plan: plan, roster: roster, actuals: actuals, period: "2026-FY")
        XCTAssertNil(outcome.result)
        let located = outcome.diagnostics.map { d in d.location.map { "\($0) \(d.severity.rawValue)" } ?? "unlocated" }
        // roster.csv first: it is the first file named; then by line and column, warnings
        // and errors together.
        XCTAssertEqual(located, [
            "roster.csv:3:1 error",
            "roster.csv:3:4 error",
            "roster.csv:4:1 error",
            "actuals.csv:2:1 warning",
            "actuals.csv:3:4 error",
        ], TestSupport.rendered(outcome.diagnostics).joined(separator: "\n"))
    }

    func testSortedKeepsFirstAppearanceOrderOfFilesAndPutsUnlocatedLast() {
        func at(_ file: String, _ line: Int, _ column: Int, _ message: String) -> Diagnostic {
            .error(message, at: SourceLocation(file: file, line: line, column: column))
        }
        let input: [Diagnostic] = [
            .error("no file", at: nil),
            at("z.yaml", 9, 1, "z9"),
            at("a.csv", 2, 7, "a2-7"),
            at("z.yaml", 3, 5, "z3-5"),
            at("a.csv", 2, 3, "a2-3"),
            at("z.yaml", 3, 5, "z3-5 second"),
            at("m.csv", 1, 1, "m1"),
            at("z.yaml", 3, 2, "z3-2"),
        ]
        XCTAssertEqual(Pipeline.sorted(input).map(\.message),
                       ["z3-2", "z3-5", "z3-5 second", "z9", "a2-3", "a2-7", "m1", "no file"])
    }
}
