import XCTest
import AdvocompModel
@testable import AdvocompKit
import AdvocompTestSupport

/// Foundation also has an `Expression` type; this file means the plan language's.
private typealias Expression = AdvocompModel.Expression

final class ExpressionTests: XCTestCase {
    // Tree builders.
    private func k(_ id: String) -> Expression { .kpi(id) }
    private func n(_ s: String) -> Expression { .number(s.d) }
    private func b(_ op: Expression.BinaryOperator, _ l: Expression, _ r: Expression) -> Expression { .binary(op, l, r) }

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Expression? {
        switch ExpressionParser.parse(text) {
        case .success(let e): return e
        case .failure(let e):
            XCTFail("parse(\(text.debugDescription)) failed at \(e.offset): \(e.message)", file: file, line: line)
            return nil
        }
    }

    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ExpressionParser.SyntaxError? {
        switch ExpressionParser.parse(text) {
        case .success(let e):
            XCTFail("parse(\(text.debugDescription)) succeeded with \(e), expected a syntax error", file: file, line: line)
            return nil
        case .failure(let e): return e
        }
    }

    // MARK: Precedence

    func testOrIsLooserThanAnd() {
        XCTAssertEqual(parse("a or b and c"), b(.or, k("a"), b(.and, k("b"), k("c"))))
        XCTAssertEqual(parse("a and b or c"), b(.or, b(.and, k("a"), k("b")), k("c")))
        XCTAssertEqual(parse("a or b or c"), b(.or, b(.or, k("a"), k("b")), k("c")))
    }

    func testAndIsLooserThanNot() {
        XCTAssertEqual(parse("not a and b"), b(.and, .not(k("a")), k("b")))
        XCTAssertEqual(parse("a and not b"), b(.and, k("a"), .not(k("b"))))
        XCTAssertEqual(parse("not not a"), .not(.not(k("a"))))
    }

    func testNotIsLooserThanComparison() {
        XCTAssertEqual(parse("not a < 1"), .not(b(.less, k("a"), n("1"))))
        XCTAssertEqual(parse("not a == b and c != d"),
                       b(.and, .not(b(.equal, k("a"), k("b"))), b(.notEqual, k("c"), k("d"))))
    }

    func testComparisonIsLooserThanSum() {
        XCTAssertEqual(parse("a + 1 < b - 2"), b(.less, b(.plus, k("a"), n("1")), b(.minus, k("b"), n("2"))))
        XCTAssertEqual(parse("a >= b * 2"), b(.greaterEqual, k("a"), b(.times, k("b"), n("2"))))
        for (text, op) in [("<", Expression.BinaryOperator.less), ("<=", .lessEqual), (">", .greater),
                           (">=", .greaterEqual), ("==", .equal), ("!=", .notEqual)] {
            XCTAssertEqual(parse("a \(text) b"), b(op, k("a"), k("b")), text)
        }
    }

    func testSumIsLooserThanProductAndLeftAssociative() {
        XCTAssertEqual(parse("a + b * c"), b(.plus, k("a"), b(.times, k("b"), k("c"))))
        XCTAssertEqual(parse("a * b + c"), b(.plus, b(.times, k("a"), k("b")), k("c")))
        XCTAssertEqual(parse("a - b - c"), b(.minus, b(.minus, k("a"), k("b")), k("c")))
        XCTAssertEqual(parse("a / b * c"), b(.times, b(.divide, k("a"), k("b")), k("c")))
        XCTAssertEqual(parse("a - b + c"), b(.plus, b(.minus, k("a"), k("b")), k("c")))
        XCTAssertEqual(parse("(a + b) * c"), b(.times, b(.plus, k("a"), k("b")), k("c")))
    }

    func testUnaryMinusIsTightest() {
        XCTAssertEqual(parse("-a * b"), b(.times, .negate(k("a")), k("b")))
        XCTAssertEqual(parse("a * -b"), b(.times, k("a"), .negate(k("b"))))
        XCTAssertEqual(parse("-a - -b"), b(.minus, .negate(k("a")), .negate(k("b"))))
        XCTAssertEqual(parse("- -a"), .negate(.negate(k("a"))))
        XCTAssertEqual(parse("-(a + b)"), .negate(b(.plus, k("a"), k("b"))))
    }

