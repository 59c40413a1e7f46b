import Foundation
import XCTest
@testable import AdvocompKit
import AdvocompTestSupport

/// Deterministic mutation fuzzing of every input reader (plan, OKR set, scenario,
/// expression, roster, actuals, events) and of the whole calculation, seeded from the
/// sample plans and CSV files and the conformance fixtures (README, "Fuzzing").
///
/// Environment: `ADVOCOMP_FUZZ_ITERATIONS` (cases, default 2000), `ADVOCOMP_FUZZ_SEED`
/// (default 20261130), `ADVOCOMP_FUZZ_TARGETS` (comma-separated, default all),
/// `ADVOCOMP_FUZZ_CASE` (run only that case, keeping it), `ADVOCOMP_FUZZ_RECORD` (the
/// file keeping the case being run, `Fuzzing.CaseFile`; default `fuzz-current.case` in a
/// fresh temporary directory `advocomp-fuzz-UUID`, removed after a pass without failures),
/// `ADVOCOMP_FUZZ_CASE_SECONDS` (a case running longer is a hang: the process stops,
/// naming it; default 10).
final class FuzzTests: XCTestCase {
    static let defaultIterations = 2000
    static let defaultSeed: UInt64 = 20_261_130

    func testSeededMutationPass() throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["ADVOCOMP_FUZZ_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
        let single = env["ADVOCOMP_FUZZ_CASE"].flatMap { Int($0) }
        let iterations = env["ADVOCOMP_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? Self.defaultIterations
        let targets = try env["ADVOCOMP_FUZZ_TARGETS"].map { list in
            try list.split(separator: ",").map { name in
                guard let t = Fuzzing.Target(rawValue: String(name)) else {
                    throw Conformance.CaseError("ADVOCOMP_FUZZ_TARGETS: no target '\(name)' (targets: \(Fuzzing.Target.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                return t
            }
        } ?? Fuzzing.Target.allCases
        let limit = env["ADVOCOMP_FUZZ_CASE_SECONDS"].flatMap { Double($0) } ?? 10
        // In a fresh temporary directory by default (named on standard error below, so it is
        // found again after a crash); removed after a pass without failures.
        let recordDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("advocomp-fuzz-\(UUID().uuidString)", isDirectory: true)
        if env["ADVOCOMP_FUZZ_RECORD"] == nil {
            try FileManager.default.createDirectory(at: recordDirectory, withIntermediateDirectories: true)
        }
        let record = env["ADVOCOMP_FUZZ_RECORD"] ?? recordDirectory.appendingPathComponent("fuzz-current.case").path
        let corpus = try Fuzzing.Corpus.load()
        let recorder = try Fuzzing.Recorder(path: record)
        let watchdog = Fuzzing.Watchdog(limit: limit, record: record)
        defer { watchdog.stop() }
        let indices = single.map { [$0] } ?? Array(0..<iterations)
        // On standard error, unbuffered: still there when a case crashes the process.
        FileHandle.standardError.write(Data(("fuzz: seed \(seed), \(indices.count) case\(indices.count == 1 ? "" : "s") over "
            + "\(targets.map(\.rawValue).joined(separator: ", ")); the case being run is kept in \(record)\n").utf8))

        let memoryBefore = Self.peakMemory()
        let start = Date()
        var perTarget: [Fuzzing.Target: (cases: Int, parsed: Int, seconds: Double)] = [:]
        var slowest = (seconds: 0.0, label: "")
        var failures: [String] = []
        var recording = 0.0
        for i in indices {
            let c = Fuzzing.makeCase(seed: seed, index: i, corpus: corpus, targets: targets)
            let label = "case \(i) of seed \(seed) (\(c.target.rawValue))"
            let r0 = Date()
            recorder.record(c, label: label)
            recording += Date().timeIntervalSince(r0)
            watchdog.begin(label)
            let t0 = Date()
            let outcome = Fuzzing.run(c, corpus: corpus)
            let seconds = Date().timeIntervalSince(t0)
            watchdog.end()
            var s = perTarget[c.target] ?? (0, 0, 0)
            s.cases += 1
            s.parsed += outcome.parsed ? 1 : 0
            s.seconds += seconds
            perTarget[c.target] = s
            if seconds > slowest.seconds { slowest = (seconds, label) }
            for f in outcome.failures where failures.count < 50 { failures.append("\(label): \(f)") }
        }
        let elapsed = Date().timeIntervalSince(start)
        let memoryGrowth = Self.peakMemory() - memoryBefore
        print("fuzz: \(indices.count) cases in \(String(format: "%.2f", elapsed)) s; slowest \(String(format: "%.3f", slowest.seconds)) s (\(slowest.label)); "
              + "peak memory grew by \(memoryGrowth >> 20) MiB; recording took \(String(format: "%.2f", recording)) s")
        for t in targets {
            guard let s = perTarget[t] else { continue }
            print("fuzz:   \(t.rawValue): \(s.cases) cases, \(s.parsed) read without errors, \(String(format: "%.2f", s.seconds)) s")
        }
        XCTAssert(failures.isEmpty, """
            \(failures.count) case\(failures.count == 1 ? "" : "s") broke a property:
            \(failures.joined(separator: "\n"))
            Run one with ADVOCOMP_FUZZ_SEED=\(seed) ADVOCOMP_FUZZ_CASE=N (it is left in \(record)), and record it (README, "Fuzzing").
            """)
        XCTAssertLessThan(memoryGrowth, 1 << 30, "the pass's peak memory grew by more than 1 GiB")
        if failures.isEmpty && single == nil && env["ADVOCOMP_FUZZ_RECORD"] == nil {
            try? FileManager.default.removeItem(at: recordDirectory)
        }
    }

    /// Every input the fuzzer once broke advocomp with, recorded as a case file
    /// (`Fixtures/fuzz/*.case`, the file the pass keeps of the case being run).
    func testRecordedCrashInputs() throws {
        let corpus = try Fuzzing.Corpus.load()
        let root = try Conformance.root().deletingLastPathComponent().appendingPathComponent("fuzz")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".case") }.sorted()
        XCTAssertFalse(names.isEmpty, "no recorded cases under Fixtures/fuzz")
        for name in names {
            let c = try Fuzzing.CaseFile.decode([UInt8](try Data(contentsOf: root.appendingPathComponent(name))), name: name)
            let t0 = Date()
            let outcome = Fuzzing.run(c, corpus: corpus)
            XCTAssertEqual(outcome.failures, [], name)
            XCTAssertLessThan(Date().timeIntervalSince(t0), 10, name)
        }
    }

    /// The same case from the same seed, whatever ran before it.
    func testCasesAreDeterministic() throws {
        let corpus = try Fuzzing.Corpus.load()
        for i in [0, 7, 1234] {
            let a = Fuzzing.makeCase(seed: 42, index: i, corpus: corpus, targets: Fuzzing.Target.allCases)
            _ = Fuzzing.makeCase(seed: 42, index: i + 1, corpus: corpus, targets: Fuzzing.Target.allCases)
            let b = Fuzzing.makeCase(seed: 42, index: i, corpus: corpus, targets: Fuzzing.Target.allCases)
            XCTAssertEqual(a.target, b.target)
            XCTAssertEqual(a.files.map(\.bytes), b.files.map(\.bytes))
        }
    }

    /// The process's peak resident memory, in bytes.
    static func peakMemory() -> Int {
        var usage = rusage()
        #if os(macOS)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)  // bytes
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes
        #endif
    }
}
