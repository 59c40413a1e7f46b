import AdvocompHistory
import AdvocompKit
import AdvocompStore
import Foundation

/// A history for the web app's tests: the sample plans' 2026-Q3 runs recorded in a fresh
/// temporary directory, as `calculate --db` records them.
public enum WebFixture {
    public struct History: Sendable {
        public let dir: URL
        public let db: String
        public let store: RunStore
        /// The requests recorded, by plan file name (the CLI's functions recalculate them).
        public let requests: [String: CalculationRequest]
    }

    public static func file(_ relative: String) throws -> InputFile {
        let url = CLI.repoRoot.appendingPathComponent(relative)
        return InputFile(path: relative, bytes: Array(try Data(contentsOf: url)))
    }

    public static func loader(_ path: String) -> Result<String, PlanParser.FileLoadError> {
        let url = CLI.repoRoot.appendingPathComponent("plans").appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
        guard let data = try? Data(contentsOf: url) else { return .failure(PlanParser.FileLoadError("cannot read \(path)")) }
        return PlanParser.okrSetText(Array(data), path: path)
    }

    /// Records `plans` (file names under plans/) for 2026-Q3 on the sample roster (as
    /// `rosterEdit` changes it), actuals and events.
    public static func history(plans: [String] = ["cro-reference-program.yaml"], rosterEdit: (String) -> String = { $0 }) throws -> History {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("advocomp-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("advocomp.db").path
        let store = try RunStore(path: db)
        let rosterText = rosterEdit(try file("samples/roster.csv").text)
        let roster = InputFile(path: "samples/roster.csv", bytes: Array(rosterText.utf8))
        var requests: [String: CalculationRequest] = [:]
        for plan in plans {
            let request = CalculationRequest(plan: try file("plans/\(plan)"), roster: roster, actuals: try file("samples/actuals-2026.csv"),
                                             period: "2026-Q3", events: try file("samples/events-2026.csv"))
            let outcome = Pipeline.calculate(request, loadFile: loader)
            guard let result = outcome.result else { throw StoreError("the sample plan \(plan) has errors: \(outcome.diagnostics)") }
            let run = Recording.calculation(result, request: request, okrFiles: outcome.planFiles, json: RenderedJSON(result),
                                            context: RunContext(createdAt: "2026-10-05T09:00:00Z", createdBy: "test", commandLine: "advocomp calculate"))
            _ = try store.record(run)
            requests[plan] = request
        }
        return History(dir: dir, db: db, store: store, requests: requests)
    }
}