    func testAFullMix() {
        // or < and < not < comparison < +,- < *,/ < unary -
        XCTAssertEqual(parse("x >= 1 and not -y * 2 + 1 < z or w"),
                       b(.or,
                         b(.and, b(.greaterEqual, k("x"), n("1")),
                           .not(b(.less, b(.plus, b(.times, .negate(k("y")), n("2")), n("1")), k("z")))),
                         k("w")))
        // The conformance case 03 condition.
        XCTAssertEqual(parse("win_rate_lift >= 10% or (nrr > 110% and not (advocate_retention < 50%))"),
                       b(.or, b(.greaterEqual, k("win_rate_lift"), n("0.1")),
                         b(.and, b(.greater, k("nrr"), n("1.1")), .not(b(.less, k("advocate_retention"), n("0.5"))))))
    }

    // MARK: Atoms

    func testNumbersAndPercentLiterals() {
        XCTAssertEqual(parse("105%"), n("1.05"))
        XCTAssertEqual(parse("12.5%"), n("0.125"))
        XCTAssertEqual(parse(".5"), n("0.5"))
        XCTAssertEqual(parse("-2%"), .negate(n("0.02")))
        XCTAssertEqual(parse("1500000"), n("1500000"))
        XCTAssertEqual(parse("5% * referral_pipeline"), b(.times, n("0.05"), k("referral_pipeline")))
        XCTAssertEqual(parse("true"), .boolean(true))
        XCTAssertEqual(parse("false or true"), b(.or, .boolean(false), .boolean(true)))
        XCTAssertEqual(parse("  \tnrr\n"), k("nrr"))
        XCTAssertEqual(parse("Kpi_2"), k("Kpi_2"))
    }

    func testFunctions() {
        XCTAssertEqual(parse("min(a, 1, 2)"), .call(.min, [k("a"), n("1"), n("2")]))
        XCTAssertEqual(parse("max(a)"), .call(.max, [k("a")]))
        XCTAssertEqual(parse("max()"), .call(.max, []))
        XCTAssertEqual(parse("clamp(attainment(t), 0, 130%)"),
                       .call(.clamp, [.call(.attainment, [k("t")]), n("0"), n("1.3")]))
        XCTAssertEqual(parse("abs(a - b)"), .call(.abs, [b(.minus, k("a"), k("b"))]))
        XCTAssertEqual(parse("if(nrr >= 110%, 1.2, 1)"), .call(.if, [b(.greaterEqual, k("nrr"), n("1.1")), n("1.2"), n("1")]))
        XCTAssertEqual(parse("round(a / 3, 2)"), .call(.round, [b(.divide, k("a"), n("3")), n("2")]))
        XCTAssertEqual(parse("target(nrr) * 2"), b(.times, .call(.target, [k("nrr")]), n("2")))
        XCTAssertEqual(parse("if(a > 0, b, c) + 1"), b(.plus, .call(.if, [b(.greater, k("a"), n("0")), k("b"), k("c")]), n("1")))
    }

    func testReferencedKPIs() {
        XCTAssertEqual(parse("attainment(a) > target(b) and -c + min(d, 1) > 0")?.referencedKPIs, ["a", "b", "c", "d"])
        XCTAssertEqual(parse("1 + 2")?.referencedKPIs, [])
    }

    // MARK: Syntax errors

    func testUnclosedParenthesis() {
        let e = syntaxError("(a + b")
        XCTAssertEqual(e?.message, "expected ')' to close '(', found end of expression")
        XCTAssertEqual(e?.offset, 6)
        let f = syntaxError("min(a, b")
        XCTAssertEqual(f?.message, "expected ')' to close the arguments of min(, found end of expression")
        XCTAssertEqual(f?.offset, 8)
        let g = syntaxError("nrr >= (100% and")
        XCTAssertEqual(g?.message, "the expression ends where a value is expected")
        XCTAssertEqual(g?.offset, 16)
    }

