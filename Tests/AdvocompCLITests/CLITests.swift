import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// The built `advocomp` binary, run as a user would: exit codes, standard output and
/// standard error, files written. `swift build` (or `swift test`, which builds every
/// product) puts the binary next to the test bundle (`CLI.binary`).
final class CLITests: XCTestCase {
    typealias Run = CLI.Run

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    /// Runs advocomp with `args` in `directory` (see `CLI.run`). A `calculate` that
    /// does not name its history gets `--no-db`: these tests are not about the history
    /// (HistoryCLITests is), and must not leave advocomp.db files about.
    func advocomp(_ args: [String], in directory: URL? = nil) throws -> Run {
        try CLI.run(CLI.binary, CLI.withoutHistory(args), in: directory)
    }

    /// A fresh empty directory, removed after the test.
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A conformance case folder from the test bundle.
    func caseFolder(_ name: String) throws -> URL { try Conformance.folder(name) }

    /// A copy of a conformance case in a temporary directory.
    func copyOfCase(_ name: String) throws -> URL {
        let dir = try temporaryDirectory().appendingPathComponent(name, isDirectory: true)
        try FileManager.default.copyItem(at: try caseFolder(name), to: dir)
        return dir
    }

    static let case01Args = ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv", "--period", "2026-Q1"]
    static let case01CSV = """
        payee_id,status,currency,target_incentive,payout
        E001,ok,USD,31000.00,37089.29
        E002,ok,USD,33187.50,26431.47
        E003,ok,USD,13125.00,14390.62
        E004,ok,USD,10062.50,12039.06
        E005,ineligible,USD,0.00,0.00

        """
    /// Case 01's CSV with E003's tie either way (see README, Numbers).
    static let case01CSVAlternatives = [case01CSV, case01CSV.replacingOccurrences(of: "14390.62", with: "14390.63")]

    // MARK: calculate

    func testCalculateCSVOnConformanceCase01() throws {
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv"], in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(Self.case01CSVAlternatives.contains(r.stdout), "stdout:\n\(r.stdout)")
    }

    func testCalculateTableAndJSONOnConformanceCase01() throws {
        let dir = try caseFolder("01-scorecard-basics")
        let table = try advocomp(["calculate"] + Self.case01Args, in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("37,089.29"), table.stdout)
        XCTAssertTrue(table.stdout.contains("\nBy unit\n") && table.stdout.contains("\nBy status\n"), table.stdout)
        let json = try advocomp(["calculate"] + Self.case01Args + ["--format", "json"], in: dir)
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(object?["plan"] as? String, "exec-advocacy")
        XCTAssertEqual((object?["payees"] as? [Any])?.count, 5)
    }

