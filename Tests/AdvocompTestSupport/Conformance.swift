import Foundation
import XCTest
import AdvocompKit

/// The conformance cases (copied from ../shared/conformance into Fixtures/conformance): the
/// folders, their case.yaml, their files, and a case calculated in-process. `ConformanceTests`
/// runs them with the rules of the `run-cases` script; other tests take their inputs from them.
public enum Conformance {
    /// The fixtures folder of the test support's bundle (Fixtures/conformance, fuzz, history-v2).
    public static func root() throws -> URL {
        guard let fixtures = TestSupport.bundle.url(forResource: "Fixtures", withExtension: nil) else {
            throw CaseError("Fixtures missing from the test bundle (Tests/AdvocompTestSupport/Fixtures)")
        }
        return fixtures.appendingPathComponent("conformance", isDirectory: true)
    }

    public static func caseFolders() throws -> [URL] {
        let root = try root()
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        return names.sorted().map { root.appendingPathComponent($0, isDirectory: true) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("case.yaml").path) }
    }

    public static func folder(_ name: String) throws -> URL {
        let url = try root().appendingPathComponent(name, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("case.yaml").path) else {
            throw CaseError("conformance case \(name) is not in the test bundle")
        }
        return url
    }

    public struct CaseError: Error, CustomStringConvertible {
        public let description: String
        public init(_ d: String) { description = d }
    }

    /// case.yaml is flat `key: value` lines; `#` starts a comment (as in run-cases).
    public static func readCase(_ dir: URL) throws -> [String: String] {
        let text = try String(contentsOf: dir.appendingPathComponent("case.yaml"), encoding: .utf8)
        var out: [String: String] = [:]
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            out[key] = value
        }
        return out
    }

    public static func file(_ dir: URL, _ name: String) throws -> InputFile {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        // Named as the CLI would see it when run from the case folder.
        return InputFile(path: name, bytes: [UInt8](data))
    }

    public static func outcome(of dir: URL, recordFigures: Bool = false) throws -> CalculationOutcome {
        let c = try readCase(dir)
        guard let plan = c["plan"], let roster = c["roster"], let actuals = c["actuals"], let period = c["period"] else {
            throw CaseError("\(dir.lastPathComponent)/case.yaml lacks plan, roster, actuals or period")
        }
        let request = CalculationRequest(plan: try file(dir, plan), roster: try file(dir, roster),
                                         actuals: try file(dir, actuals), period: period,
                                         recordFigures: recordFigures, events: try c["events"].map { try file(dir, $0) })
        return Pipeline.calculate(request) { path in
            // Paths arrive resolved against the plan's name ("plan.yaml"), i.e. relative to the case folder.
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent(path).path) else {
                return .failure(PlanParser.FileLoadError("no such file (\(path))"))
            }
            return .success(String(decoding: data, as: UTF8.self))
        }
    }

    /// A minimal CSV reader for expected.csv and the report (no quoted fields occur).
    public static func records(_ text: String) -> [[String: String]] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().filter { !$0.isEmpty }.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, h) in header.enumerated() { row[h] = i < cells.count ? cells[i] : "" }
            return row
        }
    }
}
