import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// `whatif` and `curve`: previews run on calculate's engine, so they must agree with a
/// calculation on inputs edited by hand, to the cent.
final class ScenarioTests: XCTestCase {
    static let folder = "01-scorecard-basics"

    func file(_ name: String) throws -> String {
        try String(contentsOf: try Conformance.folder(Self.folder).appendingPathComponent(name), encoding: .utf8)
    }

    func request(actuals: String? = nil) throws -> CalculationRequest {
        CalculationRequest(plan: InputFile(path: "plan.yaml", bytes: Array(try file("plan.yaml").utf8)),
                           roster: InputFile(path: "roster.csv", bytes: Array(try file("roster.csv").utf8)),
                           actuals: InputFile(path: "actuals.csv", bytes: Array((try actuals ?? file("actuals.csv")).utf8)),
                           period: "2026-Q1")
    }

    let none: PlanParser.FileLoader = { _ in .failure(PlanParser.FileLoadError("none")) }

    func overrides(_ specs: [String]) throws -> [ActualOverride] {
        try specs.map { try ActualOverride.parse($0).get() }
    }

    func payouts(_ r: RunResult) -> [String] { r.payees.map { "\($0.payee.id) \($0.status.rawValue) \($0.payout.amount.formatted(places: 2))" } }

    func testSettingTheActualsAsTheyAreChangesNothing() throws {
        let calculated = try XCTUnwrap(Pipeline.calculate(try request(), loadFile: none).result)
        let (w, d) = Pipeline.whatIf(try request(), overrides: try overrides(["nrr=101%", "unit:smb/review_velocity=48", "cac_payback=15"]), loadFile: none)
        XCTAssertEqual(TestSupport.errors(d), [])
        let result = try XCTUnwrap(w)
        XCTAssertEqual(payouts(result.before), payouts(calculated))
        XCTAssertEqual(payouts(result.after), payouts(calculated))
        XCTAssertEqual(CSVReport.render(result.after), CSVReport.render(calculated))
        XCTAssertTrue(WhatIfReport.csv(before: result.before, after: result.after).split(separator: "\n").dropFirst()
                        .allSatisfy { $0.hasSuffix(",0.00") })
    }

    func testAWhatIfEqualsACalculationOnEditedActuals() throws {
        // nrr for the company, every unit's review velocity, and one unit's again (the
        // later --set wins for that unit).
        let (w, d) = Pipeline.whatIf(try request(), overrides: try overrides(["nrr=106%", "review_velocity=45", "unit:smb/review_velocity=70"]),
                                     loadFile: none)
        XCTAssertEqual(TestSupport.errors(d), [])
        let result = try XCTUnwrap(w)
        let edited = try file("actuals.csv")
            .replacingOccurrences(of: "2026-Q1,company,nrr,101%", with: "2026-Q1,company,nrr,106%")
            .replacingOccurrences(of: "unit:enterprise,review_velocity,31", with: "unit:enterprise,review_velocity,45")
            .replacingOccurrences(of: "unit:smb,review_velocity,48", with: "unit:smb,review_velocity,70")
            .replacingOccurrences(of: "unit:midmarket,review_velocity,44", with: "unit:midmarket,review_velocity,45")
        let expected = try XCTUnwrap(Pipeline.calculate(try request(actuals: edited), loadFile: none).result)
        XCTAssertEqual(payouts(result.after), payouts(expected))
        XCTAssertNotEqual(payouts(result.after), payouts(result.before))
        let csv = WhatIfReport.csv(before: result.before, after: result.after).split(separator: "\n")
        XCTAssertEqual(csv.first, "payee_id,unit,currency,status_before,payout_before,status_after,payout_after,difference")
        for (line, (b, a)) in zip(csv.dropFirst(), zip(result.before.payees, result.after.payees)) {
            XCTAssertEqual(line.split(separator: ",").last.map(String.init), (try a.payout - b.payout).plain)
        }
    }

