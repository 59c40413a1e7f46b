import Foundation
import XCTest
@testable import AdvocompKit
@testable import AdvocompStore
import AdvocompTestSupport

/// The run history from the command line: calculate records, runs/show/replay/diff read,
/// approve/close decide; a killed run leaves nothing half-written; two runs at once
/// both land. Each test works in its own copy of conformance case 01.
final class HistoryCLITests: XCTestCase {
    typealias Run = CLI.Run
    static let args = ["--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv", "--period", "2026-Q1"]

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    /// A writable copy of case 01, removed after the test.
    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-history-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try Conformance.folder("01-scorecard-basics"), to: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for f in ["plan.yaml", "roster.csv", "actuals.csv"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(f).path)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String], in dir: URL) throws -> Run {
        try CLI.run(CLI.binary, args, in: dir)
    }

    /// Starts advocomp without waiting (output discarded).
    func start(_ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = args
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return p
    }

    func edit(_ file: String, in dir: URL, _ from: String, _ to: String) throws {
        let url = dir.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertTrue(text.contains(from), "\(file) has no \(from)")
        try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
    }

    func testCalculateRecordsTheRunAndShowAndReplayGiveItBack() throws {
        let dir = try workspace()
        let csv = try advocomp(["calculate"] + Self.args + ["--format", "csv"], in: dir)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stderr, "recorded as run 1 in advocomp.db\n")
        let db = dir.appendingPathComponent("advocomp.db").path
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int, 0o600)
        let json = try advocomp(["calculate"] + Self.args + ["--format", "json", "-q"], in: dir)
        XCTAssertEqual(json.stderr, "recorded as run 2 in advocomp.db\n", "said even with --quiet")

        let list = try advocomp(["runs"], in: dir)
        XCTAssertEqual(list.status, 0, list.stderr)
        let lines = list.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, list.stdout)
        XCTAssertEqual(lines[0].split(separator: " ", omittingEmptySubsequences: true).prefix(9),
                       ["run", "set", "period", "plan", "version", "kind", "state", "payees", "payout"], list.stdout)
        XCTAssertEqual(lines[1].split(separator: " ", omittingEmptySubsequences: true).prefix(7),
                       ["1", "-", "2026-Q1", "exec-advocacy", "2026.1", "regular", "draft"], "no run set: one plan\n\(list.stdout)")

        let shown = try advocomp(["show", "1", "--format", "csv"], in: dir)
        XCTAssertEqual(shown.status, 0, shown.stderr)
        XCTAssertEqual(shown.stdout, csv.stdout, "show prints the run exactly as calculate did")
        XCTAssertEqual(try advocomp(["show", "2", "--format", "json"], in: dir).stdout, json.stdout)
        let table = try advocomp(["show", "1"], in: dir)
        XCTAssertEqual(table.stdout, try advocomp(["calculate", "--no-db"] + Self.args, in: dir).stdout)

        let replay = try advocomp(["replay", "1"], in: dir)
        XCTAssertEqual(replay.status, 0, replay.stderr)
        XCTAssertTrue(replay.stdout.hasPrefix("run 1 replayed: identical ("), replay.stdout)

        let none = try advocomp(["show", "9"], in: dir)
        XCTAssertEqual(none.status, 1)
        XCTAssertEqual(none.stderr, "advocomp.db: error: there is no run 9 (advocomp runs lists them)\n1 error\n")
    }

    func testNoDBRecordsNothingAndAnUnwritableHistoryIsAnErrorWithNoOutput() throws {
        let dir = try workspace()
        let preview = try advocomp(["calculate", "--no-db"] + Self.args, in: dir)
        XCTAssertEqual(preview.status, 0, preview.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("advocomp.db").path))

        let bad = try advocomp(["calculate", "--db", "missing/dir/h.db", "--output", "out.csv", "--format", "csv"] + Self.args, in: dir)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.hasPrefix("missing/dir/h.db: error: the run could not be recorded: cannot create the database: No such file or directory"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.csv").path), "no output without the record")

        let both = try advocomp(["calculate", "--no-db", "--db", "h.db"] + Self.args, in: dir)
        XCTAssertEqual(both.status, 64)
        XCTAssertTrue(both.stderr.contains("--db and --no-db cannot be given together"), both.stderr)

        let noHistory = try advocomp(["runs", "--db", "nothing.db"], in: dir)
        XCTAssertEqual(noHistory.status, 1)
        XCTAssertEqual(noHistory.stderr, "nothing.db: error: no run history here (advocomp calculate records runs into it; --db names another file)\n1 error\n")
    }

    func testACalculationOfAClosedPeriodIsAnAdjustment() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(["calculate", "-q"] + Self.args, in: dir).status, 0)
        let early = try advocomp(["close", "--period", "2026-Q1"], in: dir)
        XCTAssertEqual(early.status, 1)
        XCTAssertEqual(early.stderr, "advocomp.db: error: plan exec-advocacy has no approved run for 2026-Q1 (advocomp runs --period 2026-Q1; advocomp approve RUN)\n1 error\n")
        let approved = try advocomp(["approve", "1", "--by", "fin"], in: dir).stdout
        XCTAssertTrue(approved.hasPrefix("approved run 1: 2026-Q1, plan exec-advocacy 2026.1, regular (approved) by fin at 20"), approved)
        let closed = try advocomp(["close", "--period", "2026-Q1"], in: dir)
        XCTAssertEqual(closed.stdout, "closed 2026-Q1 for plan exec-advocacy: final run 1\n", closed.stderr)
        let again = try advocomp(["calculate"] + Self.args, in: dir)
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stderr.hasSuffix("recorded as run 2 in advocomp.db: 2026-Q1 is closed for plan exec-advocacy, so this is an adjustment of its final run 1\n"), again.stderr)
        let runs = try advocomp(["runs", "--period", "2026-Q1"], in: dir).stdout
        XCTAssertTrue(runs.contains("regular    final"), runs)
        XCTAssertTrue(runs.contains("adjusts 1  draft"), runs)
    }

    func testDiffSaysWhetherEachDifferenceComesFromThePlanOrTheInputs() throws {
        let dir = try workspace()
        func calculate() throws { XCTAssertEqual(try advocomp(["calculate", "-q"] + Self.args, in: dir).status, 0) }
        try calculate()                                                                   // 1
        try edit("actuals.csv", in: dir, "2026-Q1,unit:smb,review_velocity,48", "2026-Q1,unit:smb,review_velocity,54")
        try calculate()                                                                   // 2: inputs
        try edit("plan.yaml", in: dir, "reference_fill_rate: { unit: percent, target: 90% }", "reference_fill_rate: { unit: percent, target: 95% }")
        try calculate()                                                                   // 3: plan
        let inputs = try advocomp(["diff", "1", "2"], in: dir)
        XCTAssertEqual(inputs.status, 0, inputs.stderr)
        XCTAssertTrue(inputs.stdout.hasPrefix("run 1 -> run 2: plan unchanged; inputs changed: actuals\n"), inputs.stdout)
        let changed = inputs.stdout.split(separator: "\n").dropFirst(3)
        XCTAssertFalse(changed.isEmpty, inputs.stdout)
        XCTAssertTrue(changed.allSatisfy { $0.hasSuffix("inputs (actuals)") }, inputs.stdout)

        let plan = try advocomp(["diff", "2", "3"], in: dir)
        XCTAssertTrue(plan.stdout.hasPrefix("run 2 -> run 3: plan changed (2026.1 -> 2026.1); inputs unchanged\n"), plan.stdout)
        XCTAssertTrue(plan.stdout.split(separator: "\n").dropFirst(3).allSatisfy { $0.hasSuffix("  plan") }, plan.stdout)

        // Both changed: the CSV splits each difference into the inputs' part and the plan's,
        // and the two parts add up to the difference.
        let both = try advocomp(["diff", "1", "3", "--format", "csv"], in: dir)
        XCTAssertTrue(both.stdout.hasPrefix("payee_id,run_a_status,run_a_currency,run_a_payout,run_b_status,run_b_currency,run_b_payout,difference,cause\n"), both.stdout)
        let rows = both.stdout.split(separator: "\n").dropFirst().map(String.init)
        XCTAssertFalse(rows.isEmpty, both.stdout)
        func number(_ s: Substring) -> Decimal? { Decimal(string: String(s.hasPrefix("+") ? s.dropFirst() : s)) }
        for row in rows {
            // The cause, last, is quoted: it holds a comma.
            let fields = row.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 9, row)
            let cause = fields[8]
            XCTAssertTrue(cause.hasPrefix("\"inputs ") && cause.contains(", plan ") && cause.hasSuffix("\""), row)
            let parts = cause.dropFirst().dropLast().replacingOccurrences(of: "inputs ", with: "").replacingOccurrences(of: " plan ", with: "")
                .split(separator: ",")
            XCTAssertEqual(parts.count, 2, row)
            XCTAssertEqual(parts.compactMap(number).reduce(0, +), number(fields[7]), row)
        }
    }

    func testReplayNamesThePayeesWhoseStoredResultNoLongerFollows() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(["calculate", "-q"] + Self.args, in: dir).status, 0)
        // Someone edits the stored result of one payee.
        let store = try RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false)
        let first = try XCTUnwrap(store.payees(1).first)
        try store.execute("UPDATE run_payees SET payout = '1.00', result_json = '{}' WHERE run_id = 1 AND payee_id = ?", [first.payeeID])
        try store.execute("UPDATE runs SET result_json = result_json || ' ' WHERE id = 1")
        let replay = try advocomp(["replay", "1"], in: dir)
        XCTAssertEqual(replay.status, 1)
        XCTAssertTrue(replay.stderr.hasPrefix("advocomp.db: error: run 1 does not replay identically (recorded by advocomp \(AdvocompVersion.string), recalculated by \(AdvocompVersion.string)); 3 differences:\n"), replay.stderr)
        XCTAssertTrue(replay.stderr.contains("note: the stored result does not match its SHA-256 ("), replay.stderr)
        XCTAssertTrue(replay.stderr.hasSuffix("note: the stored result differs from the recalculation\n1 error\n"), replay.stderr)
        XCTAssertTrue(replay.stderr.contains("note: \(first.payeeID): stored 1.00 \(first.currency.code) (\(first.status.rawValue)), now \(first.payout.plain) \(first.currency.code) (\(first.status.rawValue))\n"), replay.stderr)
        // show refuses to render what no longer follows from the inputs, except the stored JSON.
        XCTAssertEqual(try advocomp(["show", "1", "--format", "csv"], in: dir).status, 1)
        XCTAssertEqual(try advocomp(["show", "1", "--format", "json"], in: dir).status, 0)
    }

    func testAKilledRunLeavesNoPartialRunAndReadersGoOnMeanwhile() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(["calculate", "-q"] + Self.args, in: dir).status, 0)
        let marker = dir.appendingPathComponent("inside-the-transaction").path
        let writer = try start(["calculate", "-q"] + Self.args, in: dir, environment: ["ADVOCOMP_TEST_HOLD_RECORD": marker])
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker), "the writer never reached its transaction")
        // A reader lists the runs while the writer holds its write transaction open.
        let during = try advocomp(["runs"], in: dir)
        XCTAssertEqual(during.status, 0, during.stderr)
        XCTAssertEqual(during.stdout.split(separator: "\n").count, 2, during.stdout)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        XCTAssertEqual(writer.terminationReason, .uncaughtSignal)
        // Nothing of the killed run is left; the history is intact and takes the next run.
        let store = try RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false)
        let check = try store.text("PRAGMA integrity_check")
        let payees = try store.integer("SELECT COUNT(*) FROM run_payees WHERE run_id <> 1")
        let files = try store.integer("SELECT COUNT(*) FROM run_files WHERE run_id <> 1")
        XCTAssertEqual(check, "ok")
        XCTAssertEqual([payees, files], [0, 0])
        XCTAssertEqual(try store.runs().map(\.id), [1])
        let next = try advocomp(["calculate"] + Self.args, in: dir)
        XCTAssertEqual(next.stderr, "recorded as run 2 in advocomp.db\n")
    }

    func testCalculationsAtOnceAllLandEvenIntoANewHistory() throws {
        // Four processes start together on a history that does not exist yet: they race
        // to create it, switch it to WAL and migrate it, then queue for their writes.
        // --db names it, so a run that could not be recorded would exit 1.
        let dir = try workspace()
        let all = try (0..<4).map { _ in try start(["calculate", "--db", "advocomp.db"] + Self.args, in: dir) }
        for p in all { p.waitUntilExit() }
        XCTAssertEqual(all.map(\.terminationStatus), [0, 0, 0, 0])
        let store = try RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false)
        XCTAssertEqual(try store.runs().map(\.id), [1, 2, 3, 4])
        XCTAssertEqual(try store.payees(1).map(\.payout), try store.payees(4).map(\.payout))
    }

    func testAHistoryFromANewerAdvocompIsRefused() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(["calculate", "-q"] + Self.args, in: dir).status, 0)
        try RunStore(path: dir.appendingPathComponent("advocomp.db").path, create: false).execute("PRAGMA user_version = 7")
        let r = try advocomp(["runs"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr, "advocomp.db: error: the database has schema version 7, written by a newer advocomp; this one (\(RunStore.schemaVersion)) cannot read it safely: use the newer advocomp, or another --db file\n1 error\n")
        let c = try advocomp(["calculate", "--db", "advocomp.db"] + Self.args, in: dir)
        XCTAssertEqual(c.status, 1)
        XCTAssertTrue(c.stderr.contains("the run could not be recorded: the database has schema version 7"), c.stderr)
    }
}
