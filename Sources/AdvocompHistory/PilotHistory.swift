import AdvocompKit
import AdvocompStore

/// A pilot over the run history (`advocomp pilot FILE`): each period's runs of the current
/// and candidate plans, recalculated from their stored inputs; the KPI values they read
/// (actuals rows, and rows derived from the events) per member; the comparison; and the
/// rollout's cost on the stored inputs.
public enum PilotHistory {
    /// The run of `planID` read for `period`: the standing run of a closed period, else the
    /// latest approved run, else the latest run (a draft, said so).
    static func pick(_ runs: [RunSummary], _ store: RunStore, period: Period, planID: String) throws -> (RunSummary, String)? {
        let of = runs.filter { $0.period == period && $0.planID == planID && $0.purpose == .calculate }
        guard let last = of.last else { return nil }
        if let s = try store.standingRun(period: period, planID: planID), let r = of.first(where: { $0.id == s }) {
            return (r, r.isFinal ? "final" : "approved adjustment")
        }
        if let a = of.last(where: { $0.approvedAt != nil }) { return (a, "approved") }
        return (last, "draft")
    }

    public static func report(_ store: RunStore, pilot: Pilot) throws -> PilotReport {
        let all = try store.runs()
        var notes: [String] = []
        var used: [PilotReport.RunUsed] = []
        // Values by "period|scope|kpi"; members: payee id -> unit.
        var values: [String: FixedDecimal] = [:]
        var unitOf: [String: String] = [:]
        var picked: [String: (RunSummary, CalculationRequest, [StoredFile])] = [:]
        for period in pilot.before + pilot.after {
            for planID in [pilot.plan, pilot.candidate] {
                guard let (run, state) = try pick(all, store, period: period, planID: planID) else {
                    if planID == pilot.plan || pilot.after.contains(period) {
                        notes.append("\(period): no recorded run of \(planID)")
                    }
                    continue
                }
                used.append(.init(period: period, planID: planID, run: run.id, state: state))
                let (rerun, _) = try RunReplay.rerun(store, run)
                guard case .calculation(let result, let request) = rerun else {
                    throw StoreError("run \(run.id) no longer calculates from its stored inputs: advocomp replay \(run.id) says why")
                }
                picked["\(period)|\(planID)"] = (run, request, try store.files(run.id))
                for p in result.payees { unitOf[p.payee.id] = p.payee.unit }
                for row in result.actuals?.rows ?? [] where row.period == period {
                    let key = "\(period)|\(row.scope)|\(row.kpi)"
                    if values[key] == nil { values[key] = row.value }
                }
            }
        }
        let payees = unitOf.keys.sorted()
        let units = Set(unitOf.values).sorted()
        let inCohort: (String) -> Bool
        switch pilot.cohort {
        case .payees(let ids):
            inCohort = { ids.contains($0) }
            for id in ids where unitOf[id] == nil { notes.append("cohort payee \(id) is on no run read") }
        case .units(let us):
            inCohort = { unitOf[$0].map(us.contains) ?? false }
            for u in us where !units.contains(u) { notes.append("cohort unit \(u) has no payee on the runs read") }
        }
        func series(_ scope: String, _ kpi: String, _ periods: [Period]) -> [FixedDecimal] {
            periods.compactMap { values["\($0)|\(scope)|\(kpi)"] }
        }
        func has(_ scope: String, _ kpi: String) -> Bool { !series(scope, kpi, pilot.before + pilot.after).isEmpty }
        var comparisons: [PilotReport.Comparison] = []
        for (kind, list) in [(PilotReport.Comparison.Kind.advocacy, pilot.advocacy), (.satisfaction, pilot.satisfaction)] {
            for kpi in list {
                func compare(_ scope: String, pilotIDs: [String], controlIDs: [String], prefix: String) throws {
                    let m = { (ids: [String]) in ids.map { (id: $0, before: series(prefix + $0, kpi, pilot.before), after: series(prefix + $0, kpi, pilot.after)) } }
                    let d = try PilotStatistics.diffInDiff(pilot: m(pilotIDs), control: m(controlIDs), resamples: pilot.resamples,
                                                           confidence: pilot.confidence, seed: pilot.seed, minimumPerGroup: pilot.minimumPerGroup)
                    comparisons.append(.init(kpi: kpi, kind: kind, scope: scope, result: d, note: nil))
                }
                if payees.contains(where: { has("payee:\($0)", kpi) }) {
                    try compare("payee", pilotIDs: payees.filter(inCohort), controlIDs: payees.filter { !inCohort($0) }, prefix: "payee:")
                } else if units.contains(where: { has("unit:\($0)", kpi) }) {
                    if case .units(let us) = pilot.cohort {
                        try compare("unit", pilotIDs: units.filter(us.contains), controlIDs: units.filter { !us.contains($0) }, prefix: "unit:")
                    } else {
                        comparisons.append(.init(kpi: kpi, kind: kind, scope: "unit", result: nil,
                                                 note: "a unit's figure mixes pilot and control payees (the cohort is payees): no comparison"))
                    }
                } else if has("company", kpi) {
                    comparisons.append(.init(kpi: kpi, kind: kind, scope: "company", result: nil,
                                             note: "one figure for the whole company: no control group to compare with"))
                } else {
                    comparisons.append(.init(kpi: kpi, kind: kind, scope: "none", result: nil,
                                             note: "no value in the runs' actuals or events for the pilot's periods"))
                }
            }
        }
        var rollout: [PilotReport.Rollout] = []
        // Every period of the pilot, before and after: the candidate's plan (its run in
        // the period, else in the first after-period that has one) on the current plan's
        // stored inputs, everyone on it.
        for period in pilot.before + pilot.after {
            guard let (run, request, files) = picked["\(period)|\(pilot.plan)"] else { continue }
            guard let (candidateRun, candidateRequest, candidateFiles) = picked["\(period)|\(pilot.candidate)"]
                    ?? pilot.after.lazy.compactMap({ picked["\($0)|\(pilot.candidate)"] }).first else {
                notes.append("\(period): no recorded run of the candidate \(pilot.candidate), so no rollout cost")
                continue
            }
            let loader = StoredInputs.loader(files + candidateFiles, owner: "runs \(run.id) and \(candidateRun.id)")
            let (c, d) = Pipeline.rollout(request, current: pilot.plan, candidate: candidateRequest.plan, candidateID: pilot.candidate, loadFile: loader)
            guard let c else {
                throw StoreError("the rollout of \(pilot.candidate) in \(period) does not calculate" + (d.errors.first.map { ": \($0.description)" } ?? ""))
            }
            rollout.append(.init(period: period, run: run.id, candidateRun: candidateRun.id, comparison: c))
        }
        return PilotReport(pilot: pilot, runs: used, comparisons: comparisons, rollout: rollout, notes: notes)
    }
}
