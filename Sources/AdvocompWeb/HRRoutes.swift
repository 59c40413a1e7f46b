import AdvocompHistory
import AdvocompKit
import AdvocompStore
import Foundation
import Hummingbird

extension WebApp {
    func addHRRoutes(_ router: Router<WebContext>) {
        router.get("/plans") { _, context in
            _ = try self.require(context, .hr)
            return self.page("plans", try self.plansData(draft: "", runID: nil), title: "Plans", context: context)
        }
        router.post("/plans/check") { request, context in
            let (s, form) = try await self.requirePost(request, context, .hr)
            let draft = form["plan"] ?? ""
            let runID = form["run"].flatMap { Int64($0) }
            var data = try self.plansData(draft: draft, runID: runID)
            let (loaded, comparison) = try self.checkDraft(draft, runID: runID)
            data["checked"] = true
            data["ok"] = loaded.plan != nil
            if let p = loaded.plan { data["planID"] = p.id; data["planVersion"] = p.version }
            let errors = loaded.diagnostics.filter { $0.severity == .error }.count
            data["errorCount"] = "\(errors) error\(errors == 1 ? "" : "s"): each is shown at its line below."
            data["lines"] = WebApp.sourceLines(draft, loaded.diagnostics)
            if let comparison, let runID {
                data["comparison"] = ["runID": "\(runID)", "text": comparison.text, "units": UnitChart.data(comparison.result)] as [String: Any]
            }
            try self.audit(s, context, "plan draft checked", "\(draft.utf8.count) bytes" + (loaded.plan.map { ", plan \($0.id) \($0.version)" } ?? ", with errors"))
            return self.page("plans", data, title: "Plans", context: context)
        }
        router.post("/plans/simulate") { request, context in
            let (s, form) = try await self.requirePost(request, context, .hr)
            let draft = form["plan"] ?? "", scenario = form["scenario"] ?? ""
            let runs = min(max(Int(form["runs"] ?? "") ?? 1000, 1), 10_000)
            let seed = UInt64(form["seed"] ?? "") ?? 1
            guard let runID = form["run"].flatMap({ Int64($0) }), let run = try self.store.summary(runID), run.purpose == .calculate else {
                throw WebError(.badRequest, "Choose a run: the simulation uses its roster, actuals and events.")
            }
            var data = try self.plansData(draft: draft, runID: runID)
            data["scenario"] = scenario
            let (base, _) = try PayeeRuns.request(self.store, run)
            var request = base
            if !draft.isEmpty { request.plan = InputFile(path: "draft.yaml", bytes: Array(draft.utf8)) }
            let loader = try PayeeRuns.draftLoader(self.store, run)
            let scenarioFile = InputFile(path: "scenario.yaml", bytes: Array(scenario.utf8))
            nonisolated(unsafe) let loadFile = loader  // serves the run's stored OKR sets: no state
            let (result, diagnostics) = try await EngineQueue.run { [request] in
                Pipeline.simulate(request, scenario: scenarioFile, runs: runs, seed: seed, loadFile: loadFile)
            }
            data["simulated"] = true
            if let result {
                data["simulation"] = SimulationChart.data(result)
            } else {
                data["simulationErrors"] = diagnostics.filter { $0.severity == .error }.map(\.description)
            }
            try self.audit(s, context, "simulation", "\(runs) runs of \(draft.isEmpty ? "run \(runID)'s plan" : "a draft") on run \(runID)'s inputs")
            return self.page("plans", data, title: "Plans", context: context)
        }
        router.post("/plans/save") { request, context in
            let (s, form) = try await self.requirePost(request, context, .hr)
            let draft = form["plan"] ?? ""
            guard let effective = form["effective"], let date = CivilDate.parse(effective) else {
                throw WebError(.badRequest, "Give the first day the version is in effect (YYYY-MM-DD).")
            }
            let runs = try self.store.runs()
            let loader = try runs.last(where: { $0.purpose == .calculate }).map { try PayeeRuns.draftLoader(self.store, $0) }
                ?? { _ in .failure(PlanParser.FileLoadError("no run stores OKR sets")) }
            let loaded = Pipeline.loadPlan(InputFile(path: "draft.yaml", bytes: Array(draft.utf8)), loadFile: loader)
            guard let plan = loaded.plan else { throw WebError(.badRequest, "The draft has errors: validate it first.") }
            let version = PlanVersion(planID: plan.id, version: plan.version, effective: date.description,
                                      plan: StoredFile(role: .plan, path: "web draft by \(s.user.username)", content: Array(draft.utf8)),
                                      okrFiles: loaded.files.map { StoredFile(role: .okr, path: $0.path, content: $0.bytes) },
                                      addedAt: self.nowText, addedBy: s.user.username)
            let outcome: RunStore.AddOutcome
            do { outcome = try self.store.add(version) } catch let e as StoreError { throw WebError(.conflict, e.message) }
            try self.audit(s, context, "plan saved", "plan \(plan.id) version \(plan.version), effective \(date)" + (outcome == .alreadyStored ? " (already stored)" : ""))
            var data = try self.plansData(draft: "", runID: nil)
            data["csrf"] = s.csrfToken
            return self.page("plans", data, title: "Plans", context: context,
                             flash: outcome == .added ? "Stored plan \(plan.id) version \(plan.version), in effect from \(date)." : "Plan \(plan.id) version \(plan.version) is already stored.")
        }
    }

    func plansData(draft: String, runID: Int64?) throws -> [String: Any] {
        let versions = try store.planVersions().map {
            ["plan": $0.planID, "version": $0.version, "effective": $0.effective, "addedAt": $0.addedAt, "addedBy": $0.addedBy]
        }
        let runs = try store.runs().filter { $0.purpose == .calculate }.reversed().map {
            ["id": "\($0.id)", "period": $0.period.description, "plan": $0.planID, "selected": $0.id == runID] as [String: Any]
        }
        return ["versions": versions, "runs": Array(runs), "draft": draft]
    }

    /// `validate` on the draft (OKR sets served from the chosen run's stored files), and,
    /// when valid, `compare` with the plan of that run on its stored inputs.
    func checkDraft(_ draft: String, runID: Int64?) throws -> (LoadedPlan, (text: String, result: PlanComparison?)?) {
        let file = InputFile(path: "draft.yaml", bytes: Array(draft.utf8))
        guard let runID, let run = try store.summary(runID), run.purpose == .calculate else {
            return (Pipeline.loadPlan(file, loadFile: { _ in .failure(PlanParser.FileLoadError("choose a run: its OKR sets are read")) }), nil)
        }
        let (request, _) = try PayeeRuns.request(store, run)
        let loader = try PayeeRuns.draftLoader(store, run)
        let loaded = Pipeline.loadPlan(file, loadFile: loader)
        guard loaded.plan != nil else { return (loaded, nil) }
        let (comparison, diagnostics) = Pipeline.compare(request, planB: file, loadFile: loader)
        guard let comparison else {
            return (loaded, ("No comparison: " + diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"), nil))
        }
        return (loaded, (ComparisonReport.table(comparison), comparison))
    }

    /// The draft's lines, each with the diagnostics located on it.
    static func sourceLines(_ text: String, _ diagnostics: [Diagnostic]) -> [[String: Any]] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if lines.last == "" { lines.removeLast() }
        var byLine: [Int: [Diagnostic]] = [:]
        var unlocated: [Diagnostic] = []
        for d in diagnostics {
            if let l = d.location, l.line >= 1, l.line <= max(lines.count, 1) { byLine[l.line, default: []].append(d) } else { unlocated.append(d) }
        }
        if lines.isEmpty { lines = [""] }
        var out: [[String: Any]] = lines.enumerated().map { i, t in
            let ds = byLine[i + 1] ?? []
            return ["number": "\(i + 1)", "text": t, "error": ds.contains { $0.severity == .error },
                    "messages": ds.map { d in ["number": "\(i + 1)", "severity": d.severity == .error ? "error" : "warning",
                                               "where": d.location.map { "draft.yaml:\($0.line):\($0.column)" } ?? "draft.yaml",
                                               "message": d.message] }]
        }
        if !unlocated.isEmpty {
            out[0]["messages"] = ((out[0]["messages"] as? [[String: Any]]) ?? []) + unlocated.map {
                ["number": "1", "severity": $0.severity == .error ? "error" : "warning", "where": "draft.yaml", "message": $0.message]
            }
            out[0]["error"] = true
        }
        return out
    }
}