    func testTrailingTokens() {
        let e = syntaxError("a b")
        XCTAssertEqual(e?.message, "unexpected 'b' after a complete expression")
        XCTAssertEqual(e?.offset, 2)
        let f = syntaxError("(a) )")
        XCTAssertEqual(f?.message, "unexpected ')' after a complete expression")
        XCTAssertEqual(f?.offset, 4)
        let g = syntaxError("1 2")
        XCTAssertEqual(g?.message, "unexpected number 2 after a complete expression")
        XCTAssertEqual(g?.offset, 2)
        let h = syntaxError("1,000")
        XCTAssertEqual(h?.message, "unexpected ',' after a complete expression")
        XCTAssertEqual(h?.offset, 1)
    }

    func testSingleEqualsIsRejected() {
        let e = syntaxError("nrr = 105%")
        XCTAssertEqual(e?.message, "'=' is not an operator; use '==' to compare")
        XCTAssertEqual(e?.offset, 4)
    }

    func testCStyleOperatorsAreRejected() {
        let e = syntaxError("a > 1 && b > 1")
        XCTAssertEqual(e?.message, "'&' is not an operator; use 'and', 'or', 'not'")
        XCTAssertEqual(e?.offset, 6)
        XCTAssertEqual(syntaxError("!a")?.message, "'!' is not an operator; use 'and', 'or', 'not'")
        XCTAssertEqual(syntaxError("a # b")?.message, "unexpected character '#'")
    }

    func testUnknownFunction() {
        let e = syntaxError("foo(1)")
        XCTAssertEqual(e?.message, "unknown function 'foo' (functions: min, max, clamp, abs, if, round, attainment, target)")
        XCTAssertEqual(e?.offset, 0)
        let f = syntaxError("1 + mx(a, b)")
        XCTAssertEqual(f?.message, "unknown function 'mx'; did you mean 'max'? (functions: min, max, clamp, abs, if, round, attainment, target)")
        XCTAssertEqual(f?.offset, 4)
    }

    func testOtherSyntaxErrors() {
        let chained = syntaxError("a < b < c")
        XCTAssertEqual(chained?.message, "comparisons do not chain; combine them with 'and'")
        XCTAssertEqual(chained?.offset, 6)
        let empty = syntaxError("")
        XCTAssertEqual(empty?.message, "the expression ends where a value is expected")
        XCTAssertEqual(empty?.offset, 0)
        let keyword = syntaxError("a and or b")
        XCTAssertEqual(keyword?.message, "expected a value, found 'or'")
        XCTAssertEqual(keyword?.offset, 6)
        let runsIn = syntaxError("2x")
        XCTAssertEqual(runsIn?.message, "a number runs into a name ('2x')")
        XCTAssertEqual(runsIn?.offset, 0)
        let badNumber = syntaxError("1 + 1.2.3")
        XCTAssertEqual(badNumber?.message, "'1.2.3': not a number")
        XCTAssertEqual(badNumber?.offset, 4)
        let dangling = syntaxError("a *")
        XCTAssertEqual(dangling?.message, "the expression ends where a value is expected")
        XCTAssertEqual(dangling?.offset, 3)
        let op = syntaxError("* a")
        XCTAssertEqual(op?.message, "expected a value, found '*'")
        XCTAssertEqual(op?.offset, 0)
    }

    // MARK: Type errors (ExpressionChecker)

    private func problems(_ text: String, expecting t: ExpressionChecker.ValueType,
                          file: StaticString = #filePath, line: UInt = #line) -> [String] {
        guard let e = parse(text, file: file, line: line) else { return ["<parse failed>"] }
        var c = ExpressionChecker(kpis: ["nrr": true, "nps": true, "visits": false])
        c.check(e, expecting: t)
        return c.problems
    }

    func testWellTypedExpressionsPass() {
        XCTAssertEqual(problems("nrr >= 100% and not (nps < 1) or true", expecting: .boolean), [])
        XCTAssertEqual(problems("if(nrr > 1, nps * 2, -visits) + abs(nrr) + clamp(nps, 0, 1) + min(1) + max(1, 2)", expecting: .number), [])
        XCTAssertEqual(problems("round(attainment(nrr), 2) + target(nps)", expecting: .number), [])
        XCTAssertEqual(problems("true == (nrr > 1)", expecting: .boolean), [])
        XCTAssertEqual(problems("if(nrr > 1, true, false)", expecting: .boolean), [])
    }

