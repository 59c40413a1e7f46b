import Foundation
import XCTest
import AdvocompTestSupport

/// A quarter's close as finance runs it on the samples: several plans in one run, the run
/// set approved, shown, replayed, diffed and closed as one; payroll that never pays twice;
/// the approval trail; options given twice.
final class RunSetCLITests: XCTestCase {
    typealias Run = CLI.Run

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    /// An empty directory to work in (the samples are read where they are).
    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-runset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String], in dir: URL) throws -> Run { try CLI.run(CLI.binary, args, in: dir) }

    static func plan(_ name: String) -> String { CLI.repoRoot.appendingPathComponent("plans/\(name).yaml").path }
    static func sample(_ name: String) -> String { CLI.repoRoot.appendingPathComponent("samples/\(name)").path }
    static let inputs = ["--roster", sample("roster.csv"), "--events", sample("events-2026.csv"), "--period", "2026-Q3", "-q"]
    static let twoPlans = ["--plan", plan("cro-reference-program"), "--plan", plan("cco-nrr-expansion")]

    func testTwoPlansAreOneRunSetWithACompanySummary() throws {
        let dir = try workspace()
        let actuals = ["--actuals", Self.sample("actuals-2026.csv")]
        let table = try advocomp(["calculate"] + Self.twoPlans + Self.inputs + actuals, in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertEqual(table.stderr, "recorded as run set S1 (runs 1, 2) in advocomp.db\n")
        // Each plan's report, then the company by currency.
        let alone = try advocomp(["calculate", "--no-db", "--plan", Self.plan("cro-reference-program")] + Self.inputs + actuals, in: dir)
        XCTAssertTrue(table.stdout.hasPrefix(alone.stdout), "the first plan's report as calculated alone")
        let summary = try XCTUnwrap(table.stdout.components(separatedBy: "Company summary, 2026-Q3: 2 plans").last)
        let rows = summary.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        XCTAssertEqual(rows.filter { $0.first == "company" }.map { [$0[1], $0[7]] }, [["EUR", "37,252.37"], ["GBP", "18,416.29"], ["USD", "667,118.22"]],
                       "470,000.00 (CRO) + 197,118.22 (CCO's USD payees) in USD; EUR and GBP apart")

        // csv: SPEC section 7's columns with the plan first; json: each plan's output and the summary.
        let csv = try advocomp(["calculate", "--no-db", "--format", "csv"] + Self.twoPlans + Self.inputs + actuals, in: dir)
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "plan_id,payee_id,status,currency,target_incentive,payout")
        XCTAssertEqual(lines.count, 1 + 11 + 11)
        XCTAssertEqual(lines[1], "cro-reference-program,E1101,ok,USD,66000.00,84650.86")
        let json = try advocomp(["calculate", "--no-db", "--format", "json"] + Self.twoPlans + Self.inputs + actuals, in: dir)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["plans"] as? [[String: Any]])?.compactMap { $0["plan"] as? String }, ["cro-reference-program", "cco-nrr-expansion"])
        let totals = try XCTUnwrap((object["company"] as? [String: Any])?["totals"] as? [[String: Any]])
        XCTAssertEqual(totals.compactMap { $0["payout"] as? String }, ["37252.37", "18416.29", "667118.22"])

        // Listed as one set; approved as one, with who and why; the trail shown.
        let runs = try advocomp(["runs"], in: dir)
        XCTAssertEqual(runs.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }, ["S1", "S1"])
        let approve = try advocomp(["approve", "2", "--by", "dana", "--note", "Q3 close, ticket FIN-212"], in: dir)
        XCTAssertEqual(approve.status, 0, approve.stderr)
        XCTAssertTrue(approve.stderr.contains("run 2 was calculated with 1 other plan as run set S1 (runs 1, 2): the set is one close, so all of it"), approve.stderr)
        XCTAssertEqual(approve.stdout.split(separator: "\n").count, 2)
        let shown = try advocomp(["show", "S1"], in: dir)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertEqual(shown.stdout, table.stdout, "shown as calculated")
        XCTAssertTrue(shown.stderr.hasPrefix("run set S1: 2026-Q3, 2 plans (runs 1, 2), approved\nrun 1: 2026-Q3, plan cro-reference-program 2026.1, regular (approved)\n  approved by dana at 20"), shown.stderr)
        XCTAssertTrue(shown.stderr.contains(": Q3 close, ticket FIN-212\nrun 2:"), shown.stderr)
        XCTAssertEqual(try advocomp(["show", "S1", "--format", "json"], in: dir).stdout, try advocomp(["calculate", "--no-db", "--format", "json"] + Self.twoPlans + Self.inputs + actuals, in: dir).stdout)
        let replay = try advocomp(["replay", "S1"], in: dir)
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertEqual(replay.stdout.split(separator: "\n").filter { $0.contains("replayed: identical") }.count, 2)

        // Closed as one: both runs final, the close in the trail.
        let close = try advocomp(["close", "S1", "--by", "cfo"], in: dir)
        XCTAssertEqual(close.stdout, "closed 2026-Q3 for plan cco-nrr-expansion: final run 2\nclosed 2026-Q3 for plan cro-reference-program: final run 1\n", close.stderr)
        XCTAssertTrue(try advocomp(["show", "1", "--format", "json"], in: dir).stderr.contains("  closed (final run) by cfo at "))

        // A second set for the period adjusts both plans; diff compares the sets plan by plan.
        let second = try advocomp(["calculate"] + Self.twoPlans + Self.inputs + actuals, in: dir)
        XCTAssertTrue(second.stderr.contains("recorded as run set S2 (runs 3, 4)"), second.stderr)
        XCTAssertTrue(second.stderr.contains("run 3: 2026-Q3 is closed for plan cro-reference-program, so this is an adjustment of its final run 1"), second.stderr)
        let diff = try advocomp(["diff", "S1", "S2"], in: dir)
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("plan cro-reference-program: run 1 -> run 3: plan unchanged; inputs unchanged\n0 payees differ, 11 unchanged"), diff.stdout)
        XCTAssertEqual(try advocomp(["diff", "S1", "3"], in: dir).status, 64)
    }

    func testTheSamePlanTwiceAndTheWorkbookNameOfSeveralPlansAreErrors() throws {
        let dir = try workspace()
        let actuals = ["--actuals", Self.sample("actuals-2026.csv")]
        let twice = try advocomp(["calculate", "--no-db", "--plan", Self.plan("cro-reference-program"), "--plan", Self.plan("cro-reference-program")] + Self.inputs + actuals, in: dir)
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("error: plan 'cro-reference-program' is also in "), twice.stderr)
        let book = try advocomp(["calculate", "--no-db", "--xlsx", "q3.xlsx"] + Self.twoPlans + Self.inputs + actuals, in: dir)
        XCTAssertEqual(book.status, 64)
        XCTAssertTrue(book.stderr.contains("put {plan} in the --xlsx name, e.g. --xlsx q3-{plan}.xlsx"), book.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testAnOptionGivenTwiceIsAUsageErrorNeverSilentlyDropped() throws {
        let dir = try workspace()
        let r = try advocomp(["calculate", "--no-db", "--plan", Self.plan("cro-reference-program"), "--actuals", Self.sample("actuals-2026.csv"),
                              "--period=2026-Q2"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "Error: --period was given twice ('2026-Q2', then '2026-Q3'): it takes one value, give it once\n  See 'advocomp calculate --help' for more information.\n")
        // Repeating options may repeat; a flag twice says the same thing twice.
        XCTAssertEqual(try advocomp(["whatif", "--plan", Self.plan("cro-reference-program"), "--actuals", Self.sample("actuals-2026.csv"),
                                     "--set", "reference_fill_rate=90%", "--set", "reference_capacity=100", "-q"] + Self.inputs, in: dir).status, 0)
        let db = try advocomp(["runs", "--db", "a.db", "--db", "b.db"], in: dir)
        XCTAssertEqual(db.status, 64, db.stderr)
    }

    /// The case: after Q3 was closed, a new calculation with --payroll paid the
    /// whole payout again. Now: the final run's payroll, then each adjustment's, add up to
    /// the adjusted payout, payee by payee.
    func testPayrollForTheFinalRunThenAnAdjustmentNeverSumsPastTheAdjustedPayout() throws {
        let dir = try workspace()
        let cro = ["--plan", Self.plan("cro-reference-program")] + Self.inputs
        let original = try String(contentsOfFile: Self.sample("actuals-2026.csv"), encoding: .utf8)
        try original.write(to: dir.appendingPathComponent("a1.csv"), atomically: true, encoding: .utf8)
        // E1101's executive reference calls corrected from 9 to 6 after the close.
        try original.replacingOccurrences(of: "2026-Q3,payee:E1101,exec_reference_calls,9", with: "2026-Q3,payee:E1101,exec_reference_calls,6")
            .write(to: dir.appendingPathComponent("a2.csv"), atomically: true, encoding: .utf8)

        let first = try advocomp(["calculate", "--actuals", "a1.csv", "--payroll", "p1.csv", "--format", "csv"] + cro, in: dir)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("payroll: run 1 is a DRAFT, not approved: this file is for review, not for paying (advocomp approve 1)"), first.stderr)
        XCTAssertEqual(try advocomp(["approve", "1"], in: dir).status, 0)
        XCTAssertEqual(try advocomp(["close", "--period", "2026-Q3"], in: dir).status, 0)
        // From the final run itself: no draft warning, a first payment.
        let p1 = try advocomp(["payroll", "1", "--output", "p1-final.csv"], in: dir)
        XCTAssertEqual(p1.stderr, "payroll: 11 payees written to p1-final.csv\n")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("p1-final.csv"), encoding: .utf8),
                       try String(contentsOf: dir.appendingPathComponent("p1.csv"), encoding: .utf8))

        let adjust = try advocomp(["calculate", "--actuals", "a2.csv", "--payroll", "p2.csv", "--format", "csv"] + cro, in: dir)
        XCTAssertEqual(adjust.status, 0, adjust.stderr)
        XCTAssertTrue(adjust.stderr.contains("payroll: run 2 adjusts a period already paid: only the difference from run 1, which was paid, is listed (paid_before, now_due, difference)"), adjust.stderr)
        let p2 = try String(contentsOf: dir.appendingPathComponent("p2.csv"), encoding: .utf8)
        XCTAssertTrue(p2.hasPrefix("payee_id,name,currency,paid_before,now_due,difference,earning_code,period\nE1101,Daniel Reyes,USD,84650.86,79428.56,-5222.30,BONUS,2026-Q3\n"), p2)
        XCTAssertEqual(try advocomp(["approve", "2"], in: dir).status, 0)
        // Back to the original figures: a second adjustment, against the first adjustment.
        let back = try advocomp(["calculate", "--actuals", "a1.csv", "--payroll", "p3.csv", "--format", "csv"] + cro, in: dir)
        XCTAssertTrue(back.stderr.contains("only the difference from run 2"), back.stderr)
        XCTAssertEqual(try advocomp(["approve", "3"], in: dir).status, 0)

        // Every file added up, per payee: exactly the last approved payouts.
        var paid: [String: Int] = [:]
        for (file, column) in [("p1.csv", 3), ("p2.csv", 5), ("p3.csv", 5)] {
            for row in try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").dropFirst() {
                let f = row.split(separator: ",")
                paid[String(f[0]), default: 0] += Int(f[column].replacingOccurrences(of: ".", with: "")) ?? .min
            }
        }
        let last = try advocomp(["show", "3", "--format", "csv"], in: dir).stdout.split(separator: "\n").dropFirst()
        XCTAssertEqual(last.count, 11)
        for row in last {
            let f = row.split(separator: ",")
            XCTAssertEqual(paid[String(f[0])], f[1] == "ok" ? Int(f[4].replacingOccurrences(of: ".", with: "")) : nil, String(row))
        }
        // The recorded adjustment's payroll is the same file as when it was calculated.
        XCTAssertEqual(try advocomp(["show", "2", "--format", "json", "--payroll", "again.csv"], in: dir).status, 0)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("again.csv"), encoding: .utf8), p2)
    }

    /// A folder given as --plan stands for its plans: the OKR set in it is read by the plan
    /// naming it, not as a plan; a folder with no YAML file is an error.
    func testAFolderOfPlans() throws {
        let dir = try workspace()
        let folder = dir.appendingPathComponent("plans")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["cro-reference-program.yaml", "cmo-review-velocity.yaml", "okrs-fy2026.yaml"] {
            try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent("plans/" + name), to: folder.appendingPathComponent(name))
        }
        try "not a plan".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let r = try advocomp(["calculate", "--plan", "plans", "--actuals", Self.sample("actuals-2026.csv"), "--format", "csv"] + Self.inputs, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let planIDs = Set(r.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",").first ?? "") })
        XCTAssertEqual(planIDs, ["cmo-review-velocity", "cro-reference-program"])
        XCTAssertTrue(r.stderr.contains("run set S1 (runs 1, 2)"), r.stderr)

        try FileManager.default.createDirectory(at: dir.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try advocomp(["calculate", "--plan", "empty", "--actuals", Self.sample("actuals-2026.csv"), "--no-db"] + Self.inputs, in: dir)
        XCTAssertEqual(empty.status, 1)
        XCTAssertTrue(empty.stderr.contains("empty: error: the folder holds no plan files"), empty.stderr)

        try "title: just notes\n".write(to: folder.appendingPathComponent("notes.yaml"), atomically: true, encoding: .utf8)
        let other = try advocomp(["calculate", "--plan", "plans", "--actuals", Self.sample("actuals-2026.csv"), "--no-db"] + Self.inputs, in: dir)
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("plans/notes.yaml:1:1: error:"), other.stderr)
    }
}
