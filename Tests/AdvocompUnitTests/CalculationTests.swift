import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// SPEC section 5 through `Pipeline.calculate`, with small inline plans.
final class CalculationTests: XCTestCase {
    /// A plan header plus the given sections (each already indented as YAML).
    static func plan(pays: String = "year", currency: String = "USD", extra: String = "",
                     kpis: String, components: String, more: String = "") -> String {
        """
        plan: p
        version: "1"
        currency: \(currency)
        pays: \(pays)
        \(extra)
        kpis:
        \(kpis)
        components:
        \(components)
        \(more)
        """
    }

    /// One company KPI at exactly 100% and one component scoring it without a curve:
    /// the payout equals the target incentive.
    static func flatPlan(pays: String, extra: String = "") -> String {
        plan(pays: pays, extra: extra, kpis: "  k: { target: 100 }",
             components: "  - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }")
    }

    // MARK: Proration and eligibility

    func testProrationOnTheFirstAndLastDayOfAPeriod() throws {
        // 2026-Q1 is 90 days; 360000 a year is 90000 a quarter and 1000 a day.
        let roster = """
            payee_id,target_bonus,start_date,end_date
            A,360000,2026-01-01,
            B,360000,2026-03-31,
            C,360000,,2026-01-01
            D,360000,2026-02-01,2026-02-28
            E,360000,2026-04-01,
            F,360000,,2025-12-31
            G,360000,2025-06-01,2026-12-31
            H,360000,2026-02-15,2026-02-15
            I,360000,,2026-03-31
            """
        let actuals = "period,scope,kpi,value\n2026-Q1,company,k,100\n"
        let plan = Self.flatPlan(pays: "quarter")
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"), [
            "A,ok,USD,90000.00,90000.00",  // starts on the first day: full period
            "B,ok,USD,1000.00,1000.00",  // starts on the last day: 1 active day
            "C,ok,USD,1000.00,1000.00",  // ends on the first day: 1 active day
            "D,ok,USD,28000.00,28000.00",
            "E,ineligible,USD,0.00,0.00",  // starts after the period
            "F,ineligible,USD,0.00,0.00",  // left before it
            "G,ok,USD,90000.00,90000.00",
            "H,ok,USD,1000.00,1000.00",
            "I,ok,USD,90000.00,90000.00",  // ends on the last day: full period
        ])
        let result = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"))
        XCTAssertEqual(result.firstDay.description, "2026-01-01")
        XCTAssertEqual(result.lastDay.description, "2026-03-31")
        XCTAssertEqual(result.payees.map(\.activeDays), [90, 1, 1, 28, 0, 0, 90, 1, 90])
        XCTAssertEqual(result.payees.map(\.daysInPeriod), Array(repeating: 90, count: 9))
        XCTAssertEqual(result.payees[1].proration, try "1".d / "90".d)
        XCTAssertEqual(result.payees[0].proration, .one)
    }

    func testIneligibleBelowMinActiveDays() throws {
        // March 2 .. 31 is 30 days; March 3 .. 31 is 29.
        let roster = """
            payee_id,target_bonus,start_date
            A,360000,2026-03-02
            B,360000,2026-03-03
            C,360000,
            """
        let actuals = "period,scope,kpi,value\n2026-Q1,company,k,150\n"
        let plan = Self.flatPlan(pays: "quarter", extra: "eligibility:\n  min_active_days: 30")
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"), [
            "A,ok,USD,30000.00,45000.00",
            "B,ineligible,USD,0.00,0.00",
            "C,ok,USD,90000.00,135000.00",
        ])
        let result = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"))
        XCTAssertEqual(result.payees.map(\.status), [.ok, .ineligible, .ok])
        XCTAssertEqual(result.payees[1].targetIncentive.amount, .zero)
        XCTAssertEqual(result.payees[1].payout.amount, .zero)
    }

    /// Ineligible payees stop at step 2: their actuals are not needed.
    func testIneligiblePayeesNeedNoActuals() {
        let plan = Self.plan(pays: "quarter", kpis: "  k: { scope: payee, target: 100 }",
                             components: "  - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }")
        let roster = "payee_id,target_bonus,start_date\nA,4000,\nB,4000,2026-04-01\n"
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: "period,scope,kpi,value\n2026-Q1,payee:A,k,50\n",
                               period: "2026-Q1"),
                       ["A,ok,USD,1000.00,500.00", "B,ineligible,USD,0.00,0.00"])
    }

    // MARK: Fiscal years

    func testPeriodDatesForFiscalYearsStartingInAnotherMonth() {
        func dates(_ p: String, _ m: Int) -> String {
            guard let period = Period.parse(p) else { return "unparsed \(p)" }
            let (a, b) = period.dates(fiscalYearStartMonth: m)
            return "\(a)..\(b)"
        }
        XCTAssertEqual(dates("2026-Q1", 1), "2026-01-01..2026-03-31")
        XCTAssertEqual(dates("2026-Q4", 1), "2026-10-01..2026-12-31")
        XCTAssertEqual(dates("2026-H2", 1), "2026-07-01..2026-12-31")
        XCTAssertEqual(dates("2026-FY", 1), "2026-01-01..2026-12-31")
        XCTAssertEqual(dates("2026-Q1", 4), "2026-04-01..2026-06-30")
        XCTAssertEqual(dates("2026-Q3", 4), "2026-10-01..2026-12-31")
        XCTAssertEqual(dates("2026-Q4", 4), "2027-01-01..2027-03-31")
        XCTAssertEqual(dates("2026-H2", 4), "2026-10-01..2027-03-31")
        XCTAssertEqual(dates("2026-FY", 4), "2026-04-01..2027-03-31")
        XCTAssertEqual(dates("2027-Q1", 11), "2027-11-01..2028-01-31")
        XCTAssertEqual(dates("2027-Q2", 11), "2028-02-01..2028-04-30")  // leap February
        XCTAssertEqual(dates("2026-Q2", 11), "2027-02-01..2027-04-30")
        XCTAssertEqual(dates("2027-H1", 11), "2027-11-01..2028-04-30")
        XCTAssertEqual(dates("2026-Q1", 12), "2026-12-01..2027-02-28")
        XCTAssertEqual(dates("2026-FY", 12), "2026-12-01..2027-11-30")
    }

    func testPeriodParsing() {
        XCTAssertEqual(Period.parse("2026-Q1"), Period(fiscalYear: 2026, kind: .quarter(1)))
        XCTAssertEqual(Period.parse("2026-Q4"), Period(fiscalYear: 2026, kind: .quarter(4)))
        XCTAssertEqual(Period.parse("2026-H2"), Period(fiscalYear: 2026, kind: .half(2)))
        XCTAssertEqual(Period.parse("2026-FY"), Period(fiscalYear: 2026, kind: .year))
        for bad in ["2026-Q5", "2026-Q0", "2026-H3", "2026-fy", "2026Q1", "26-Q1", "2026-Y", "", "0000-Q1", "2026-q1"] {
            XCTAssertNil(Period.parse(bad), bad)
        }
        XCTAssertEqual(Period.parse("2026-H1")?.description, "2026-H1")
    }

    func testFiscalYearStartingInApril() throws {
        // 2026-Q1 is 2026-04-01..2026-06-30 (91 days); 364000 a year is 91000 a quarter, 1000 a day.
        let plan = Self.flatPlan(pays: "quarter", extra: "fiscal_year_start_month: 4")
        let roster = """
            payee_id,target_bonus,start_date,end_date
            A,364000,,
            B,364000,2026-06-30,
            C,364000,2026-03-31,
            D,364000,,2026-03-31
            E,364000,2027-03-31,
            """
        let actuals = "period,scope,kpi,value\n2026-Q1,company,k,100\n2026-Q4,company,k,100\n"
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"), [
            "A,ok,USD,91000.00,91000.00",
            "B,ok,USD,1000.00,1000.00",
            "C,ok,USD,91000.00,91000.00",
            "D,ineligible,USD,0.00,0.00",
            "E,ineligible,USD,0.00,0.00",
        ])
        let q1 = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-Q1"))
        XCTAssertEqual("\(q1.firstDay)..\(q1.lastDay)", "2026-04-01..2026-06-30")
        // 2026-Q4 is 2027-01-01..2027-03-31 (90 days): E's one day is 364000 / 360.
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-Q4"), [
            "A,ok,USD,91000.00,91000.00",
            "B,ok,USD,91000.00,91000.00",
            "C,ok,USD,91000.00,91000.00",
            "D,ineligible,USD,0.00,0.00",
            "E,ok,USD,1011.11,1011.11",
        ])
        let q4 = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-Q4"))
        XCTAssertEqual("\(q4.firstDay)..\(q4.lastDay)", "2027-01-01..2027-03-31")
    }

    func testFiscalYearStartingInNovemberAcrossALeapFebruary() throws {
        // FY2027 starts 2027-11-01; its Q2 is 2028-02-01..2028-04-30: 29 + 31 + 30 = 90 days.
        let plan = Self.flatPlan(pays: "quarter", extra: "fiscal_year_start_month: 11")
        let roster = """
            payee_id,target_bonus,start_date,end_date
            A,360000,,2028-02-29
            B,360000,2028-02-29,
            C,360000,,
            """
        let actuals = "period,scope,kpi,value\n2027-Q2,company,k,100\n"
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2027-Q2"), [
            "A,ok,USD,29000.00,29000.00",
            "B,ok,USD,62000.00,62000.00",
            "C,ok,USD,90000.00,90000.00",
        ])
        let r = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2027-Q2"))
        XCTAssertEqual("\(r.firstDay)..\(r.lastDay)", "2028-02-01..2028-04-30")
        XCTAssertEqual(r.payees.map(\.activeDays), [29, 62, 90])
    }

    func testHalfAndYearFractions() {
        let roster = "payee_id,base_salary,target_bonus_pct\nA,200000,30%\n"
        XCTAssertEqual(csvRows(plan: Self.flatPlan(pays: "half"), roster: roster,
                               actuals: "period,scope,kpi,value\n2026-H2,company,k,100\n", period: "2026-H2"),
                       ["A,ok,USD,30000.00,30000.00"])
        XCTAssertEqual(csvRows(plan: Self.flatPlan(pays: "year"), roster: roster,
                               actuals: "period,scope,kpi,value\n2026-FY,company,k,100\n", period: "2026-FY"),
                       ["A,ok,USD,60000.00,60000.00"])
    }

    // MARK: Attainment

    static let payeeKPIPlan = plan(
        kpis: """
              cac: { scope: payee, better: lower, target: 18 }
            """,
        components: "  - { id: main, weight: 100%, measures: [{ kpi: cac, weight: 100% }] }")

    func testBetterLowerAttainment() throws {
        let roster = "payee_id,target_bonus\nP12,12000\nP18,12000\nP27,12000\nP36,12000\n"
        let actuals = """
            period,scope,kpi,value
            2026-FY,payee:P12,cac,12
            2026-FY,payee:P18,cac,18
            2026-FY,payee:P27,cac,27
            2026-FY,payee:P36,cac,36
            """
        XCTAssertEqual(csvRows(plan: Self.payeeKPIPlan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "P12,ok,USD,12000.00,16000.00",  // 2 - 12/18 = 133.33..%
            "P18,ok,USD,12000.00,12000.00",  // 100%
            "P27,ok,USD,12000.00,6000.00",  // 50%
            "P36,ok,USD,12000.00,0.00",  // 0%
        ])
        let r = try XCTUnwrap(runResult(plan: Self.payeeKPIPlan, roster: roster, actuals: actuals, period: "2026-FY"))
        XCTAssertEqual(r.payees.map { $0.componentScores.first }, [
            "1.333333333333333333".d, "1".d, "0.5".d, "0".d,
        ])
    }

    /// SPEC 2.1: "all amounts are >= 0". A lower-is-better KPI at more than twice its
    /// target has a negative attainment; with no curve that is the measure's factor.
    func testNegativeAttainmentWithoutACurveDoesNotPayANegativeAmount() {
        let roster = "payee_id,target_bonus\nP45,12000\n"
        let actuals = "period,scope,kpi,value\n2026-FY,payee:P45,cac,45\n"  // 2 - 45/18 = -50%
        let rows = csvRows(plan: Self.payeeKPIPlan, roster: roster, actuals: actuals, period: "2026-FY")
        XCTAssertEqual(rows, ["P45,ok,USD,12000.00,0.00"])
    }

    func testPerUnitTargets() {
        let plan = Self.plan(
            kpis: """
                  rv: { scope: unit, target: 40, targets: { enterprise: 25, smb: 60 } }
                  nrr: { target: 100%, targets: { smb: 110% } }
                """,
            components: "  - { id: main, weight: 100%, measures: [{ kpi: rv, weight: 50% }, { kpi: nrr, weight: 50% }] }")
        let roster = "payee_id,unit,target_bonus\nE1,enterprise,1000\nM1,midmarket,1000\nS1,smb,1000\n"
        let actuals = """
            period,scope,kpi,value
            2026-FY,unit:enterprise,rv,25
            2026-FY,unit:smb,rv,30
            2026-FY,unit:midmarket,rv,50
            2026-FY,company,nrr,110%
            """
        // E1: rv 25/25 = 1, nrr 1.1/1 = 1.1 -> 1.05; M1: 50/40 = 1.25, 1.1 -> 1.175; S1: 30/60 = 0.5, 1.1/1.1 = 1 -> 0.75
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "E1,ok,USD,1000.00,1050.00",
            "M1,ok,USD,1000.00,1175.00",
            "S1,ok,USD,1000.00,750.00",
        ])
    }

    func testMissingZero() {
        let plan = Self.plan(
            kpis: """
                  k: { target: 1 }
                  z: { scope: payee, target: 10, missing: zero }
                """,
            components: "  - { id: main, weight: 100%, measures: [{ kpi: k, weight: 50% }, { kpi: z, weight: 50% }] }")
        let roster = "payee_id,target_bonus\nP1,1000\nP2,1000\n"
        let actuals = """
            period,scope,kpi,value
            2026-FY,company,k,1
            2026-FY,payee:P1,z,10
            2025-FY,payee:P2,z,10
            """
        XCTAssertEqual(csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "P1,ok,USD,1000.00,1000.00",
            "P2,ok,USD,1000.00,500.00",  // z missing in 2026-FY: zero (the 2025-FY row does not count)
        ])
    }

    func testMissingErrorNamesPayeeKPIAndPeriod() {
        let plan = Self.plan(
            kpis: """
                  k: { target: 1 }
                  z: { scope: payee, target: 10 }
                """,
            components: "  - { id: main, weight: 100%, measures: [{ kpi: k, weight: 50% }, { kpi: z, weight: 50% }] }")
        let roster = "payee_id,target_bonus\nP1,1000\nP2,1000\nP3,1000\n"
        let actuals = "period,scope,kpi,value\n2026-FY,payee:P2,z,10\n2025-FY,company,k,1\n"
        XCTAssertEqual(runErrors(plan: plan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "plan.yaml:7:3: error: no actual for KPI 'k' at company in 2026-FY, needed by payees P1, P2, P3\n"
                + "note: add a row '2026-FY,company,k,VALUE' to actuals.csv, or set 'missing: zero' on the KPI",
            "plan.yaml:8:3: error: no actual for KPI 'z' at payee:P1 in 2026-FY, needed by payee P1\n"
                + "note: add a row '2026-FY,payee:P1,z,VALUE' to actuals.csv, or set 'missing: zero' on the KPI",
            "plan.yaml:8:3: error: no actual for KPI 'z' at payee:P3 in 2026-FY, needed by payee P3\n"
                + "note: add a row '2026-FY,payee:P3,z,VALUE' to actuals.csv, or set 'missing: zero' on the KPI",
        ])
    }

    // MARK: Modifiers

    /// Two components scoring `k`'s attainment (no curve), 50% each; TI 1000.
    static func modifierPlan(_ modifiers: String, extra: String = "") -> String {
        plan(extra: extra,
             kpis: """
                   k: { scope: payee, target: 100 }
                   cac: { scope: payee, better: lower, target: 18, missing: zero }
                 """,
             components: """
                   - { id: a, weight: 50%, measures: [{ kpi: k, weight: 100% }] }
                   - { id: b, weight: 50%, measures: [{ kpi: k, weight: 100% }] }
                 """,
             more: "modifiers:\n" + modifiers)
    }

    /// Payees named by their `k` actual (and `cac` where given), TI 1000 each.
    func payouts(_ plan: String, _ ks: [(id: String, k: String, cac: String?)],
                 file: StaticString = #filePath, line: UInt = #line) -> [String] {
        var roster = "payee_id,target_bonus\n"
        var actuals = "period,scope,kpi,value\n"
        for p in ks {
            roster += "\(p.id),1000\n"
            actuals += "2026-FY,payee:\(p.id),k,\(p.k)\n"
            if let c = p.cac { actuals += "2026-FY,payee:\(p.id),cac,\(c)\n" }
        }
        return csvRows(plan: plan, roster: roster, actuals: actuals, period: "2026-FY", file: file, line: line)
            .map { $0.split(separator: ",").last.map(String.init) ?? "" }
    }

    func testMultiplier() {
        let plan = Self.modifierPlan("""
              - { id: m, type: multiplier, when: "attainment(k) >= 100%", factor: 1.10 }
            """)
        XCTAssertEqual(payouts(plan, [("A", "100", nil), ("B", "90", nil), ("C", "120", nil)]),
                       ["1100.00", "900.00", "1320.00"])
        let withOtherwise = Self.modifierPlan("""
              - { id: m, type: multiplier, when: "attainment(k) >= 100%", factor: 1.10, otherwise: 0.5 }
            """)
        XCTAssertEqual(payouts(withOtherwise, [("A", "100", nil), ("B", "90", nil)]), ["1100.00", "450.00"])
    }

    func testGateWithAppliesTo() {
        let plan = Self.modifierPlan("""
              - { id: g, type: gate, when: "k >= 50", applies_to: [a] }
            """)
        // Closed: component a pays 0, b keeps 500 * attainment.
        XCTAssertEqual(payouts(plan, [("A", "40", nil), ("B", "60", nil), ("C", "50", nil)]),
                       ["200.00", "600.00", "500.00"])
        let partial = Self.modifierPlan("""
              - { id: g, type: gate, when: "k >= 50", otherwise: 25%, applies_to: [b] }
            """)
        XCTAssertEqual(payouts(partial, [("A", "40", nil)]), ["250.00"])  // 200 + 200 * 25%
        let all = Self.modifierPlan("""
              - { id: g, type: gate, when: "k >= 50", applies_to: all }
            """)
        XCTAssertEqual(payouts(all, [("A", "40", nil), ("B", "60", nil)]), ["0.00", "600.00"])
    }

    func testAccelerator() {
        let plan = Self.modifierPlan("""
              - { id: acc, type: accelerator, kpi: k, rate: 2, max_extra: 50% }
            """)
        // 1 + min(50%, 2 * max(0, attainment - 100%))
        XCTAssertEqual(payouts(plan, [("A", "90", nil), ("B", "100", nil), ("C", "110", nil), ("D", "130", nil)]),
                       ["900.00", "1000.00", "1320.00", "1950.00"])
        let noCap = Self.modifierPlan("""
              - { id: acc, type: accelerator, kpi: k, above: 120%, rate: 3, applies_to: [b] }
            """)
        // D: 1300 split 650 / 650; b * (1 + 3 * 10%) = 845 -> 1495; E: 200% -> b * 3.4
        XCTAssertEqual(payouts(noCap, [("C", "110", nil), ("D", "130", nil), ("E", "200", nil)]),
                       ["1100.00", "1495.00", "4400.00"])
    }

    func testTableOnValue() {
        let plan = Self.modifierPlan("""
              - id: t
                type: table
                kpi: cac
                rows:
                  - { at_most: 12, factor: 1.10 }
                  - { at_most: 18, factor: 1.00 }
                  - { at_most: 24, factor: 0.90 }
                otherwise: 0.80
            """)
        XCTAssertEqual(payouts(plan, [("A", "100", "12"), ("B", "100", "12.5"), ("C", "100", "18"),
                                      ("D", "100", "24"), ("E", "100", "24.01")]),
                       ["1100.00", "1000.00", "1000.00", "900.00", "800.00"])
        let noOtherwise = Self.modifierPlan("""
              - { id: t, type: table, kpi: cac, on: value, rows: [{ at_least: 10, at_most: 20, factor: 2 }] }
            """)
        // Without `otherwise` the factor is 1; cac is missing: zero, so F has 0.
        XCTAssertEqual(payouts(noOtherwise, [("A", "100", "9.99"), ("B", "100", "10"), ("C", "100", "20"),
                                             ("D", "100", "20.01"), ("F", "100", nil)]),
                       ["1000.00", "2000.00", "2000.00", "1000.00", "1000.00"])
    }

    func testTableOnAttainmentWithAtLeastRows() {
        let plan = Self.modifierPlan("""
              - id: t
                type: table
                kpi: k
                on: attainment
                rows:
                  - { at_least: 120%, factor: 1.3 }
                  - { at_least: 100%, factor: 1.1 }
                  - { at_least: 80%, factor: 1.0 }
                otherwise: 0.5
            """)
        // First matching row wins.
        XCTAssertEqual(payouts(plan, [("A", "130", nil), ("B", "120", nil), ("C", "100", nil),
                                      ("D", "80", nil), ("E", "79", nil)]),
                       ["1690.00", "1560.00", "1100.00", "800.00", "395.00"])
        // On attainment of a lower-is-better KPI: cac 12 vs 18 is 133.33%.
        let lower = Self.modifierPlan("""
              - { id: t, type: table, kpi: cac, on: attainment, rows: [{ at_least: 130%, factor: 2 }] }
            """)
        XCTAssertEqual(payouts(lower, [("A", "100", "12"), ("B", "100", "13")]), ["2000.00", "1000.00"])
    }

    func testModifiersCompose() {
        let plan = Self.modifierPlan("""
              - { id: m, type: multiplier, when: "k >= 100", factor: 1.5, applies_to: [a] }
              - { id: g, type: gate, when: "k < 150", otherwise: 0, applies_to: [b] }
              - { id: acc, type: accelerator, kpi: k, rate: 1 }
            """)
        // A (k 120): a = 600 * 1.5 * 1.2 = 1080; b = 600 * 1.2 = 720 -> 1800
        // B (k 160): a = 800 * 1.5 * 1.6 = 1920; b gated -> 0 -> 1920
        XCTAssertEqual(payouts(plan, [("A", "120", nil), ("B", "160", nil)]), ["1800.00", "1920.00"])
    }

    // MARK: Cap, floor, max_score

    func testCapAndFloor() throws {
        let plan = Self.modifierPlan("  []\n", extra: "cap: 150%\nfloor: 50%")
        XCTAssertEqual(payouts(plan, [("A", "200", nil), ("B", "20", nil), ("C", "100", nil), ("D", "150", nil), ("E", "0", nil)]),
                       ["1500.00", "500.00", "1000.00", "1500.00", "500.00"])
        let roster = "payee_id,target_bonus\nA,1000\nB,1000\n"
        let actuals = "period,scope,kpi,value\n2026-FY,payee:A,k,200\n2026-FY,payee:B,k,20\n"
        let r = try XCTUnwrap(runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-FY"))
        XCTAssertEqual(r.payees.map(\.clamp), [.cap, .floor])
        XCTAssertEqual(r.payees.map(\.grossBeforeClamp.amount), ["2000".d, "200".d])
    }

    func testMaxScoreClampsTheComponentScore() {
        let plan = Self.plan(
            kpis: "  k: { scope: payee, target: 100 }",
            components: """
                  - { id: a, weight: 50%, max_score: 120%, measures: [{ kpi: k, weight: 100% }] }
                  - { id: b, weight: 50%, measures: [{ kpi: k, weight: 100% }] }
                """)
        let rows = csvRows(plan: plan, roster: "payee_id,target_bonus\nA,1000\nB,1000\n",
                           actuals: "period,scope,kpi,value\n2026-FY,payee:A,k,150\n2026-FY,payee:B,k,110\n",
                           period: "2026-FY")
        // A: 500 * 1.2 + 500 * 1.5 = 1350; B: under the clamp, 1100
        XCTAssertEqual(rows, ["A,ok,USD,1000.00,1350.00", "B,ok,USD,1000.00,1100.00"])
    }

    // MARK: OKRs

    static func okrPlan(curve: String) -> String {
        plan(
            extra: """
                curves:
                  okr-curve: { points: [[0, 0], [70%, 100%], [100%, 130%]] }
                okrs:
                  - id: o
                    key_results:
                      - { id: kr1, kpi: pipe, start: 0, target: 100, weight: 50% }
                      - { id: kr2, kpi: cac, start: 24, target: 12, weight: 30%, max: 120% }
                      - { id: kr3, kpi: fill, start: 70%, target: 95%, weight: 20% }
                """,
            kpis: """
                  pipe: { scope: payee }
                  cac: { scope: payee }
                  fill: { scope: payee }
                """,
            components: "  - { id: okr, weight: 100%, okr: o\(curve) }")
    }

    static let okrActuals = """
        period,scope,kpi,value
        2026-FY,payee:A,pipe,150
        2026-FY,payee:A,cac,9
        2026-FY,payee:A,fill,60%
        2026-FY,payee:B,pipe,50
        2026-FY,payee:B,cac,18
        2026-FY,payee:B,fill,82.5%
        2026-FY,payee:C,pipe,100
        2026-FY,payee:C,cac,30
        2026-FY,payee:C,fill,95%
        """

    func testOKRProgressClampAndMax() {
        // A: kr1 150% -> max 100%; kr2 (9 - 24) / (12 - 24) = 125% -> max 120%; kr3 -40% -> 0
        //    O = 50% + 36% + 0 = 86%
        // B: 50%, 50%, 50% -> 50%
        // C: 100%, -50% -> 0, 100% -> 70%
        let roster = "payee_id,target_bonus\nA,1000\nB,1000\nC,1000\n"
        XCTAssertEqual(csvRows(plan: Self.okrPlan(curve: ""), roster: roster, actuals: Self.okrActuals, period: "2026-FY"), [
            "A,ok,USD,1000.00,860.00",
            "B,ok,USD,1000.00,500.00",
            "C,ok,USD,1000.00,700.00",
        ])
        // With a curve: 86% -> 100% + 16% * 30% / 30% = 116%; 50% -> 50/70; 70% -> 100%
        XCTAssertEqual(csvRows(plan: Self.okrPlan(curve: ", curve: okr-curve"), roster: roster,
                               actuals: Self.okrActuals, period: "2026-FY"), [
            "A,ok,USD,1000.00,1160.00",
            "B,ok,USD,1000.00,714.29",
            "C,ok,USD,1000.00,1000.00",
        ])
    }

    func testOKRSetFromAFileRelativeToThePlan() {
        let plan = Self.plan(
            extra: "okrs: sets/okrs.yaml",
            kpis: """
                  pipe: { scope: payee }
                  cac: { scope: payee }
                  fill: { scope: payee }
                """,
            components: "  - { id: okr, weight: 100%, okr: o }")
        let okrFile = """
            okrs:
              - id: o
                objective: Test
                owners: [marketing, sales]
                key_results:
                  - { id: kr1, kpi: pipe, start: 0, target: 100, weight: 50% }
                  - { id: kr2, kpi: cac, start: 24, target: 12, weight: 30%, max: 120% }
                  - { id: kr3, kpi: fill, start: 70%, target: 95%, weight: 20% }
            """
        // The plan is "plans/p.yaml", so the OKR set is looked up as "plans/sets/okrs.yaml".
        let outcome = TestSupport.calculate(plan: plan, roster: "payee_id,target_bonus\nA,1000\n",
                                            actuals: Self.okrActuals, period: "2026-FY",
                                            extraFiles: ["plans/sets/okrs.yaml": okrFile], planPath: "plans/p.yaml")
        XCTAssertEqual(TestSupport.errors(outcome.diagnostics), [])
        XCTAssertEqual(outcome.result.map { CSVReport.render($0) },
                       "payee_id,status,currency,target_incentive,payout\nA,ok,USD,1000.00,860.00\n")
        // A missing OKR set is a located error.
        let missing = TestSupport.calculate(plan: plan, roster: "payee_id,target_bonus\nA,1000\n",
                                            actuals: Self.okrActuals, period: "2026-FY", planPath: "plans/p.yaml")
        XCTAssertEqual(TestSupport.errors(missing.diagnostics), [
            "plans/p.yaml:5:7: error: cannot read OKR set 'sets/okrs.yaml': no such file (plans/sets/okrs.yaml)",
            "plans/p.yaml:11:35: error: unknown objective 'o' (the plan has no 'okrs')",
        ])
    }

    // MARK: Pool

    static func poolPlan(_ pool: String, extraKPIs: String = "") -> String {
        plan(kpis: "  k: { scope: payee, target: 100 }\n" + extraKPIs,
             components: "  - { id: main, weight: 100%, measures: [{ kpi: k, weight: 100% }] }",
             more: "pool:\n  \(pool)")
    }

    func poolRun(_ plan: String, _ bonuses: [(String, String)], currency: [String: String] = [:],
                 file: StaticString = #filePath, line: UInt = #line) -> RunResult? {
        var roster = "payee_id,target_bonus,currency\n"
        var actuals = "period,scope,kpi,value\n2026-FY,company,pipe,2000\n"
        for (id, bonus) in bonuses {
            roster += "\(id),\(bonus),\(currency[id] ?? "")\n"
            actuals += "2026-FY,payee:\(id),k,100\n"
        }
        return runResult(plan: plan, roster: roster, actuals: actuals, period: "2026-FY", file: file, line: line)
    }

    private func assertPoolSum(_ r: RunResult?, _ pool: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let r else { return }
        var sum = FixedDecimal.zero
        for p in r.payees where p.status == .ok { if let s = try? sum + p.payout.amount { sum = s } else { XCTFail("overflow") } }
        XCTAssertEqual(sum, pool.d, "sum(payout) == P", file: file, line: line)
        XCTAssertEqual(r.pool?.applied, true, file: file, line: line)
    }

    func testPoolTiesOnRemainderGoToPayeeIDAscending() {
        // Three payouts of 100.00 for a pool of 100.00: each is 33.333..., all remainders tie,
        // and the missing cent goes to the first payee_id in byte order ("B2" < "a3" < "b1").
        let plan = Self.poolPlan("amount: 100")
        let r = poolRun(plan, [("b1", "100"), ("a3", "100"), ("B2", "100")])
        XCTAssertEqual(r.map { CSVReport.render($0) }, """
            payee_id,status,currency,target_incentive,payout
            B2,ok,USD,100.00,33.34
            a3,ok,USD,100.00,33.33
            b1,ok,USD,100.00,33.33

            """)
        assertPoolSum(r, "100")
        XCTAssertEqual(r?.payees.map(\.roundedPayout.amount), ["100".d, "100".d, "100".d])
        // Two missing cents: the first two ids.
        let r2 = poolRun(Self.poolPlan("amount: 100.01"), [("b1", "100"), ("a3", "100"), ("B2", "100")])
        XCTAssertEqual(r2?.payees.map { "\($0.payee.id)=\($0.payout.amount.formatted(places: 2))" }, ["B2=33.34", "a3=33.34", "b1=33.33"])
        assertPoolSum(r2, "100.01")
    }

    func testPoolLargestRemaindersFirst() {
        // 50 + 30 + 20 = 100 into 33.33: 16.665 (rem .5), 9.999 (rem .9), 6.666 (rem .6):
        // floors 16.66 + 9.99 + 6.66 = 33.31; the two cents go to the 9.99 and the 6.66.
        let r = poolRun(Self.poolPlan("amount: 33.33"), [("P50", "50"), ("P30", "30"), ("P20", "20")])
        XCTAssertEqual(r?.payees.map { "\($0.payee.id)=\($0.payout.amount.formatted(places: 2))" },
                       ["P20=6.67", "P30=10.00", "P50=16.66"])
        assertPoolSum(r, "33.33")
        // 100 + 100 + 50 into 99.99: 39.996, 39.996, 19.998: the largest remainder (M) first,
        // then the tie between A and Z goes to A.
        let r2 = poolRun(Self.poolPlan("amount: 99.99"), [("Z", "100"), ("A", "100"), ("M", "50")])
        XCTAssertEqual(r2?.payees.map { "\($0.payee.id)=\($0.payout.amount.formatted(places: 2))" },
                       ["A=40.00", "M=20.00", "Z=39.99"])
        assertPoolSum(r2, "99.99")
    }

    func testPoolNotAppliedWhenPayoutsFitAndIneligibleExcluded() throws {
        let plan = Self.poolPlan("amount: 250")
        let r = try XCTUnwrap(poolRun(plan, [("A", "100"), ("B", "100")]))
        XCTAssertEqual(r.payees.map(\.payout.amount), ["100".d, "100".d])
        XCTAssertEqual(r.pool?.applied, false)
        // An ineligible payee takes no part in the pool.
        let roster = "payee_id,target_bonus,start_date\nA,100,\nB,100,\nC,100,2027-01-01\n"
        let actuals = "period,scope,kpi,value\n2026-FY,payee:A,k,100\n2026-FY,payee:B,k,100\n2026-FY,payee:C,k,100\n"
        XCTAssertEqual(csvRows(plan: Self.poolPlan("amount: 150"), roster: roster, actuals: actuals, period: "2026-FY"),
                       ["A,ok,USD,100.00,75.00", "B,ok,USD,100.00,75.00", "C,ineligible,USD,0.00,0.00"])
    }

    func testPoolFormulaAtCompanyScope() {
        // 5% of 2000 = 100
        let plan = Self.poolPlan("formula: \"5% * pipe\"", extraKPIs: "  pipe: { unit: money }\n")
        let r = poolRun(plan, [("b1", "100"), ("a3", "100"), ("B2", "100")])
        XCTAssertEqual(r?.payees.map { $0.payout.amount.formatted(places: 2) }, ["33.34", "33.33", "33.33"])
        assertPoolSum(r, "100")
    }

    func testPoolWithMixedCurrenciesIsAnError() {
        let plan = Self.poolPlan("amount: 100")
        let roster = "payee_id,target_bonus,currency\nA,100,USD\nB,100,EUR\nC,100,\n"
        let actuals = "period,scope,kpi,value\n2026-FY,payee:A,k,100\n2026-FY,payee:B,k,100\n2026-FY,payee:C,k,100\n"
        XCTAssertEqual(runErrors(plan: plan, roster: roster, actuals: actuals, period: "2026-FY"), [
            "plan.yaml:12:11: error: the plan has a pool, but its payees are paid in several currencies (EUR, USD); a pool needs one currency",
        ])
    }

    // MARK: Periods the plan does not pay

    func testAPeriodThePlanDoesNotPayIsAnError() {
        let roster = "payee_id,target_bonus\nA,1000\n"
        let actuals = "period,scope,kpi,value\n2026-Q1,company,k,100\n"
        XCTAssertEqual(runErrors(plan: Self.flatPlan(pays: "quarter"), roster: roster, actuals: actuals, period: "2026-H1"), [
            "plan.yaml:4:1: error: plan 'p' pays per quarter, so it cannot be calculated for 2026-H1 (ask for a quarter, such as 2026-Q1, period)",
        ])
        XCTAssertEqual(runErrors(plan: Self.flatPlan(pays: "quarter"), roster: roster, actuals: actuals, period: "2026-FY"), [
            "plan.yaml:4:1: error: plan 'p' pays per quarter, so it cannot be calculated for 2026-FY (ask for a quarter, such as 2026-Q1, period)",
        ])
        XCTAssertEqual(runErrors(plan: Self.flatPlan(pays: "year"), roster: roster, actuals: actuals, period: "2026-Q1"), [
            "plan.yaml:4:1: error: plan 'p' pays per year, so it cannot be calculated for 2026-Q1 (ask for a full-year, such as 2026-FY, period)",
        ])
        XCTAssertEqual(runErrors(plan: Self.flatPlan(pays: "half"), roster: roster, actuals: actuals, period: "2027-Q3"), [
            "plan.yaml:4:1: error: plan 'p' pays per half, so it cannot be calculated for 2027-Q3 (ask for a half-year, such as 2027-H1, period)",
        ])
        XCTAssertEqual(runErrors(plan: Self.flatPlan(pays: "quarter"), roster: roster, actuals: actuals, period: "2026-Q5"), [
            "advocomp: error: --period '2026-Q5' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)",
        ])
    }

    // MARK: Roster selection and order

    func testRowsOfOtherPlansAreSkippedAndOutputIsInByteOrder() {
        let roster = """
            payee_id,plan,target_bonus
            b,p,100
            a,other,100
            C,p,100
            _x,p,100
            """
        let rows = csvRows(plan: Self.flatPlan(pays: "year"), roster: roster,
                           actuals: "period,scope,kpi,value\n2026-FY,company,k,100\n", period: "2026-FY")
        XCTAssertEqual(rows.map { String($0.prefix { $0 != "," }) }, ["C", "_x", "b"])
    }

    func testTargetBonusPctOfBaseSalary() {
        let roster = "payee_id,base_salary,target_bonus_pct\nA,310000,40%\nB,295000,0.45\n"
        let rows = csvRows(plan: Self.flatPlan(pays: "quarter"), roster: roster,
                           actuals: "period,scope,kpi,value\n2026-Q1,company,k,100\n", period: "2026-Q1")
        XCTAssertEqual(rows, ["A,ok,USD,31000.00,31000.00", "B,ok,USD,33187.50,33187.50"])
    }
}
