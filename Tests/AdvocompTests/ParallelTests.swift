import Foundation
import XCTest
@testable import AdvocompModel

/// Work sized to the machine (`Parallel`): the same inputs give byte-identical outputs
/// with one worker and with several (ADVOCOMP_WORKERS), through every path that splits
/// its work: the calculation, the JSON and CSV renderers, the events reader, the ledger's
/// findings, the simulation.
final class ParallelTests: XCTestCase {
    func testRangesCoverTheWorkInOrder() {
        XCTAssertEqual(Parallel.ranges(10, minimumChunk: 1, workers: 3), [0..<4, 4..<8, 8..<10])
        XCTAssertEqual(Parallel.ranges(10, minimumChunk: 6, workers: 3), [0..<10], "too little work to split")
        XCTAssertEqual(Parallel.ranges(0, workers: 4), [])
        XCTAssertEqual(Parallel.ranges(5, workers: 64), (0..<5).map { $0..<($0 + 1) })
        for workers in 1...9 {
            let r = Parallel.ranges(1000, minimumChunk: 7, workers: workers)
            XCTAssertEqual(r.first?.lowerBound, 0)
            XCTAssertEqual(r.last?.upperBound, 1000)
            XCTAssertTrue(zip(r, r.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            XCTAssertLessThanOrEqual(r.count, workers)
        }
    }

    func testOutputsAreTheSameWithOneWorkerOrMany() throws {
        let bench = CLITests.productsDirectory.appendingPathComponent("advocomp-bench")
        guard FileManager.default.isExecutableFile(atPath: bench.path) else { throw XCTSkip("advocomp-bench is not built") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-parallel-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = try CLITests.run(bench, ["generate", "--payees", "9000", "--events", "60000", "--out", dir.path, "--seed", "7"])
        XCTAssertEqual(gen.status, 0, gen.stderr)
        let inputs = ["--roster", "roster.csv", "--actuals", "actuals.csv", "--period", "2026-Q1", "-q"]
        let commands: [[String]] = [
            ["calculate", "--no-db", "--plan", "plan-ledger.yaml", "--events", "events.csv", "--format", "json"] + inputs,
            ["calculate", "--no-db", "--plan", "plan.yaml", "--format", "csv"] + inputs,
            ["simulate", "--plan", "plan.yaml", "--scenario", "scenario.yaml", "--runs", "24", "--format", "json"] + inputs,
        ]
        for command in commands {
            var outputs: [String] = []
            for workers in ["1", "4"] {
                let r = try CLITests.run(URL(fileURLWithPath: "/usr/bin/env"),
                                         ["ADVOCOMP_WORKERS=\(workers)", CLITests.binary.path] + command, in: dir)
                XCTAssertEqual(r.status, 0, "\(command[0]) with \(workers) workers: \(r.stderr)")
                outputs.append(r.stdout)
            }
            XCTAssertGreaterThan(outputs[0].count, 100_000, "\(command[0]): a large output")
            XCTAssertTrue(outputs[0] == outputs[1], "\(command[0]) \(command[3]): the output depends on the number of workers")
        }
    }
}
