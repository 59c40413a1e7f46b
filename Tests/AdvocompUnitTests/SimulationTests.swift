import Foundation
import XCTest
@testable import AdvocompEngine
@testable import AdvocompKit
import AdvocompTestSupport

/// `simulate`: an unchanged or zero-variance scenario reproduces `calculate` to the cent;
/// a seed repeats; scenario mistakes are located; the draws follow their distributions.
final class SimulationTests: XCTestCase {
    func request(_ name: String) throws -> (CalculationRequest, PlanParser.FileLoader) {
        let dir = try Conformance.folder(name)
        let c = try Conformance.readCase(dir)
        func file(_ key: String) throws -> InputFile? { try c[key].map { try Conformance.file(dir, $0) } }
        let request = CalculationRequest(plan: try XCTUnwrap(file("plan")), roster: try XCTUnwrap(file("roster")),
                                         actuals: try XCTUnwrap(file("actuals")), period: try XCTUnwrap(c["period"]), events: try file("events"))
        let loader: PlanParser.FileLoader = { path in
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(path).path) else {
                return .failure(PlanParser.FileLoadError("no such file (\(path))"))
            }
            return .success(String(decoding: data, as: UTF8.self))
        }
        return (request, loader)
    }

    func scenario(_ text: String) -> InputFile { InputFile(path: "scenario.yaml", bytes: Array(text.utf8)) }

    /// Every payee's expected payout and P90 are its calculated payout, and the cost is
    /// the calculated total, in every currency.
    func assertReproduces(_ name: String, _ scenarioText: String, runs: Int = 20, file: StaticString = #filePath, line: UInt = #line) throws {
        let (request, loader) = try request(name)
        let calculated = try XCTUnwrap(Pipeline.calculate(request, loadFile: loader).result, file: file, line: line)
        let (s, d) = Pipeline.simulate(request, scenario: scenario(scenarioText), runs: runs, seed: 3, loadFile: loader)
        let result = try XCTUnwrap(s, TestSupport.rendered(d).joined(separator: "\n"), file: file, line: line)
        XCTAssertEqual(result.payees.map(\.payee.id), calculated.payees.map(\.payee.id), file: file, line: line)
        for (p, c) in zip(result.payees, calculated.payees) {
            XCTAssertEqual(p.mean, c.payout, "\(name) \(p.payee.id) expected", file: file, line: line)
            XCTAssertEqual(p.p90, c.payout, "\(name) \(p.payee.id) P90", file: file, line: line)
            XCTAssertEqual(p.status, c.status, file: file, line: line)
        }
        for cost in result.costs {
            var total = FixedDecimal.zero
            for p in calculated.payees where p.currency == cost.currency { total = try total + p.payout.amount }
            XCTAssertEqual([cost.mean, cost.p5, cost.p50, cost.p95, cost.max].map(\.amount), Array(repeating: total, count: 5), "\(name) \(cost.currency.code)", file: file, line: line)
        }
        if let binds = result.poolBinds { XCTAssertEqual(binds, calculated.pool?.applied == true ? runs : 0, file: file, line: line) }
    }

    func testAnUnchangedScenarioReproducesTheCalculation() throws {
        for name in ["01-scorecard-basics", "02-okr-and-modifiers", "03-currencies-pool-formulas", "04-ledger-gaming"] {
            try assertReproduces(name, "kpis: {}\n")
        }
    }

    func testAZeroVarianceScenarioReproducesTheCalculation() throws {
        // Every company and unit KPI drawn, at its actual (fixed, a normal with sd 0, a
        // uniform of width 0): the draws go through the whole sampling path.
        try assertReproduces("01-scorecard-basics", """
            kpis:
              nrr: { distribution: normal, mean: 101%, sd: 0 }
              cac_payback: { distribution: uniform, min: 15, max: 15 }
              reference_fill_rate: { distribution: triangular, min: 0.93, mode: 0.93, max: 0.93 }
              review_velocity:
                distribution: fixed
                value: 0
                units:
                  enterprise: { distribution: fixed, value: 31 }
                  smb: { distribution: fixed, value: 48 }
                  midmarket: { distribution: normal, mean: 44, sd: 0 }
            correlation:
              - { kpis: [nrr, cac_payback], rho: 0.3 }
            """)
    }

    func testTheSameSeedGivesTheSameNumbersAndRunsDoNotDependOnTheirCount() throws {
        let (request, loader) = try request("02-okr-and-modifiers")
        let text = """
            kpis:
              nrr: { distribution: normal, mean: 104%, sd: 5% }
              referral_pipeline: { distribution: lognormal, mean: 1200000, sd: 300000 }
            correlation:
              - { kpis: [nrr, referral_pipeline], rho: 0.7 }
            """
        func run(_ runs: Int, _ seed: UInt64) throws -> SimulationResult {
            let (s, d) = Pipeline.simulate(request, scenario: scenario(text), runs: runs, seed: seed, loadFile: loader)
            return try XCTUnwrap(s, TestSupport.rendered(d).joined(separator: "\n"))
        }
        let a = try run(400, 42), b = try run(400, 42), c = try run(400, 43), long = try run(900, 42)
        XCTAssertEqual(SimulationReport.json(a, scenario: "s"), SimulationReport.json(b, scenario: "s"))
        XCTAssertNotEqual(a.costs[0].totals, c.costs[0].totals)
        XCTAssertEqual(Array(long.costs[0].totals.prefix(400)), a.costs[0].totals, "run r draws the same whatever the count")
        XCTAssertGreaterThan(Set(a.costs[0].totals).count, 50, "the draws vary the cost")
        XCTAssertFalse(a.gates.isEmpty)
        XCTAssertEqual(a.gates.first?.id, "retention-gate")
    }

    func testScenarioMistakesAreLocated() throws {
        let (request, loader) = try request("01-scorecard-basics")
        let (s, d) = Pipeline.simulate(request, scenario: scenario("""
            kpis:
              nrrr: { distribution: normal, mean: 1, sd: 0.1 }
              nrr: { distribution: gaussian, mean: 1 }
              cac_payback: { distribution: uniform, min: 20, max: 10 }
              review_velocity:
                distribution: triangular
                min: 10
                mode: 20
                units:
                  smbb: { distribution: fixed, value: 40 }
              reference_fill_rate: { distribution: normal, mean: 0.9, sd: -1, value: 3 }
            correlation:
              - { kpis: [nrr, nrr], rho: 2 }
            """), runs: 10, seed: 1, loadFile: loader)
        XCTAssertNil(s)
        XCTAssertEqual(TestSupport.errors(d), [
            "scenario.yaml:3:24: error: distribution must be one of fixed, uniform, triangular, normal, lognormal; found 'gaussian'",
            "scenario.yaml:4:32: error: min (20) is above max (10)",
            "scenario.yaml:6:19: error: a triangular distribution needs max",
            "scenario.yaml:11:74: error: a normal distribution takes mean, sd, not 'value'",
            "scenario.yaml:13:13: error: kpis of a correlation must name two different KPIs, such as [nrr, review_velocity]",
            "scenario.yaml:13:30: error: rho must be from -1 to 1, found 2",
        ])
        // Checked against the plan once the file itself is sound.
        let (_, d2) = Pipeline.simulate(request, scenario: scenario("""
            kpis:
              nrrr: { distribution: normal, mean: 1, sd: 0.1 }
              nrr: { distribution: fixed, value: 1, units: { smb: { distribution: fixed, value: 1 } } }
              review_velocity:
                distribution: fixed
                value: 40
                units:
                  smbb: { distribution: fixed, value: 40 }
            correlation:
              - { kpis: [nrr, review_velocity], rho: 0.5 }
              - { kpis: [nrr, cac_payback], rho: 0.5 }
            """), runs: 10, seed: 1, loadFile: loader)
        XCTAssertEqual(TestSupport.errors(d2), [
            "scenario.yaml:2:3: error: the plan has no KPI 'nrrr'; did you mean 'nrr'?",
            "scenario.yaml:3:3: error: KPI 'nrr' has company scope: 'units' is for unit-scope KPIs",
            "scenario.yaml:8:7: error: no payee of plan 'exec-advocacy' is in unit 'smbb'; did you mean 'smb'?",
            "scenario.yaml:10:5: error: KPIs 'nrr' (company scope) and 'review_velocity' (unit scope) cannot be correlated: correlations link KPIs of one scope",
            "scenario.yaml:11:5: error: the correlation names KPI 'cac_payback', which the scenario does not draw",
        ])
        // Correlations no joint distribution has.
        let (_, d3) = Pipeline.simulate(request, scenario: scenario("""
            kpis:
              nrr: { distribution: normal, mean: 1, sd: 0.1 }
              cac_payback: { distribution: normal, mean: 15, sd: 2 }
              reference_fill_rate: { distribution: normal, mean: 0.9, sd: 0.05 }
            correlation:
              - { kpis: [nrr, cac_payback], rho: 0.9 }
              - { kpis: [nrr, reference_fill_rate], rho: 0.9 }
              - { kpis: [cac_payback, reference_fill_rate], rho: -0.9 }
            """), runs: 10, seed: 1, loadFile: loader)
        XCTAssertEqual(TestSupport.errors(d3), [
            "scenario.yaml:6:5: error: the correlations of nrr, cac_payback, reference_fill_rate are not consistent (the matrix is not positive definite): no joint distribution has them",
        ])
    }

    func testDrawsFollowTheirDistributions() {
        var s = Sampler.Stream(seed: 9)
        let n = 20_000
        func stats(_ d: Scenario.Distribution) -> (mean: Double, sd: Double, min: Double, max: Double) {
            var xs: [Double] = []
            for _ in 0..<n { xs.append(Sampler.quantile(d, s.normal())) }
            let mean = xs.reduce(0, +) / Double(n)
            let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)).squareRoot()
            return (mean, sd, xs.min() ?? 0, xs.max() ?? 0)
        }
        let normal = stats(.normal(mean: "100".d, sd: "10".d))
        XCTAssertEqual(normal.mean, 100, accuracy: 0.5); XCTAssertEqual(normal.sd, 10, accuracy: 0.3)
        let log = stats(.lognormal(mean: "15".d, sd: "3".d))
        XCTAssertEqual(log.mean, 15, accuracy: 0.15); XCTAssertEqual(log.sd, 3, accuracy: 0.15); XCTAssertGreaterThan(log.min, 0)
        let uniform = stats(.uniform(min: "10".d, max: "20".d))
        XCTAssertEqual(uniform.mean, 15, accuracy: 0.1); XCTAssertGreaterThanOrEqual(uniform.min, 10); XCTAssertLessThanOrEqual(uniform.max, 20)
        let triangle = stats(.triangular(min: "0".d, mode: "30".d, max: "90".d))
        XCTAssertEqual(triangle.mean, 40, accuracy: 0.5)  // (a + c + b) / 3
        XCTAssertEqual(Sampler.quantile(.fixed("7.5".d), 3.2), 7.5)
        // A drawn value enters the engine as the binary number's exact value, rounded at
        // the 18th decimal, over FixedDecimal's whole range; beyond it, no value at all.
        XCTAssertEqual(Sampler.decimal(0.1234565), "0.123456499999999997".d)
        XCTAssertEqual(Sampler.decimal(0.1), "0.100000000000000006".d)
        XCTAssertEqual(Sampler.decimal(1e-6), "0.000001".d)
        XCTAssertEqual(Sampler.decimal(6e-19), "0.000000000000000001".d)
        XCTAssertEqual(Sampler.decimal(4e-19), .zero)
        XCTAssertEqual(Sampler.decimal(-2.5), "-2.5".d)
        XCTAssertEqual(Sampler.decimal(1.3e12), "1300000000000".d, "no cut-off at 1e12")
        XCTAssertEqual(Sampler.decimal(0x1p66), "73786976294838206464".d)
        XCTAssertEqual(Sampler.decimal(1.7e20), try? FixedDecimal(units: 170_000_000_000_000_000_000, places: 0))
        XCTAssertEqual(Sampler.decimal(-1.7e20), try? FixedDecimal(units: -170_000_000_000_000_000_000, places: 0))
        XCTAssertNil(Sampler.decimal(1.7015e20), "beyond the range: no value, never 0")
        XCTAssertNil(Sampler.decimal(-1e21))
        XCTAssertNil(Sampler.decimal(.infinity))
        XCTAssertNil(Sampler.decimal(.nan))
    }
}