    func testOutputFileIsPrivateAndWrittenWhole() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let out = dir.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: false)
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv", "--output", "out/q1.csv"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "", "with --output nothing goes to standard output")
        XCTAssertEqual(r.stderr, "")
        let file = out.appendingPathComponent("q1.csv")
        XCTAssertTrue(Self.case01CSVAlternatives.contains(try String(contentsOf: file, encoding: .utf8)))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode.map { String($0.intValue, radix: 8) }, "600")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["q1.csv"],
                       "no temporary file is left beside the output")
    }

    func testOutputReplacesAnExistingFileAndMakesItPrivate() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let file = dir.appendingPathComponent("q1.csv")
        try "stale\n".write(to: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv", "--output", file.path], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(Self.case01CSVAlternatives.contains(try String(contentsOf: file, encoding: .utf8)))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode.map { String($0.intValue, radix: 8) }, "600")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["actuals.csv", "case.yaml", "expected.csv", "plan.yaml", "q1.csv", "roster.csv"])
    }

    func testOutputIntoAMissingDirectoryFailsAndLeavesNothing() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv", "--output", "nowhere/q1.csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "nowhere/q1.csv: error: --output: cannot write nowhere/q1.csv: no such directory (nowhere)\n1 error\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nowhere").path))
    }

    func testAnInputErrorGoesToStandardErrorWithExit1AndNoOutput() throws {
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv"], in: try caseFolder("96-misspelt-key"))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
            plan.yaml:30:46: error: unknown key 'curv' in measure; did you mean 'curve'? (allowed: kpi, weight, curve)
            1 error

            """)
    }

    func testAnInputErrorWritesNoOutputFile() throws {
        let dir = try copyOfCase("96-misspelt-key")
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv", "--output", "q1.csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("q1.csv").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["actuals.csv", "case.yaml", "plan.yaml", "roster.csv"])
    }

    /// Issue 13: 700 payees each paid 250000000000000000.00 come to 1.75e20, beyond the
    /// largest amount (about 1.7e20). The total is never saturated or wrapped: the run
    /// stops at the payee whose payout took it there, and nothing is written.
    func testATotalBeyondTheRangeIsALocatedErrorWithNoOutput() throws {
        let dir = try temporaryDirectory()
        try """
            plan: big
            version: "1"
            currency: USD
            kpis:
              amount: { target: 1 }
            components:
              - id: pay
                weight: 100%
                formula: "amount"
            """.write(to: dir.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        // A target incentive of 1 each (4 a year, a full quarter): each payout is `amount`.
        let rows = (1...700).map { String(format: "E%04d,Payee %d,sales,4\n", $0, $0) }.joined()
        try ("payee_id,name,unit,target_bonus\n" + rows).write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        try "period,scope,kpi,value\n2026-Q1,company,amount,250000000000000000\n"
            .write(to: dir.appendingPathComponent("actuals.csv"), atomically: true, encoding: .utf8)
        let expected = """
            roster.csv:682:1: error: payee E0681's payout of 250000000000000000.00 takes the run's payout total in USD, the payout total of status ok in USD and the payout total of unit 'sales' in USD beyond the largest amount advocomp can hold (170141183460469231731.68 USD)
            1 error

            """
        for format in ["table", "json", "csv"] {
            let r = try advocomp(["calculate"] + Self.case01Args + ["--format", format], in: dir)
            XCTAssertEqual(r.status, 1, format)
            XCTAssertEqual(r.stdout, "", "\(format): no output")
            XCTAssertEqual(r.stderr, expected, format)
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let written = try advocomp(["calculate"] + Self.case01Args + ["--format", "json", "--output", "out.json", "--xlsx", "out.xlsx",
                                                                      "--payroll", "pay.csv"], in: dir)
        XCTAssertEqual(written.status, 1)
        XCTAssertEqual(written.stderr, expected)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), before, "no file written")
        // 680 payees come to 1.7e20 exactly: within range, and the total is exact.
        let fewer = "payee_id,name,unit,target_bonus\n" + (1...680).map { String(format: "E%04d,Payee %d,sales,4\n", $0, $0) }.joined()
        try fewer.write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        let ok = try advocomp(["calculate"] + Self.case01Args + ["--format", "json"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let totals = (try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])?["totals"] as? [String: Any]
        XCTAssertEqual((totals?["by_currency"] as? [String: [String: String]])?["USD"]?["payout"], "170000000000000000000.00")
    }

    func testAMissingInputFile() throws {
        let dir = try caseFolder("01-scorecard-basics")
        let r = try advocomp(["calculate", "--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "no-such-actuals.csv",
                              "--period", "2026-Q1", "--format", "csv"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "no-such-actuals.csv: error: cannot read the file: no such file\n1 error\n")

        let missing = try temporaryDirectory().appendingPathComponent("plan.yaml").path
        let p = try advocomp(["calculate", "--plan", missing, "--roster", "roster.csv", "--actuals", "actuals.csv",
                              "--period", "2026-Q1"], in: dir)
        XCTAssertEqual(p.status, 1)
        XCTAssertEqual(p.stderr, "\(missing): error: cannot read the file: no such file\n1 error\n")
    }

    func testADirectoryGivenAsAnInputFile() throws {
        let r = try advocomp(["calculate", "--plan", "plan.yaml", "--roster", ".", "--actuals", "actuals.csv",
                              "--period", "2026-Q1"], in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, ".: error: cannot read the file: it is a directory\n1 error\n")
    }

    func testAMissingEventsFileIsAnError() throws {
        let r = try advocomp(["calculate"] + Self.case01Args + ["--format", "csv", "--events", "x.csv"],
                             in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "x.csv: error: cannot read the file: no such file\n1 error\n")
    }

    static let case04 = ["--plan", "plan.yaml", "--roster", "roster.csv", "--events", "events.csv", "--period", "2026-Q1", "-q"]

    func testFindingsInTheJSON() throws {
        let r = try advocomp(["calculate", "--actuals", "actuals.csv", "--format", "json"] + Self.case04,
                             in: try caseFolder("04-ledger-gaming"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let findings = try XCTUnwrap(json?["findings"] as? [[String: Any]])
        XCTAssertEqual(findings.map { $0["check"] as? String }, ["unverified", "consent", "ask_cap", "ask_cap", "ask_cap",
                                                                 "period_end_spike", "concentration"])
        XCTAssertEqual(findings[1]["payee_id"] as? String, "P4")
        XCTAssertEqual(findings[1]["event_ids"] as? [String], ["ev11"])
        XCTAssertEqual(findings[1]["action"] as? String, "hold")
        XCTAssertEqual(findings[1]["detail"] as? String, "reference_call with advocate A5 on 2026-02-20 has consent no (yes is needed)")
    }

    /// Inputs are read to their end whatever they are: an events file coming through a
    /// pipe (size 0 to stat) gives the same payouts as the file itself.
    func testEventsThroughAPipeGiveTheSameResult() throws {
        let folder = try caseFolder("04-ledger-gaming")
        let args = ["calculate", "--actuals", "actuals.csv", "--format", "csv", "--plan", "plan.yaml", "--roster", "roster.csv",
                    "--period", "2026-Q1", "-q"]
        let direct = try advocomp(args + ["--events", "events.csv"], in: folder)
        XCTAssertEqual(direct.status, 0, direct.stderr)
        let piped = try CLI.run(URL(fileURLWithPath: "/bin/sh"),
                                ["-c", "cat events.csv | \"$0\" \"$@\" --events /dev/stdin", CLI.binary.path] + CLI.withoutHistory(args), in: folder)
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(direct.stdout.contains(",held"), direct.stdout)
        XCTAssertEqual(piped.stdout, direct.stdout)
    }

    func testAuditExitsZeroWithFindings() throws {
        let r = try advocomp(["audit"] + Self.case04, in: try caseFolder("04-ledger-gaming"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("7 findings for 5 payees"), r.stdout)
        XCTAssertTrue(r.stdout.contains("P4 (Di Wolfe, CS Manager, unit west): payout held\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("    events.csv:13  ev11  2026-02-20  reference_call  advocate A5  account AC5  solicited by P4  system  consent no\n"), r.stdout)
    }

    func testAdvocatesCalendar() throws {
        let r = try advocomp(["advocates", "--plan", "plan.yaml", "--events", "events.csv", "--as-of", "2026-03-31",
                              "--format", "csv"], in: try caseFolder("04-ledger-gaming"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "advocate,asks_365d,accepted_365d,last_ask,last_ask_date,next_allowed,state")
        // A2: four accepted asks from 2025-04-20; the fifth is allowed when the first leaves the window.
        XCTAssertTrue(lines.contains("A2,5,4,ev03,2025-12-01,2026-04-20,at yearly cap"), r.stdout)
        // A1: ev05 was over the cap; the last accepted ask is ev06, so 60 days after it.
        XCTAssertTrue(lines.contains("A1,3,2,ev06,2026-03-20,2026-05-19,cooling down"), r.stdout)
        XCTAssertTrue(lines.contains("A13,0,0,,,2026-03-31,available"), r.stdout)
        let one = try advocomp(["advocates", "--plan", "plan.yaml", "--events", "events.csv", "--as-of", "2026-05-19",
                                "--advocate", "A1", "--format", "csv"], in: try caseFolder("04-ledger-gaming"))
        XCTAssertEqual(one.stdout.split(separator: "\n").last.map(String.init), "A1,4,2,ev06,2026-03-20,2026-05-19,available")
    }

    func testAPeriodThePlanDoesNotPay() throws {
        let args = ["calculate", "--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv",
                    "--period", "2026-H1", "--format", "csv"]
        let r = try advocomp(args, in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
            plan.yaml:5:1: error: plan 'exec-advocacy' pays per quarter, so it cannot be calculated for 2026-H1 (ask for a quarter, such as 2026-Q1, period)
            1 error

            """)
        XCTAssertTrue(r.stderr.contains("pays"))
    }

    func testAnUnknownOptionIsAUsageError() throws {
        let r = try advocomp(["calculate"] + Self.case01Args + ["--bogus"], in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("Unknown option '--bogus'"), r.stderr)
    }

    // MARK: --quiet

    func testQuietHidesWarningsButNotErrors() throws {
        let dir = try copyOfCase("01-scorecard-basics")
        let actuals = dir.appendingPathComponent("actuals.csv")
        let original = try String(contentsOf: actuals, encoding: .utf8)
        XCTAssertTrue(original.hasSuffix("\n"))
        try (original + "2026-Q1,company,mystery_kpi,1\n").write(to: actuals, atomically: true, encoding: .utf8)
        let args = ["calculate"] + Self.case01Args + ["--format", "csv"]

        let loud = try advocomp(args, in: dir)
        XCTAssertEqual(loud.status, 0, loud.stderr)
        XCTAssertTrue(Self.case01CSVAlternatives.contains(loud.stdout), loud.stdout)
        XCTAssertEqual(loud.stderr, """
            actuals.csv:9:1: warning: KPI 'mystery_kpi' is not defined by plan 'exec-advocacy'; its rows are ignored
            1 warning

            """)

        let quiet = try advocomp(args + ["--quiet"], in: dir)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stdout, loud.stdout)
        XCTAssertEqual(quiet.stderr, "")
        let q = try advocomp(args + ["-q"], in: dir)
        XCTAssertEqual(q.stderr, "")

        // An error as well: --quiet still prints it (and counts only what it prints).
        let broken = original.replacingOccurrences(of: "2026-Q1,company,cac_payback,15", with: "2026-Q1,company,cac_payback,15x")
        XCTAssertNotEqual(broken, original)
        try (broken + "2026-Q1,company,mystery_kpi,1\n").write(to: actuals, atomically: true, encoding: .utf8)
        let failed = try advocomp(args + ["--quiet"], in: dir)
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(failed.stdout, "")
        XCTAssertTrue(failed.stderr.hasPrefix("actuals.csv:7:4: error: "), failed.stderr)
        XCTAssertTrue(failed.stderr.hasSuffix("\n1 error\n"), failed.stderr)
        XCTAssertFalse(failed.stderr.contains("warning"), failed.stderr)
        let failedLoud = try advocomp(args, in: dir)
        XCTAssertTrue(failedLoud.stderr.contains("warning: KPI 'mystery_kpi'"), failedLoud.stderr)
        XCTAssertTrue(failedLoud.stderr.hasSuffix("\n1 error, 1 warning\n"), failedLoud.stderr)
    }

    // MARK: validate

    func testValidateAGoodPlan() throws {
        let r = try advocomp(["validate", "plan.yaml"], in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 0, r.stderr)
        // The summary line (README: "one summary line per valid plan"), on either stream.
        XCTAssertEqual(r.stdout + r.stderr, "plan.yaml: plan exec-advocacy v2026.1 is valid: 4 KPIs, 1 components, 1 modifiers\n")
    }

    func testValidateABadPlan() throws {
        let r = try advocomp(["validate", "plan.yaml"], in: try caseFolder("96-misspelt-key"))
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, """
            plan.yaml:30:46: error: unknown key 'curv' in measure; did you mean 'curve'? (allowed: kpi, weight, curve)
            1 error

            """)
    }

    func testValidateTwoPlansOneBad() throws {
        let root = try Conformance.root()
        let good = "01-scorecard-basics/plan.yaml", bad = "90-weights-do-not-sum/plan.yaml"
        for order in [[good, bad], [bad, good]] {
            let r = try advocomp(["validate"] + order, in: root)
            XCTAssertEqual(r.status, 1, "\(order)")
            let all = r.stdout + r.stderr
            XCTAssertTrue(all.contains("\(bad):30:7: error: measure weights sum to 90%, not 100%\n"), all)
            XCTAssertTrue(all.contains("\(good): plan exec-advocacy v2026.1 is valid"), all)
            XCTAssertFalse(all.contains("\(bad): plan"), all)
        }
    }

    /// README, "Errors and warnings": diagnostics are sorted by file position. `calculate`
    /// prints them so; `validate` must print the same plan's diagnostics in the same order.
    func testValidatePrintsDiagnosticsInFileOrderLikeCalculate() throws {
        let dir = try temporaryDirectory()
        try """
            plan: c
            version: "1"
            curency: USD
            pays: year
            kpis:
              k: { target: 100 }
            components:
              - id: main
                weight: 100%
                measures:
                  - { kpii: k, weight: 100% }

            """.write(to: dir.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try "payee_id,target_bonus\nA,1000\n".write(to: dir.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
        try "period,scope,kpi,value\n2026-FY,company,k,100\n".write(to: dir.appendingPathComponent("actuals.csv"), atomically: true, encoding: .utf8)
        let expected = """
            plan.yaml:3:1: error: unknown key 'curency' in the plan; did you mean 'currency'? (allowed: plan, version, title, currency, fiscal_year_start_month, pays, rounding, cap, floor, eligibility, kpis, curves, okrs, components, modifiers, pool, earning_code, gaming, true_up, economics)
            plan.yaml:11:11: error: unknown key 'kpii' in measure; did you mean 'kpi'? (allowed: kpi, weight, curve)
            2 errors

            """
        let calculate = try advocomp(["calculate", "--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv",
                                      "--period", "2026-FY"], in: dir)
        XCTAssertEqual(calculate.status, 1)
        XCTAssertEqual(calculate.stderr, expected)
        let validate = try advocomp(["validate", "plan.yaml"], in: dir)
        XCTAssertEqual(validate.status, 1)
        XCTAssertEqual(validate.stderr, expected)
    }

    func testValidateEverySamplePlan() throws {
        let plans = try CLI.samplePlans()
        let r = try advocomp(["validate"] + plans.map { "plans/\($0)" }, in: CLI.repoRoot)
        XCTAssertEqual(r.status, 0, r.stderr)
        for p in plans { XCTAssertTrue((r.stdout + r.stderr).contains("plans/\(p): plan "), "\(p): \(r.stderr)") }
        XCTAssertFalse(r.stderr.contains("error"), r.stderr)
    }

    // MARK: explain

    func testExplainAnUnknownPayee() throws {
        let dir = try caseFolder("01-scorecard-basics")
        let r = try advocomp(["explain"] + Self.case01Args + ["--payee", "NOPE"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "advocomp: error: payee 'NOPE' is not on plan 'exec-advocacy' in roster.csv\n1 error\n")

        let typo = try advocomp(["explain"] + Self.case01Args + ["--payee", "E03"], in: dir)
        XCTAssertEqual(typo.status, 1)
        XCTAssertEqual(typo.stdout, "")
        XCTAssertEqual(typo.stderr, "advocomp: error: payee 'E03' is not on plan 'exec-advocacy' in roster.csv; did you mean 'E003'?\n1 error\n")

        // E006 is in the roster, on another plan.
        let other = try advocomp(["explain"] + Self.case01Args + ["--payee", "E006"], in: dir)
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.hasPrefix("advocomp: error: payee 'E006' is not on plan 'exec-advocacy' in roster.csv"), other.stderr)
    }

    func testExplainAPayee() throws {
        let r = try advocomp(["explain"] + Self.case01Args + ["--payee", "E003"], in: try caseFolder("01-scorecard-basics"))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        for line in [
            "Payee E003 Cleo Varga, CCO, unit midmarket",
            "   annual target = base_salary 270000 x target_bonus_pct 35% = 94500.00",
            "   active days = 50 of 90 (start 2026-02-10, end none)",
            "   TI = 94500.00 x 1/4 x 50/90 = 13125.00",
            "   review_velocity = 44  [actuals.csv:4 (unit:midmarket)]; target 40 [target]; attainment 44 / 40 = 110%",
            "     review_velocity: weight 40% x factor 125% (curve standard at 110%)",
            "   company-multiplier (table): cac_payback = 15: row 2 (at_most 18) matches -> factor 1",
        ] {
            XCTAssertTrue(r.stdout.contains("\n" + line + "\n") || r.stdout.hasPrefix(line + "\n"), "missing: \(line)\n\(r.stdout)")
        }
        XCTAssertTrue(r.stdout.hasSuffix("\nPayout: 14390.62 USD (status ok)\n")
                      || r.stdout.hasSuffix("\nPayout: 14390.63 USD (status ok)\n"), r.stdout)
    }

    // MARK: The sample company

    func testEverySamplePlanForEveryQuarter() throws {
        let plans = try CLI.samplePlans()
        XCTAssertFalse(plans.isEmpty)
        // Payees per plan, from the roster's plan column.
        var diagnostics: [Diagnostic] = []
        let rosterBytes = try Data(contentsOf: CLI.repoRoot.appendingPathComponent("samples/roster.csv"))
        let roster = CSVTable(file: "roster.csv", bytes: [UInt8](rosterBytes), diagnostics: &diagnostics)
        XCTAssertEqual(TestSupport.rendered(diagnostics), [])
        let planColumn = try XCTUnwrap(roster.columnIndex("plan"))
        var onPlan: [String: Int] = [:]
        for row in 0..<roster.count { onPlan[roster.trimmedString(row: row, column: planColumn), default: 0] += 1 }

        for plan in plans {
            let text = try String(contentsOf: CLI.repoRoot.appendingPathComponent("plans/\(plan)"), encoding: .utf8)
            let id = text.split(separator: "\n").first { $0.hasPrefix("plan:") }
                .map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces) } ?? "?"
            for quarter in 1...4 {
                let r = try advocomp(["calculate", "--plan", "plans/\(plan)", "--roster", "samples/roster.csv",
                                      "--actuals", "samples/actuals-2026.csv", "--events", "samples/events-2026.csv",
                                      "--period", "2026-Q\(quarter)",
                                      "--format", "csv"], in: CLI.repoRoot)
                let what = "\(plan) 2026-Q\(quarter)"
                XCTAssertEqual(r.status, 0, "\(what):\n\(r.stderr)")
                XCTAssertFalse(r.stderr.contains("error"), "\(what):\n\(r.stderr)")
                let lines = r.stdout.split(separator: "\n").map(String.init)
                XCTAssertEqual(lines.first, "payee_id,status,currency,target_incentive,payout", what)
                XCTAssertGreaterThan(lines.count, 1, what)
                XCTAssertEqual(lines.count - 1, onPlan[id] ?? -1, "\(what): one row per roster row on plan \(id)")
            }
        }
    }

    /// The ledger stories samples/README.md and README tell stay true.
    func testTheSampleLedgerEscalations() throws {
        let args = ["--plan", "plans/field-advocacy-ledger.yaml", "--roster", "samples/roster.csv", "--events", "samples/events-2026.csv"]
        let q3 = try advocomp(["calculate"] + args + ["--actuals", "samples/actuals-2026.csv", "--period", "2026-Q3", "--format", "json", "-q"],
                              in: CLI.repoRoot)
        XCTAssertEqual(q3.status, 0, q3.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(q3.stdout.utf8)) as? [String: Any])
        let findings = try XCTUnwrap(json["findings"] as? [[String: Any]])
        let escalation = findings.filter { $0["check"] as? String == "escalation" }
        XCTAssertEqual(escalation.map { $0["event_ids"] as? [String] ?? [] }, [["ev0598", "ev0597"]])
        XCTAssertEqual(escalation.first?["payee_id"] as? String, "E1502")
        let payees = try XCTUnwrap(json["payees"] as? [[String: Any]])
        XCTAssertEqual(payees.first { $0["payee_id"] as? String == "E1502" }?["payout"] as? String, "8829.33")

        let calendar = try advocomp(["advocates", "--plan", "plans/field-advocacy-ledger.yaml", "--events", "samples/events-2026.csv",
                                     "--as-of", "2026-09-30", "--format", "csv"], in: CLI.repoRoot)
        XCTAssertEqual(calendar.status, 0, calendar.stderr)
        let blocked = calendar.stdout.split(separator: "\n").filter { $0.hasSuffix("do not ask (escalated since 2026-09-22)") }
        XCTAssertEqual(blocked.map { String($0.prefix(5)) }, ["A-IN1", "A-IN2"])

        let audit = try advocomp(["audit"] + args + ["--period", "2026-Q2"], in: CLI.repoRoot)
        XCTAssertEqual(audit.status, 0, audit.stderr)
        XCTAssertTrue(audit.stdout.contains("Asks made during escalations (escalation check, 30 days): 1\n"), audit.stdout)
        XCTAssertTrue(audit.stdout.contains("E1504 (Tomasz Nowak, Head of Customer Community, unit customer-success): payout held\n"), audit.stdout)
    }
}