    func testNumberWhereBooleanExpected() {
        XCTAssertEqual(problems("nrr", expecting: .boolean),
                       ["expected a boolean expression, but this is a number (add a comparison such as '>= 100%')"])
        XCTAssertEqual(problems("nrr > 1", expecting: .number), ["expected a number expression, but this is a boolean"])
        XCTAssertEqual(problems("if(nrr, 1, 2)", expecting: .number), ["the condition of if() expects a boolean, found a number"])
        XCTAssertEqual(problems("not nrr", expecting: .boolean), ["'not' expects a boolean, found a number"])
    }

    func testLogicOnNumbers() {
        XCTAssertEqual(problems("nrr and 1", expecting: .boolean),
                       ["'and' expects a boolean, found a number", "'and' expects a boolean, found a number"])
        XCTAssertEqual(problems("nrr > 1 or 2", expecting: .boolean), ["'or' expects a boolean, found a number"])
        XCTAssertEqual(problems("-(nrr > 1)", expecting: .number), ["'-' expects a number, found a boolean"])
        XCTAssertEqual(problems("(nrr > 1) + 1", expecting: .number), ["'+' expects a number, found a boolean"])
        XCTAssertEqual(problems("nrr < true", expecting: .boolean), ["'<' expects a number, found a boolean"])
        XCTAssertEqual(problems("nrr == true", expecting: .boolean), ["'==' compares a number with a boolean"])
        XCTAssertEqual(problems("min(nrr, nrr > 1)", expecting: .number), ["min() expects a number, found a boolean"])
    }

    func testIfBranchesOfDifferentTypes() {
        XCTAssertEqual(problems("if(nrr > 1, 1, true)", expecting: .number),
                       ["if() returns a number in one branch and a boolean in the other"])
    }

    func testAttainmentAndTargetNeedAKPIWithATarget() {
        XCTAssertEqual(problems("attainment(3) > 1", expecting: .boolean), ["attainment() takes a KPI id, such as attainment(nrr)"])
        XCTAssertEqual(problems("target(nrr * 2)", expecting: .number), ["target() takes a KPI id, such as target(nrr)"])
        XCTAssertEqual(problems("attainment(visits)", expecting: .number), ["attainment(visits) needs a target, and KPI 'visits' has none"])
        XCTAssertEqual(problems("attainment(nrr, nps)", expecting: .number), ["attainment() takes 1 argument, found 2"])
    }

    func testUnknownKPIWithDidYouMean() {
        XCTAssertEqual(problems("nrx > 1", expecting: .boolean), ["unknown KPI 'nrx'; did you mean 'nrr'?"])
        XCTAssertEqual(problems("attainment(vists)", expecting: .number), ["unknown KPI 'vists'; did you mean 'visits'?"])
        XCTAssertEqual(problems("revenue", expecting: .number), ["unknown KPI 'revenue'"])
    }

    func testRoundPlacesMustBeAConstant() {
        let msg = "round()'s second argument must be a whole number of places from 0 to 18"
        XCTAssertEqual(problems("round(nrr, nps)", expecting: .number), [msg])
        XCTAssertEqual(problems("round(nrr, 1.5)", expecting: .number), [msg])
        XCTAssertEqual(problems("round(nrr, 19)", expecting: .number), [msg])
        XCTAssertEqual(problems("round(nrr, 1 + 1)", expecting: .number), [msg])
        XCTAssertEqual(problems("round(nrr, 18)", expecting: .number), [])
        XCTAssertEqual(problems("round(nrr)", expecting: .number), ["round() takes 2 arguments, found 1"])
    }

    func testArity() {
        XCTAssertEqual(problems("clamp(nrr, 0)", expecting: .number), ["clamp() takes 3 arguments, found 2"])
        XCTAssertEqual(problems("abs(nrr, 1)", expecting: .number), ["abs() takes 1 argument, found 2"])
        XCTAssertEqual(problems("max()", expecting: .number), ["max() needs at least one argument"])
        XCTAssertEqual(problems("if(true, 1)", expecting: .number), ["if() takes 3 arguments, found 2"])
    }

    // MARK: In a plan: located messages