    func testAPayeeScopeSetChangesThatPayeeOnly() throws {
        // Case 02: review_velocity has payee scope. Setting C02's equals editing its row.
        let dir = try Conformance.folder("02-okr-and-modifiers")
        func request(_ actuals: String) throws -> CalculationRequest {
            CalculationRequest(plan: try Conformance.file(dir, "plan.yaml"), roster: try Conformance.file(dir, "roster.csv"),
                               actuals: InputFile(path: "actuals.csv", bytes: Array(actuals.utf8)), period: "2026-Q2")
        }
        let loader: PlanParser.FileLoader = { path in
            guard let d = FileManager.default.contents(atPath: dir.appendingPathComponent(path).path) else { return .failure(PlanParser.FileLoadError("none")) }
            return .success(String(decoding: d, as: UTF8.self))
        }
        let actuals = try String(contentsOf: dir.appendingPathComponent("actuals.csv"), encoding: .utf8)
        let (w, d) = Pipeline.whatIf(try request(actuals), overrides: try overrides(["payee:C02/review_velocity=15"]), loadFile: loader)
        XCTAssertEqual(TestSupport.errors(d), [])
        let result = try XCTUnwrap(w)
        let edited = actuals.replacingOccurrences(of: "2026-Q2,payee:C02,review_velocity,11", with: "2026-Q2,payee:C02,review_velocity,15")
        let expected = try XCTUnwrap(Pipeline.calculate(try request(edited), loadFile: loader).result)
        XCTAssertEqual(payouts(result.after), payouts(expected))
        let changed = zip(result.before.payees, result.after.payees).filter { $0.0.payout != $0.1.payout }.map(\.0.payee.id)
        XCTAssertEqual(changed, ["C02"])
    }

    func testEveryProblemWithTheSetsIsReportedAtOnce() throws {
        XCTAssertEqual(ActualOverride.parse("foo"), .failure(ScenarioError("--set 'foo' must be KPI=VALUE, unit:NAME/KPI=VALUE or payee:ID/KPI=VALUE")))
        XCTAssertEqual(ActualOverride.parse("nrr=abc"), .failure(ScenarioError("--set 'nrr=abc': 'abc' is not a number (such as 42, 0.93 or 105%)")))
        XCTAssertEqual(ActualOverride.parse("team:x/nrr=1"), .failure(ScenarioError("--set 'team:x/nrr=1': 'team:x' must be unit:NAME or payee:ID")))
        XCTAssertEqual(try ActualOverride.parse("payee:E1/k=105%").get(), ActualOverride(scope: .payee("E1"), kpi: "k", value: "1.05".d, text: "payee:E1/k=105%"))
        let (w, d) = Pipeline.whatIf(try request(), overrides: try overrides(["nrrr=1", "unit:xx/review_velocity=1", "payee:E001/nrr=1"]), loadFile: none)
        XCTAssertNil(w)
        XCTAssertEqual(TestSupport.errors(d), [
            "advocomp: error: --set 'nrrr=1': the plan has no KPI 'nrrr'; did you mean 'nrr'?",
            "advocomp: error: --set 'unit:xx/review_velocity=1': no payee of the plan is in unit 'xx'",
            "advocomp: error: --set 'payee:E001/nrr=1': KPI 'nrr' has company scope, so it cannot be set for payee:E001; write nrr=VALUE",
        ])
    }

    func testACurvePointIsTheCalculationAtThatActual() throws {
        let (c, d) = Pipeline.curve(try request(), payee: "E002", kpi: "review_velocity", from: "70%".d, to: "130%".d, step: "10%".d, loadFile: none)
        XCTAssertEqual(TestSupport.errors(d), [])
        let curve = try XCTUnwrap(c)
        XCTAssertEqual(curve.target, "60".d, "E002 is in smb: the unit target")
        XCTAssertEqual(curve.points.map { $0.attainment.percentString() }, ["70%", "80%", "90%", "100%", "110%", "120%", "130%"])
        XCTAssertEqual(curve.points.map(\.actual), ["42", "48", "54", "60", "66", "72", "78"].map(\.d))
        for p in curve.points {
            let edited = try file("actuals.csv").replacingOccurrences(of: "unit:smb,review_velocity,48", with: "unit:smb,review_velocity,\(p.actual)")
            let r = try XCTUnwrap(Pipeline.calculate(try request(actuals: edited), loadFile: none).result)
            XCTAssertEqual(r.payees.first { $0.payee.id == "E002" }?.roundedPayout, p.payout, "at \(p.attainment.percentString())")
        }
        // The curve caps at 150%: beyond 120% attainment the payout stops growing.
        XCTAssertEqual(curve.points[5].payout, curve.points[6].payout)
        XCTAssertLessThan(curve.points[0].payout.amount, curve.points[3].payout.amount)
        // Lower is better: attainment a means actual target x (2 - a).
        let (payback, _) = Pipeline.curve(try request(), payee: "E002", kpi: "cac_payback", from: "90%".d, to: "110%".d, step: "10%".d, loadFile: none)
        XCTAssertEqual(try XCTUnwrap(payback).points.map(\.actual), ["19.8", "18", "16.2"].map(\.d))
    }

