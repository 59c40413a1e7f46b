import AdvocompKit
import AdvocompStore

public enum EconomicsHistory {
    /// Which runs the report reads: `chosen` when given; otherwise, for each period and plan
    /// (limited to `periods` and `planIDs` when given), the standing run of a closed period
    /// (its final run or latest approved adjustment), else its approved run. Periods with
    /// drafts only are noted, not read.
    public static func report(_ store: RunStore, periods: [Period] = [], planIDs: [String] = [], chosen: [Int64] = [],
                              events: InputFile? = nil) throws -> EconomicsReport {
        var notes: [String] = []
        var picked: [(RunSummary, String)] = []
        let all = try store.runs().filter { $0.purpose == .calculate }
        if !chosen.isEmpty {
            for id in chosen {
                guard let s = all.first(where: { $0.id == id }) else {
                    throw StoreError("run \(id) is not a recorded calculation" + ((try? store.summary(id)) != nil ? " (it is a true-up)" : ""))
                }
                picked.append((s, s.state))
            }
        } else {
            var groups: [String: [RunSummary]] = [:]
            for r in all where (periods.isEmpty || periods.contains(r.period)) && (planIDs.isEmpty || planIDs.contains(r.planID)) {
                groups[r.period.description + "\u{0}" + r.planID, default: []].append(r)
            }
            for key in groups.keys.sorted() {
                let runs = groups[key]!
                let first = runs[0]
                if let standing = try store.standingRun(period: first.period, planID: first.planID),
                   let s = runs.first(where: { $0.id == standing }) {
                    picked.append((s, s.isFinal ? "final" : "approved adjustment"))
                } else if let approved = runs.last(where: { $0.approvedAt != nil }) {
                    picked.append((approved, "approved"))
                } else {
                    notes.append("\(first.period) \(first.planID): no approved run (drafts: \(runs.map { "\($0.id)" }.joined(separator: ", "))); approve one, or name it with --run")
                }
            }
        }
        var givenLedger: Ledger?
        if let events {
            var d: [Diagnostic] = []
            let l = EventsReader.read(file: events.path, bytes: events.bytes, diagnostics: &d)
            if d.hasErrors { throw DiagnosticsError(d) }
            givenLedger = l
        }
        var sections: [EconomicsReport.Section] = []
        for (run, state) in picked {
            let (rerun, _) = try RunReplay.rerun(store, run)
            guard case .calculation(let result, let request) = rerun else {
                if case .failed(let d) = rerun {
                    throw StoreError("run \(run.id) no longer calculates from its stored inputs" + (d.errors.first.map { ": \($0.description)" } ?? ""))
                }
                continue
            }
            guard let e = result.plan.economics else {
                if !chosen.isEmpty || planIDs.contains(run.planID) {
                    notes.append("run \(run.id) (\(run.period) \(run.planID) \(run.planVersion)): the plan has no economics section")
                }
                continue
            }
            // The figures are the recorded ones: a recalculation that pays otherwise stops.
            let stored = try store.payees(run.id, json: false)
            let byID = Dictionary(stored.map { ($0.payeeID, $0) }, uniquingKeysWith: { a, _ in a })
            for p in result.payees {
                guard let s = byID[p.payee.id], s.payout == p.payout, s.status.rawValue == p.status.rawValue else {
                    throw StoreError("run \(run.id) no longer recalculates to its stored payouts (\(p.payee.id)): advocomp replay \(run.id) says why")
                }
            }
            let source: String
            var ledger: Ledger?
            if let stored = request.events {
                source = "events stored with run \(run.id) (\(stored.path))"
            } else if let givenLedger, let events {
                source = "--events \(events.path) (run \(run.id) stored none)"
                ledger = givenLedger
            } else {
                source = "none: run \(run.id) stored no events file (give --events FILE)"
                notes.append("\(run.period) \(run.planID): run \(run.id) stored no events file, so no referred revenue is counted; give --events FILE")
            }
            if let l = result.ledger?.ledger ?? ledger {
                for t in e.revenueTypes where !l.types.contains(t) {
                    notes.append("\(run.period) \(run.planID): event type '\(t)' of the economics section never occurs in \(l.file)")
                }
            }
            let lines = try ProgrammeEconomics.lines(result, economics: e, ledger: ledger, runID: run.id)
            let total = try EconomicsFigures.total(lines.map(\.figures), revenueCurrency: result.plan.currency)
            sections.append(.init(period: run.period, planID: run.planID, planVersion: run.planVersion, run: run.id, runState: state,
                                  economics: e, eventsSource: source, lines: lines, total: total))
        }
        sections.sort { ($0.period.code, $0.planID, $0.run) < ($1.period.code, $1.planID, $1.run) }
        var planTotals: [EconomicsReport.PlanTotal] = []
        for id in Set(sections.map(\.planID)).sorted() {
            let s = sections.filter { $0.planID == id }
            for c in Set(s.map(\.total.revenueCurrency.code)).sorted() {
                let of = s.filter { $0.total.revenueCurrency.code == c }
                planTotals.append(.init(planID: id, total: try EconomicsFigures.total(of.map(\.total), revenueCurrency: of[0].total.revenueCurrency)))
            }
        }
        var totals: [EconomicsFigures] = []
        for c in Set(sections.map(\.total.revenueCurrency.code)).sorted() {
            let of = sections.filter { $0.total.revenueCurrency.code == c }
            totals.append(try EconomicsFigures.total(of.map(\.total), revenueCurrency: of[0].total.revenueCurrency))
        }
        var report = EconomicsReport(sections: sections, planTotals: planTotals, totals: totals, notes: notes)
        for t in totals where t.contribution == nil {
            let with = sections.filter { $0.total.revenueCurrency == t.revenueCurrency && $0.total.contribution != nil }
            if !with.isEmpty { report.totalsWithContribution.append(try EconomicsFigures.total(with.map(\.total), revenueCurrency: t.revenueCurrency)) }
        }
        return report
    }
}
