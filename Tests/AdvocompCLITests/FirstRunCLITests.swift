import Foundation
import XCTest
import AdvocompTestSupport

/// The README's tours on the samples, as a first-time user runs them (issue 15 point 6):
/// `validate plans/*.yaml` (the OKR set among the plans), one warning for the other plans'
/// KPIs, `explain` with money as paid, and the annual true-up on the samples' full year.
final class FirstRunCLITests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    func advocomp(_ args: [String], in directory: URL = CLI.repoRoot) throws -> CLI.Run {
        try CLI.run(CLI.binary, CLI.withoutHistory(args), in: directory)
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-firstrun-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    static let samples = ["--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv"]

    // MARK: validate plans/*.yaml

    /// README's tour: `advocomp validate plans/*.yaml`, every YAML file under plans/ as the
    /// shell's glob gives them (the OKR set among them), exits 0 with a line per file.
    func testTheReadmeValidateTourExitsZeroAndSaysWhatEachFileIs() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: CLI.repoRoot.appendingPathComponent("plans").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "plans/" + $0 }
        XCTAssertTrue(files.contains("plans/okrs-fy2026.yaml"))
        let r = try advocomp(["validate"] + files)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.map { String($0.prefix { $0 != ":" }) }, files, r.stdout)
        for (file, line) in zip(files, lines) where file != "plans/okrs-fy2026.yaml" {
            XCTAssertTrue(line.hasPrefix(file + ": plan "), line)
        }
        XCTAssertEqual(lines.last { $0.hasPrefix("plans/okrs-fy2026.yaml") },
                       "plans/okrs-fy2026.yaml: OKR set is valid: 2 objectives, 4 key results; read by plans cco-nrr-expansion, ceo-referral-pipeline, "
                       + "cmo-review-velocity, cro-reference-program (each checks the KPIs of the objectives it scores)")
        // Alone, nothing checks the KPIs it names, and it says so.
        let alone = try advocomp(["validate", "plans/okrs-fy2026.yaml"])
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssertEqual(alone.stdout, "plans/okrs-fy2026.yaml: OKR set is valid: 2 objectives, 4 key results; no plan given names it, so the KPIs it names are not checked (a plan naming it checks those it scores)\n")
    }

    /// A broken OKR set gives the OKR reader's located errors, once, whether it is checked
    /// alone or also through a plan naming it; a file that is neither a plan nor an OKR set
    /// says so. (A misspelt key is read as the key it resembles, so kr2 has its weight.)
    func testABrokenOKRSetGivesLocatedErrorsOnceAndAFileThatIsNeitherSaysSo() throws {
        let dir = try temporaryDirectory()
        try """
            # shared OKRs
            okrs:
              - id: growth
                owners: [sales]
                key_results:
                  - { id: kr1, kpi: pipe, start: 0, target: 1000, weight: 60% }
                  - { id: kr2, kpi: cac, start: 30, target: 30, weigth: 40% }

            """.write(to: dir.appendingPathComponent("okrs.yaml"), atomically: true, encoding: .utf8)
        try """
            plan: p
            version: "1"
            currency: USD
            kpis:
              pipe: { target: 1000 }
              cac: { better: lower, target: 20 }
            okrs: okrs.yaml
            components:
              - { id: shared, weight: 100%, okr: growth }

            """.write(to: dir.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try "scenario: base\nkpis: {}\n".write(to: dir.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let okrErrors = """
            okrs.yaml:7:49: error: key result 'kr2': start and target are equal, so progress is undefined
            okrs.yaml:7:53: error: unknown key 'weigth' in key result; did you mean 'weight'? (allowed: id, kpi, start, target, weight, max)
            """
        let alone = try advocomp(["validate", "okrs.yaml"], in: dir)
        XCTAssertEqual(alone.status, 1)
        XCTAssertEqual(alone.stdout, "")
        XCTAssertEqual(alone.stderr, okrErrors + "\n2 errors\n")

        let all = try advocomp(["validate", "plan.yaml", "okrs.yaml", "base.yaml"], in: dir)
        XCTAssertEqual(all.status, 1)
        XCTAssertEqual(all.stdout, "")
        XCTAssertEqual(all.stderr, okrErrors + """

            base.yaml:1:1: error: this is a scenario (for advocomp simulate --scenario), not a plan or an OKR set: a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'
            3 errors

            """)
    }

    // MARK: One warning for the other plans' KPIs

    func testASamplePlanWarnsOnceAboutTheKPIsOfTheOtherPlans() throws {
        let r = try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--period", "2026-Q3", "--format", "csv"] + Self.samples)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, """
            samples/actuals-2026.csv:2:1: warning: 11 KPIs in the actuals are not defined by plan 'cro-reference-program'; their rows are ignored: review_rating, referral_bookings_arr, nrr, gross_retention, expansion_arr and 6 more
            1 warning

            """)
    }

    /// Several plans in one run: one warning, about the KPIs none of them defines.
    func testSeveralPlansInOneRunWarnOnceAboutTheKPIsNoneOfThemDefines() throws {
        let two = try advocomp(["calculate", "--plan", "plans/cro-reference-program.yaml", "--plan", "plans/cmo-review-velocity.yaml",
                                "--period", "2026-Q3", "--format", "csv"] + Self.samples)
        XCTAssertEqual(two.status, 0, two.stderr)
        XCTAssertEqual(two.stderr, """
            samples/actuals-2026.csv:10:1: warning: 8 KPIs in the actuals are not defined by any plan of the run ('cro-reference-program', 'cmo-review-velocity'); their rows are ignored: referral_bookings_arr, nrr, gross_retention, expansion_arr, advocate_retention and 3 more
            1 warning

            """)
        let plans = try CLI.samplePlans().flatMap { ["--plan", "plans/" + $0] }
        let all = try advocomp(["calculate", "--events", "samples/events-2026.csv", "--period", "2026-Q3", "--format", "csv"] + plans + Self.samples)
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertFalse(all.stderr.contains("actuals"), all.stderr)
    }

    // MARK: explain

    func testExplainShowsMoneyAsPaidAndEveryDigitWithExact() throws {
        let args = ["explain", "--plan", "plans/cro-reference-program.yaml", "--period", "2026-Q3", "--payee", "E1101", "-q"] + Self.samples
        let paid = try advocomp(args)
        XCTAssertEqual(paid.status, 0, paid.stderr)
        let exact = try advocomp(args + ["--exact"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        for line in [
            "Money is shown as it is paid: rounded to 2 decimals (half-even). The calculation keeps every digit,",
            "   TI = 264000.00 x 1/4 x 92/92 = 66000.00",
            "     amount = 66000.00 x 60% x 123.666667% = 48972.00",
            "     amount = 66000.00 x 25% x 128.125% = 21140.62",
            "     applies to reference-programme, advocacy-win-rate, shared-okr: reference-programme 56317.80, advocacy-win-rate 24311.72, shared-okr 11385.00",
            "5. Gross = 92014.52",
            "   cap 200% x TI = 132000.00",
            "6. Rounding: the gross to 2 decimals (half-even) = 92014.52",
        ] {
            XCTAssertTrue(paid.stdout.contains("\n" + line + "\n"), "missing: \(line)\n\(paid.stdout)")
        }
        for line in [
            "Money is shown exact, with every digit the calculation keeps; it is rounded once, in step 6.",
            "   TI = 264000 x 1/4 x 92/92 = 66000",
            "     amount = 66000 x 0.6 x 1.236666666666666668 = 48972.0000000000000528",
            "     amount = 66000 x 0.25 x 1.28125 = 21140.625",
            "5. Gross = 92014.51875000000006072",
            "6. Rounding: 92014.51875000000006072 to 2 decimals (half-even) = 92014.52",
        ] {
            XCTAssertTrue(exact.stdout.contains("\n" + line + "\n"), "missing: \(line)\n\(exact.stdout)")
        }
        // Attainments and factors are the same either way; so is the payout.
        let factors = { (s: String) in s.split(separator: "\n").filter { $0.contains("attainment") || $0.contains("factor") && !$0.contains("applies") } }
        XCTAssertEqual(factors(paid.stdout), factors(exact.stdout))
        XCTAssertTrue(paid.stdout.hasSuffix("\nPayout: 84650.86 USD (status ok)\n"), paid.stdout)
        XCTAssertTrue(exact.stdout.hasSuffix("\nPayout: 84650.86 USD (status ok)\n"), exact.stdout)
    }

    // MARK: The true-up on the samples

    /// README's true-up tour: the four quarters of cmo-review-velocity calculated, approved
    /// and closed into a history of its own, then the 2026 true-up. Its full year is checked
    /// against an independent full-year calculation (the plan paid per year with its annual
    /// targets, on the samples' 2026-FY rows), what was paid against the quarters' own
    /// output, and its totals against its lines. The totals are README's.
    func testTheReadmeTrueUpTourOnTheSamples() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("history.db").path
        let inputs = ["--plan", "plans/cmo-review-velocity.yaml"] + Self.samples
        var paid: [String: Decimal] = [:]
        for q in 1...4 {
            let c = try advocomp(["calculate", "-q", "--format", "csv", "--period", "2026-Q\(q)", "--db", db] + inputs)
            XCTAssertEqual(c.status, 0, c.stderr)
            XCTAssertEqual(c.stderr, "recorded as run \(q) in \(db)\n")
            for row in c.stdout.split(separator: "\n").dropFirst() {
                let f = row.split(separator: ",").map(String.init)
                if f[1] == "ok" { paid[f[0], default: 0] += try XCTUnwrap(Decimal(string: f[4])) }
            }
            XCTAssertEqual(try advocomp(["approve", "\(q)", "--db", db]).status, 0)
            XCTAssertEqual(try advocomp(["close", "--period", "2026-Q\(q)", "--db", db]).status, 0)
        }
        let t = try advocomp(["true-up", "--year", "2026", "--format", "json", "-q", "--db", db] + inputs)
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertEqual(t.stderr, "recorded as run 5 in \(db)\n")
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [String: Any])
        let lines = try XCTUnwrap(o["payees"] as? [[String: Any]])

        // The full year on its own: the plan paid per year, with the annual targets of its
        // true_up section in place of the quarterly ones.
        var plan = try String(contentsOf: CLI.repoRoot.appendingPathComponent("plans/cmo-review-velocity.yaml"), encoding: .utf8)
        for (from, to) in [("pays: quarter", "pays: year"),
                           ("target: 150 ", "target: 600 "), ("targets: { marketing: 180, customer-success: 90 }", "targets: { marketing: 720, customer-success: 360 }"),
                           ("target: 6\n", "target: 24\n"), ("targets: { marketing: 8, customer-success: 4 }", "targets: { marketing: 32, customer-success: 16 }")] {
            XCTAssertTrue(plan.contains(from), from)
            plan = plan.replacingOccurrences(of: from, with: to)
        }
        plan = String(plan[..<(try XCTUnwrap(plan.range(of: "\ntrue_up:"))).lowerBound]) + "\n"
        try plan.write(to: dir.appendingPathComponent("year.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent("plans/okrs-fy2026.yaml"), to: dir.appendingPathComponent("okrs-fy2026.yaml"))
        let fy = try advocomp(["calculate", "--no-db", "-q", "--format", "csv", "--period", "2026-FY", "--plan", dir.appendingPathComponent("year.yaml").path,
                               "--roster", "samples/roster.csv", "--actuals", "samples/actuals-2026.csv"])
        XCTAssertEqual(fy.status, 0, fy.stderr)
        var fullYear: [String: Decimal] = [:]
        for row in fy.stdout.split(separator: "\n").dropFirst() {
            let f = row.split(separator: ",").map(String.init)
            fullYear[f[0]] = try XCTUnwrap(Decimal(string: f[4]))
        }
        XCTAssertEqual(fullYear.count, 10)
        XCTAssertEqual(lines.map { $0["payee_id"] as? String ?? "" }, fullYear.keys.sorted())

        var sums: [String: Decimal] = [:]
        func amount(_ line: [String: Any], _ key: String) throws -> Decimal {
            let v = try XCTUnwrap(Decimal(string: try XCTUnwrap(line[key] as? String, key)))
            sums[key, default: 0] += v
            return v
        }
        for l in lines {
            let id = try XCTUnwrap(l["payee_id"] as? String)
            XCTAssertEqual(try amount(l, "full_year_payout"), fullYear[id], id)
            XCTAssertEqual(try amount(l, "paid"), paid[id] ?? 0, id)
            XCTAssertEqual(try amount(l, "carried_in"), 0, id)
            // negative: carry
            let raw = (fullYear[id] ?? 0) - (paid[id] ?? 0)
            XCTAssertEqual(try amount(l, "true_up"), max(raw, 0), id)
            XCTAssertEqual(try amount(l, "carry_forward"), max(-raw, 0), id)
            XCTAssertEqual(try amount(l, "forgiven"), 0, id)
        }
        let totals = try XCTUnwrap((o["totals"] as? [String: Any])?["USD"] as? [String: Any])
        for key in ["full_year_payout", "paid", "carried_in", "true_up", "carry_forward", "forgiven"] {
            XCTAssertEqual(Decimal(string: totals[key] as? String ?? ""), sums[key], key)
        }
        XCTAssertEqual(totals["full_year_payout"] as? String, "887310.88")
        XCTAssertEqual(totals["paid"] as? String, "791320.19")
        XCTAssertEqual(totals["true_up"] as? String, "108363.22")
        XCTAssertEqual(totals["carry_forward"] as? String, "12372.53")
    }
}