    static func plan(kpis: String, when: String = "\"nrr >= 100%\"", component: String = "measures: [{ kpi: nrr, weight: 100% }]") -> String {
        """
        plan: expr
        version: "1"
        currency: USD
        pays: year
        kpis:
          nrr: { target: 105% }
        \(kpis)
        components:
          - id: main
            weight: 100%
            \(component)
        modifiers:
          - id: m
            type: multiplier
            when: \(when)
            factor: 1.1
        """
    }

    func testPlanReportsExpressionErrorsWithLocations() {
        let text = Self.plan(kpis: """
              lift: { formula: "nrr > 1", target: 1 }
              bad: { formula: nrr = 1 }
            """, when: "nrr")
        let (p, d) = TestSupport.parsePlan(text)
        XCTAssertNil(p)
        XCTAssertEqual(TestSupport.errors(Pipeline.sorted(d)), [
            "plan.yaml:7:20: error: formula of lift 'nrr > 1': expected a number expression, but this is a boolean",
            "plan.yaml:8:23: error: formula of bad 'nrr = 1': '=' is not an operator; use '==' to compare",
            "plan.yaml:16:11: error: when 'nrr': expected a boolean expression, but this is a number (add a comparison such as '>= 100%')",
        ])
    }

    func testComponentFormulaTypeErrorInPlan() {
        let text = Self.plan(kpis: "", component: "formula: \"if(nrr > 1, 1, nrr > 2)\"")
        let (p, d) = TestSupport.parsePlan(text)
        XCTAssertNil(p)
        XCTAssertEqual(TestSupport.errors(d), [
            "plan.yaml:11:14: error: formula of component 'main' 'if(nrr > 1, 1, nrr > 2)': if() returns a number in one branch and a boolean in the other",
        ])
    }

    // MARK: Evaluation

    /// Each formula is the only component of a year plan with TI 1000 and k = 40 (target 100).
    func testEvaluationThroughAFormulaComponent() {
        let cases: [(String, String)] = [
            ("round(2 / 3, 2)", "670.00"),
            ("round(0.125, 2)", "120.00"),  // half-even
            ("round(0.135, 2)", "140.00"),
            ("round(-0.5, 0) + 1", "1000.00"),  // -0.5 rounds to -0 (even)
            ("abs(-0.5)", "500.00"),
            ("min(0.3, 0.2, 0.9)", "200.00"),
            ("max(0.3, 0.2, 0.9)", "900.00"),
            ("clamp(1.5, 0, 1.2)", "1200.00"),
            ("clamp(-1, 0.1, 1)", "100.00"),
            ("if(k > 50, 1, 0.5)", "500.00"),
            ("target(k) / 100", "1000.00"),
            ("attainment(k)", "400.00"),
            ("k / 100 * 2 - 0.5", "300.00"),
            ("-(k - 100) / 100", "600.00"),
            ("1 + 2 * 3 - 4 / 2 - 4.9", "100.00"),
            ("if(true == (k < 50), 1, 0)", "1000.00"),
            ("if(not (k >= 50) and (k != 41 or false), 25%, 0)", "250.00"),
            ("if(k == 40 and k <= 40 and k >= 40 and not (k < 40) and not (k > 40), 1, 0)", "1000.00"),
            ("1 - 2", "0.00"),  // a gross below zero pays nothing
        ]
        for (formula, payout) in cases {
            let plan = """
                plan: f
                version: "1"
                currency: USD
                pays: year
                kpis:
                  k: { target: 100 }
                components:
                  - { id: c, weight: 100%, formula: "\(formula)" }
                """
            let rows = csvRows(plan: plan, roster: "payee_id,target_bonus\nA,1000\n",
                               actuals: "period,scope,kpi,value\n2026-FY,company,k,40\n", period: "2026-FY")
            XCTAssertEqual(rows, ["A,ok,USD,1000.00,\(payout)"], formula)
        }
    }

    // MARK: Run time

    static let divPlan = """
        plan: div
        version: "1"
        currency: USD
        pays: year
        kpis:
          a: { scope: payee, target: 1 }
          b: { scope: payee, target: 1 }
          ratio: { formula: a / b, target: 1 }
          safe: { formula: "if(b > 0, a / b, 0)", target: 1 }
        components:
          - id: main
            weight: 100%
            measures: [{ kpi: KPI, weight: 100% }]
        """

