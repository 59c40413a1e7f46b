import Foundation
import XCTest
@testable import AdvocompStore
import AdvocompTestSupport

/// Nothing lost (issue 13): an output never touches an input, the history or a special
/// file; a run's outputs and its record appear together or not at all; an interrupted
/// export leaves nothing behind. Run as a user would: the built binary, in a copy of
/// conformance case 01 (case 02 where an OKR set is needed).
final class OutputSafetyTests: XCTestCase {
    typealias Run = CLI.Run
    static let args = ["calculate", "--plan", "plan.yaml", "--roster", "roster.csv", "--actuals", "actuals.csv", "--period", "2026-Q1"]

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary.path) else {
            throw Conformance.CaseError("advocomp is not built at \(CLI.binary.path): run `swift build` first")
        }
    }

    func workspace(_ name: String = "01-scorecard-basics") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-safety-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try Conformance.folder(name), to: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(f).path)
        }
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func advocomp(_ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> Run {
        guard !environment.isEmpty else { return try CLI.run(CLI.binary, args, in: dir) }
        return try CLI.run(URL(fileURLWithPath: "/usr/bin/env"),
                           environment.map { "\($0.key)=\($0.value)" } + [CLI.binary.path] + args, in: dir)
    }

    func bytes(_ dir: URL, _ name: String) -> Data? { FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) }
    func listing(_ dir: URL) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }
    func runIDs(_ dir: URL, _ db: String = "h.db") throws -> [Int64] {
        try RunStore(path: dir.appendingPathComponent(db).path, create: false).runs().map(\.id)
    }

    // MARK: Outputs never touch what they must not

    func testAnOutputNeverOverwritesTheHistoryOrAnInput() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(Self.args + ["--db", "h.db", "-q"], in: dir).status, 0)
        XCTAssertEqual(try advocomp(Self.args + ["-q"], in: dir).status, 0)  // advocomp.db, the default history
        let history = bytes(dir, "h.db"), roster = bytes(dir, "roster.csv"), plan = bytes(dir, "plan.yaml")
        try FileManager.default.linkItem(at: dir.appendingPathComponent("roster.csv"), to: dir.appendingPathComponent("alias.csv"))
        let cases: [([String], String)] = [
            (["--db", "h.db", "--output", "h.db"], "h.db: error: --output: h.db is the run history; an output never overwrites it"),
            (["--db", "h.db", "--payroll", "h.db"], "h.db: error: --payroll: h.db is the run history; an output never overwrites it"),
            (["--db", "h.db", "--output", "h.db-wal"], "h.db-wal: error: --output: h.db-wal is the run history's write-ahead log; an output never overwrites it"),
            (["--db", "h.db", "--output", "./sub/../h.db"], "./sub/../h.db: error: --output: cannot write ./sub/../h.db: no such directory (./sub/..)"),
            (["--db", "h.db", "--output", "advocomp.db"], "advocomp.db: error: --output: advocomp.db is an SQLite database (a run history?); an output never replaces one"),
            (["--no-db", "--output", "advocomp.db"], "advocomp.db: error: --output: advocomp.db is the run history; an output never overwrites it"),
            (["--db", "h.db", "--output", "roster.csv"], "roster.csv: error: --output: roster.csv is the input of --roster; an output never overwrites it"),
            (["--db", "h.db", "--output", "alias.csv"], "alias.csv: error: --output: alias.csv is the input of --roster (roster.csv); an output never overwrites it"),
            (["--db", "h.db", "--xlsx", "plan.yaml"], "plan.yaml: error: --xlsx: plan.yaml is the input of --plan; an output never overwrites it"),
            (["--db", "h.db", "--output", "same.csv", "--payroll", "same.csv"], "same.csv: error: --payroll and --output name the same file (same.csv); give each output its own file"),
        ]
        for (extra, message) in cases {
            let r = try advocomp(Self.args + extra, in: dir)
            XCTAssertEqual(r.status, 1, "\(extra)")
            XCTAssertEqual(r.stdout, "", "\(extra)")
            XCTAssertEqual(r.stderr, message + "\n1 error\n", "\(extra)")
        }
        XCTAssertEqual(bytes(dir, "h.db"), history)
        XCTAssertEqual(bytes(dir, "roster.csv"), roster)
        XCTAssertEqual(bytes(dir, "plan.yaml"), plan)
        XCTAssertEqual(try runIDs(dir), [1], "nothing was recorded by a refused command")
        XCTAssertEqual(try runIDs(dir, "advocomp.db"), [1])
        XCTAssertFalse(try listing(dir).contains { $0.contains("tmp") || $0 == "same.csv" })
    }

    func testAnOKRSetThePlanReadsIsAnInputToo() throws {
        let dir = try workspace("02-okr-and-modifiers")
        let okr = bytes(dir, "okrs-fy2026.yaml")
        let args = Self.args.map { $0 == "2026-Q1" ? "2026-Q2" : $0 }
        let r = try advocomp(args + ["--no-db", "--output", "okrs-fy2026.yaml"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.hasSuffix("okrs-fy2026.yaml: error: --output: okrs-fy2026.yaml is the input of the plan's okrs; an output never overwrites it\n1 error\n"), r.stderr)
        XCTAssertEqual(bytes(dir, "okrs-fy2026.yaml"), okr)
    }

    func testSpecialFilesAreRefusedAndLeftAsTheyAre() throws {
        let dir = try workspace()
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("fifo").path, 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "elsewhere.csv")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: false)
        let cases: [(String, String, String)] = [
            ("--output", "/dev/null", "/dev/null: error: --output: /dev/null is a character device; an output must be a regular file (use - for standard output)"),
            ("--xlsx", "/dev/null", "/dev/null: error: --xlsx: /dev/null is a character device; an output must be a regular file (use - for standard output)"),
            ("--payroll", "fifo", "fifo: error: --payroll: fifo is a FIFO (named pipe); an output must be a regular file (use - for standard output)"),
            ("--output", "link.csv", "link.csv: error: --output: link.csv is a symbolic link; an output must be a regular file (name the file it points to, or another name)"),
            ("--output", "folder", "folder: error: --output: folder is a directory; an output must be a regular file (use - for standard output)"),
            ("--xlsx", "-", "-: error: --xlsx cannot write to standard output: give a file name"),
        ]
        for (option, path, message) in cases {
            let r = try advocomp(Self.args + ["--no-db", option, path], in: dir)
            XCTAssertEqual(r.status, 1, "\(option) \(path)")
            XCTAssertEqual(r.stderr, message + "\n1 error\n", "\(option) \(path)")
        }
        var st = stat()
        XCTAssertEqual(stat("/dev/null", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        XCTAssertEqual(lstat(dir.appendingPathComponent("fifo").path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)
        XCTAssertEqual(lstat(dir.appendingPathComponent("link.csv").path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFLNK)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("elsewhere.csv").path))
    }

    func testADashIsStandardOutput() throws {
        let dir = try workspace()
        let csv = try advocomp(Self.args + ["--no-db", "--format", "csv"], in: dir)
        let dash = try advocomp(Self.args + ["--no-db", "--format", "csv", "--output", "-"], in: dir)
        XCTAssertEqual(dash.status, 0, dash.stderr)
        XCTAssertEqual(dash.stdout, csv.stdout)
        let payroll = try advocomp(Self.args + ["--no-db", "--output", "report.txt", "--payroll", "-"], in: dir)
        XCTAssertEqual(payroll.status, 0, payroll.stderr)
        XCTAssertTrue(payroll.stdout.hasPrefix("payee_id,name,currency,amount,earning_code,period\nE001,Ada Park,USD,37089.29,BONUS,2026-Q1\n"), payroll.stdout)
        XCTAssertTrue(payroll.stderr.contains("written to standard output"), payroll.stderr)
        let both = try advocomp(Self.args + ["--no-db", "--payroll", "-"], in: dir)
        XCTAssertEqual(both.status, 64, "the report and the payroll would both go to standard output")
        XCTAssertTrue(both.stderr.contains("--payroll - writes the payroll to standard output, where the report goes too"), both.stderr)
    }

    // MARK: All or none, with the history record

    /// The renames fail part way (the payroll's target became a non-empty directory while
    /// the outputs were staged): the output already put in place is put back as it was,
    /// and the run is not recorded.
    func testAFailedRenamePutsBackWhatWasThereAndRecordsNothing() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(Self.args + ["--db", "h.db", "-q"], in: dir).status, 0)
        try Data("an earlier report\n".utf8).write(to: dir.appendingPathComponent("out.csv"))
        let marker = dir.appendingPathComponent("staged").path
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = Self.args + ["--db", "h.db", "--output", "out.csv", "--payroll", "pay.csv", "--xlsx", "book.xlsx"]
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(["ADVOCOMP_TEST_HOLD_EXPORT": marker]) { _, b in b }
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        try waitFor(marker)
        let staged = try listing(dir).filter { $0.contains(".tmp-") }
        XCTAssertEqual(staged.count, 3, "three outputs staged: \(staged)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("pay.csv/inside"), withIntermediateDirectories: true)
        try FileManager.default.removeItem(atPath: marker)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("pay.csv: error: --payroll: cannot write pay.csv: "), stderr)
        XCTAssertEqual(String(decoding: bytes(dir, "out.csv") ?? Data(), as: UTF8.self), "an earlier report\n", "the earlier file is back")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("book.xlsx").path))
        XCTAssertEqual(try listing(dir).filter { $0.hasPrefix(".") }, [], "no temporary or backup file is left")
        XCTAssertEqual(try runIDs(dir), [1], "the run was not recorded")
    }

    /// Each signal sent while the outputs are staged: no output, no temporary file, no
    /// record; the process ends as the signal would have it.
    func testASignalMidExportLeavesNothingBehind() throws {
        for (signal, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            let dir = try workspace()
            XCTAssertEqual(try advocomp(Self.args + ["--db", "h.db", "-q"], in: dir).status, 0)
            let before = try listing(dir)
            let marker = dir.appendingPathComponent("staged").path
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = Self.args + ["--db", "h.db", "--output", "out.csv", "--payroll", "pay.csv", "--xlsx", "book.xlsx", "-q"]
            p.currentDirectoryURL = dir
            p.environment = ProcessInfo.processInfo.environment.merging(["ADVOCOMP_TEST_HOLD_EXPORT": marker]) { _, b in b }
            p.standardError = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            try waitFor(marker)
            XCTAssertEqual(try listing(dir).filter { $0.contains(".tmp-") }.count, 3, name)
            kill(p.processIdentifier, signal)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .uncaughtSignal, name)
            XCTAssertEqual(p.terminationStatus, signal, name)
            try FileManager.default.removeItem(atPath: marker)
            XCTAssertEqual(try listing(dir), before, "\(name): nothing is left behind")
            XCTAssertEqual(try runIDs(dir), [1], name)
        }
    }

    func waitFor(_ path: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(10_000) }
        guard FileManager.default.fileExists(atPath: path) else { throw Conformance.CaseError("the command never staged its outputs") }
    }

    // MARK: Reads

    func testSpecialAndHugeInputsEndInAnErrorAtOnce() throws {
        let dir = try workspace()
        let sparse = dir.appendingPathComponent("huge.csv")
        XCTAssertTrue(FileManager.default.createFile(atPath: sparse.path, contents: nil))
        XCTAssertEqual(truncate(sparse.path, 5 << 30), 0, "a 5 GB sparse file")
        XCTAssertEqual(mkfifo(dir.appendingPathComponent("silent").path, 0o600), 0)
        let cases: [([String], [String: String], String)] = [
            (["validate", "/dev/zero"], [:], "/dev/zero: error: cannot read the file: it is a character device (such as /dev/zero or a terminal), not a file"),
            (Self.args.map { $0 == "roster.csv" ? "huge.csv" : $0 } + ["--no-db"], [:],
             "huge.csv: error: the file is 5368709120 bytes, larger than 256 MiB, the limit for a roster"),
            (Self.args + ["--no-db", "--events", "/dev/zero"], [:],
             "/dev/zero: error: cannot read the file: it is a character device (such as /dev/zero or a terminal), not a file"),
            (Self.args.map { $0 == "actuals.csv" ? "silent" : $0 } + ["--no-db"], ["ADVOCOMP_PIPE_TIMEOUT": "1"],
             "silent: error: nothing arrived from the pipe for 1 s (after 0 bytes); is the program writing it still running?"),
        ]
        for (args, environment, message) in cases {
            let started = Date()
            let r = try advocomp(args, in: dir, environment: environment)
            XCTAssertEqual(r.status, 1, "\(args)")
            XCTAssertEqual(r.stderr, message + "\n1 error\n", "\(args)")
            XCTAssertLessThan(Date().timeIntervalSince(started), 10, "\(args) ends at once, without reading the file")
        }
        let long = dir.appendingPathComponent("long.yaml")
        try Data(("plan: p\n# " + String(repeating: "x", count: 70_000) + "\n").utf8).write(to: long)
        let r = try advocomp(["validate", "long.yaml"], in: dir)
        XCTAssertEqual(r.stderr, "long.yaml:2:1: error: line 2 is longer than 64 KiB, the limit for a line of a plan\n1 error\n")
    }

    // MARK: The history file

    func testTheHistoryIsMadePrivateAndOnlyARegularFileIsOne() throws {
        let dir = try workspace()
        XCTAssertEqual(try advocomp(Self.args + ["--db", "h.db", "-q"], in: dir).status, 0)
        let h = dir.appendingPathComponent("h.db").path
        XCTAssertEqual(chmod(h, 0o644), 0)
        let r = try advocomp(["runs", "--db", "h.db"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("h.db: warning: h.db could be read by other users (mode 644); made private (mode 600)"), r.stderr)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: h)[.posixPermissions] as? Int, 0o600)

        XCTAssertEqual(mkfifo(dir.appendingPathComponent("pipe.db").path, 0o600), 0)
        for (db, what) in [("/dev/null", "a character device"), ("pipe.db", "a FIFO (named pipe)"), (".", "a directory")] {
            let r = try advocomp(["runs", "--db", db], in: dir)
            XCTAssertEqual(r.status, 1, db)
            XCTAssertEqual(r.stderr, "\(db): error: \(db) is \(what), not a run history: name an SQLite file with --db\n1 error\n", db)
            let c = try advocomp(Self.args + ["--db", db, "-q"], in: dir)
            XCTAssertEqual(c.status, 1, db)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null-journal"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    // MARK: replay and check verify everything stored

    func testReplayAndCheckFindEveryKindOfTampering() throws {
        let dir = try workspace()
        for _ in 0..<3 { XCTAssertEqual(try advocomp(Self.args + ["--db", "h.db", "-q"], in: dir).status, 0) }
        XCTAssertEqual(try advocomp(["check", "--db", "h.db"], in: dir).stdout,
                       "h.db: ok: SQLite's integrity check passed and all 3 runs replay identically\n")
        let store = try RunStore(path: dir.appendingPathComponent("h.db").path, create: false)
        // Run 1: one stored payout (the JSON left alone); run 2: one stored finding added;
        // run 3: a byte of its stored roster.
        try store.execute("UPDATE run_payees SET payout = '1.00' WHERE run_id = 1 AND payee_id = 'E001'")
        try store.execute("INSERT INTO run_findings (run_id, seq, check_name, payee_id, event_ids, action, detail) VALUES (2, 0, 'consent', 'E001', 'x', 'hold', 'made up')")
        try store.execute("UPDATE runs SET result_sha256 = 'f00' WHERE id = 3")

        let replay = try advocomp(["replay", "1", "--db", "h.db"], in: dir)
        XCTAssertEqual(replay.status, 1)
        XCTAssertTrue(replay.stderr.contains("note: E001: stored 1.00 USD (ok), now 37089.29 USD (ok)\n"), replay.stderr)
        let findings = try advocomp(["replay", "2", "--db", "h.db"], in: dir)
        XCTAssertEqual(findings.status, 1)
        XCTAssertTrue(findings.stderr.contains("note: findings: 1 stored, 0 recalculated\n"), findings.stderr)
        let sha = try advocomp(["replay", "3", "--db", "h.db"], in: dir)
        XCTAssertTrue(sha.stderr.contains("note: the stored result does not match its SHA-256 (f00): it was changed after the run\n"), sha.stderr)

        let check = try advocomp(["check", "--db", "h.db"], in: dir)
        XCTAssertEqual(check.status, 1)
        for run in 1...3 { XCTAssertTrue(check.stderr.contains("h.db: error: run \(run): 2026-Q1"), check.stderr) }
        XCTAssertEqual(check.stdout, "")
    }
}