    func testCurveMistakes() throws {
        func errors(_ payee: String, _ kpi: String, step: String = "5%") throws -> [String] {
            TestSupport.errors(Pipeline.curve(try request(), payee: payee, kpi: kpi, from: "50%".d, to: "150%".d, step: step.d, loadFile: none).diagnostics)
        }
        XCTAssertEqual(try errors("E0002", "nrr"), ["advocomp: error: payee 'E0002' is not on plan 'exec-advocacy'; did you mean 'E002'?"])
        XCTAssertEqual(try errors("E002", "nr"), ["advocomp: error: the plan has no KPI 'nr'; did you mean 'nrr'?"])
        XCTAssertEqual(try errors("E002", "nrr", step: "0"), ["advocomp: error: --step must be above 0 and --from at most --to"])
        XCTAssertEqual(try errors("E002", "nrr", step: "0.01%"), ["advocomp: error: --from, --to and --step give more than 1,000 points"])
    }

    // MARK: compare

    func planB(_ edit: (String) -> String) throws -> InputFile {
        InputFile(path: "planB.yaml", bytes: Array(edit(try file("plan.yaml")).utf8))
    }

    func testComparingAPlanWithItselfChangesNothing() throws {
        let (c, d) = Pipeline.compare(try request(), planB: try planB { $0 }, loadFile: none)
        XCTAssertEqual(TestSupport.errors(d), [])
        let comparison = try XCTUnwrap(c)
        XCTAssertTrue(comparison.payees.allSatisfy { $0.change.isZero })
        XCTAssertEqual(comparison.totals.map { [$0.gain, $0.lose] }, [[0, 0]])
        XCTAssertTrue(comparison.drivers.allSatisfy { $0.change.isZero })
        XCTAssertEqual(comparison.modifiers.map(\.payeesChanged), [0])
    }

    func testAComparisonIsTheDifferenceOfTwoCalculations() throws {
        let edit: (String) -> String = {
            $0.replacingOccurrences(of: "reference_fill_rate: { unit: percent, target: 90% }", with: "reference_fill_rate: { unit: percent, target: 95% }")
              .replacingOccurrences(of: "- { at_most: 18, factor: 1.00 }", with: "- { at_most: 18, factor: 1.05 }")
        }
        let (c, d) = Pipeline.compare(try request(), planB: try planB(edit), loadFile: none)
        XCTAssertEqual(TestSupport.errors(d), [])
        let comparison = try XCTUnwrap(c)
        let a = try XCTUnwrap(Pipeline.calculate(try request(), loadFile: none).result)
        var other = try request()
        other.plan = try planB(edit)
        let b = try XCTUnwrap(Pipeline.calculate(other, loadFile: none).result)
        XCTAssertEqual(comparison.payees.map(\.payeeID), a.payees.map(\.payee.id))
        var total = FixedDecimal.zero, gain = 0, lose = 0
        for (line, (x, y)) in zip(comparison.payees, zip(a.payees, b.payees)) {
            let change = try (y.payout - x.payout).amount
            XCTAssertEqual(line.change.amount, change, line.payeeID)
            total = try total + change
            if change > .zero { gain += 1 } else if change.isNegative { lose += 1 }
        }
        XCTAssertEqual(comparison.totals.first?.change.amount, total)
        XCTAssertEqual(comparison.totals.first.map { [$0.gain, $0.lose] }, [gain, lose])
        XCTAssertNotEqual(gain, 0)
        // The units add up to the total; the drivers of the currency too, exactly.
        XCTAssertEqual(try comparison.units.reduce(FixedDecimal.zero) { try $0 + $1.change.amount }, total)
        XCTAssertEqual(try comparison.drivers.reduce(FixedDecimal.zero) { try $0 + $1.change.amount }, total)
        XCTAssertEqual(comparison.drivers.map(\.name), ["component scorecard", "cap, floor, rounding and pool"])
        // The table modifier's factor changed for the payees at 12 < payback <= 18.
        XCTAssertEqual(comparison.modifiers.first?.id, "company-multiplier")
        XCTAssertGreaterThan(comparison.modifiers.first?.payeesChanged ?? 0, 0)
        XCTAssertEqual(comparison.modifiers.first?.meanB, "1.05".d)
    }

    func testPayeesOnOnePlanOnlyAreComparedWithNothing() throws {
        // Plan B is the other plan of the roster: A's payees are absent from B and E006 from A.
        let (c, _) = Pipeline.compare(try request(), planB: try planB { $0.replacingOccurrences(of: "plan: exec-advocacy", with: "plan: other-plan") },
                                      loadFile: none)
        let comparison = try XCTUnwrap(c)
        XCTAssertEqual(comparison.payees.map(\.payeeID), ["E001", "E002", "E003", "E004", "E005", "E006"])
        XCTAssertNil(comparison.payees.last?.a)
        XCTAssertNotNil(comparison.payees.last?.b)
        XCTAssertTrue(comparison.payees.dropLast().allSatisfy { $0.b == nil && $0.change == (try? -$0.payoutA) })
        XCTAssertTrue(ComparisonReport.csv(comparison).contains("\nE006,midmarket,USD,absent,0.00,ok,"))
    }
}