    static let divRoster = "payee_id,target_bonus\nP1,1000\nP2,1000\nP3,1000\n"
    static let divActuals = """
        period,scope,kpi,value
        2026-FY,payee:P1,a,2
        2026-FY,payee:P1,b,1
        2026-FY,payee:P2,a,1
        2026-FY,payee:P2,b,0
        2026-FY,payee:P3,a,3
        2026-FY,payee:P3,b,0
        """

    func testDivisionByZeroInAFormulaKPINamesThePayee() {
        let errors = runErrors(plan: Self.divPlan.replacingOccurrences(of: "KPI", with: "ratio"),
                               roster: Self.divRoster, actuals: Self.divActuals, period: "2026-FY")
        XCTAssertEqual(errors, [
            "roster.csv:3:1: error: cannot calculate payee P2: the formula of KPI 'ratio' ('a / b'): division by zero",
            "roster.csv:4:1: error: cannot calculate payee P3: the formula of KPI 'ratio' ('a / b'): division by zero",
        ])
    }

    func testIfEvaluatesOnlyTheBranchTaken() {
        let rows = csvRows(plan: Self.divPlan.replacingOccurrences(of: "KPI", with: "safe"),
                           roster: Self.divRoster, actuals: Self.divActuals, period: "2026-FY")
        XCTAssertEqual(rows, ["P1,ok,USD,1000.00,2000.00", "P2,ok,USD,1000.00,0.00", "P3,ok,USD,1000.00,0.00"])
    }

    func testDivisionByZeroInAComponentFormulaAndACondition() {
        let plan = """
            plan: div
            version: "1"
            currency: USD
            pays: year
            kpis:
              a: { scope: payee, target: 1 }
              b: { scope: payee, target: 1 }
            components:
              - { id: kick, weight: 100%, formula: "a / b" }
            modifiers:
              - { id: m, type: gate, when: "b / a > 1" }
            """
        let actuals = """
            period,scope,kpi,value
            2026-FY,payee:P1,a,0
            2026-FY,payee:P1,b,1
            2026-FY,payee:P2,a,1
            2026-FY,payee:P2,b,0
            2026-FY,payee:P3,a,1
            2026-FY,payee:P3,b,2
            """
        let errors = runErrors(plan: plan, roster: Self.divRoster, actuals: actuals, period: "2026-FY")
        XCTAssertEqual(errors, [
            "roster.csv:2:1: error: cannot calculate payee P1: the condition of modifier 'm' ('b / a > 1'): division by zero",
            "roster.csv:3:1: error: cannot calculate payee P2: the formula of component 'kick' ('a / b'): division by zero",
        ])
    }
}

/// Limits that keep hostile or accidental input from exhausting the stack.
final class ExpressionLimitTests: XCTestCase {
    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150)
        guard case .failure(let e) = ExpressionParser.parse(deep) else { return XCTFail("expected an error") }
        XCTAssertEqual(e.message, "the expression nests more than 100 levels deep")
        XCTAssertEqual(e.offset, 100)
        let negations = String(repeating: "-", count: 500) + "1"
        guard case .failure(let n) = ExpressionParser.parse(negations) else { return XCTFail("expected an error") }
        XCTAssertEqual(n.message, "the expression nests more than 100 levels deep")
    }

    func testNestingWithinTheLimitParses() {
        let ok = String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99)
        XCTAssertEqual(try ExpressionParser.parse(ok).get(), .number(1))
    }

    func testHugeNestingHitsTheSizeLimitFirst() {
        let huge = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        guard case .failure(let e) = ExpressionParser.parse(huge) else { return XCTFail("expected an error") }
        XCTAssertEqual(e.message, "the expression has more than 1000 parts; split it into formula KPIs")
    }

    func testVeryLongExpressionIsAnError() {
        let long = Array(repeating: "1", count: 600).joined(separator: " + ")
        guard case .failure(let e) = ExpressionParser.parse(long) else { return XCTFail("expected an error") }
        XCTAssertEqual(e.message, "the expression has more than 1000 parts; split it into formula KPIs")
        let fine = Array(repeating: "1", count: 400).joined(separator: " + ")
        XCTAssertNoThrow(try ExpressionParser.parse(fine).get())
    }
}
