import Foundation
import XCTest
import AdvocompTestSupport

/// Work sized to the machine (`Parallel`): the same inputs give byte-identical outputs
/// with one worker and with several (ADVOCOMP_WORKERS), through every path that splits
/// its work: the calculation, the JSON and CSV renderers, the events reader, the ledger's
/// findings, the simulation (the built advocomp on a company advocomp-bench generates).
final class ParallelCLITests: XCTestCase {
    func testOutputsAreTheSameWithOneWorkerOrMany() throws {
        let bench = CLI.productsDirectory.appendingPathComponent("advocomp-bench")
        guard FileManager.default.isExecutableFile(atPath: bench.path) else { throw XCTSkip("advocomp-bench is not built") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-parallel-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let gen = try CLI.run(bench, ["generate", "--payees", "9000", "--events", "60000", "--out", dir.path, "--seed", "7"])
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
                let r = try CLI.run(URL(fileURLWithPath: "/usr/bin/env"),
                                    ["ADVOCOMP_WORKERS=\(workers)", CLI.binary.path] + command, in: dir)
                XCTAssertEqual(r.status, 0, "\(command[0]) with \(workers) workers: \(r.stderr)")
                outputs.append(r.stdout)
            }
            XCTAssertGreaterThan(outputs[0].count, 100_000, "\(command[0]): a large output")
            XCTAssertTrue(outputs[0] == outputs[1], "\(command[0]) \(command[3]): the output depends on the number of workers")
        }
    }
}
