import AdvocompEngine
import AdvocompModel

/// A pilot's report (README, "Pilots"): pilot and control compared on each advocacy and
/// customer-satisfaction KPI (difference-in-differences with a bootstrap interval), and
/// what rolling the candidate out to everyone would have cost in the periods after.
public struct PilotReport: Sendable {
    public struct RunUsed: Sendable {
        public var period: Period
        public var planID: String
        public var run: Int64
        public var state: String
        public init(period: Period, planID: String, run: Int64, state: String) {
            self.period = period; self.planID = planID; self.run = run; self.state = state
        }
    }
    public struct Comparison: Sendable {
        public enum Kind: String, Sendable { case advocacy, satisfaction }
        public var kpi: String
        public var kind: Kind
        /// payee, unit, company, or none (no values found).
        public var scope: String
        public var result: DiffInDiff?
        /// Why there is no result, when there is none.
        public var note: String?
        public init(kpi: String, kind: Kind, scope: String, result: DiffInDiff?, note: String?) {
            self.kpi = kpi; self.kind = kind; self.scope = scope; self.result = result; self.note = note
        }
    }
    public struct Rollout: Sendable {
        public var period: Period
        /// The current plan's run whose stored inputs were used, and the candidate's.
        public var run: Int64
        public var candidateRun: Int64
        public var comparison: PlanComparison
        public init(period: Period, run: Int64, candidateRun: Int64, comparison: PlanComparison) {
            self.period = period; self.run = run; self.candidateRun = candidateRun; self.comparison = comparison
        }
    }
    public var pilot: Pilot
    public var runs: [RunUsed]
    public var comparisons: [Comparison]
    public var rollout: [Rollout]
    public var notes: [String]
    public init(pilot: Pilot, runs: [RunUsed], comparisons: [Comparison], rollout: [Rollout], notes: [String]) {
        self.pilot = pilot; self.runs = runs; self.comparisons = comparisons; self.rollout = rollout; self.notes = notes
    }
}

public enum PilotRender {
    /// A figure for display: 4 decimals, half-even (the JSON has the exact figures).
    static func num(_ v: FixedDecimal?) -> String {
        guard let v else { return "-" }
        return ((try? v.rounded(places: 4, mode: .halfEven)) ?? v).description
    }

    static func cohortText(_ c: Pilot.Cohort) -> String {
        switch c {
        case .payees(let p): return "payees " + p.joined(separator: ", ")
        case .units(let u): return "units " + u.joined(separator: ", ")
        }
    }

    /// The payouts before the pool when it binds ("-" without one that binds).
    static func beforePool(_ run: RunResult, _ c: Currency) -> String {
        guard let p = run.pool, p.applied, p.currency == c else { return "-" }
        return p.totalBefore.grouped
    }

    public static func table(_ r: PilotReport) -> String {
        let p = r.pilot
        var out = Display.text("Pilot \(p.id)" + (p.title.map { ": \($0)" } ?? "")) + "\n"
        out += Display.text("candidate \(p.candidate) for \(cohortText(p.cohort)); control: the rest on \(p.plan)") + "\n"
        out += "before: \(p.before.map(\.description).joined(separator: ", ")); after: \(p.after.map(\.description).joined(separator: ", "))\n"
        out += "runs read: " + r.runs.map { "\($0.period) \($0.planID) run \($0.run) (\($0.state))" }.joined(separator: ", ") + "\n"
        out += "change = mean after - mean before, per member; difference = pilot change - control change; "
        out += "\(p.confidence.percentString()) bootstrap interval over \(p.resamples) resamples, seed \(p.seed); fewer than \(p.minimumPerGroup) members in a group: too few to say anything\n\n"
        let header = ["kpi", "kind", "scope", "pilot n", "pilot before", "pilot after", "pilot change",
                      "control n", "control change", "difference", "interval", "what it says"]
        let rows = r.comparisons.map { c -> [String] in
            guard let d = c.result else {
                return [c.kpi, c.kind.rawValue, c.scope, "-", "-", "-", "-", "-", "-", "-", "-", c.note ?? ""]
            }
            let interval = (d.low != nil && d.high != nil) ? "\(num(d.low)) to \(num(d.high))" : "-"
            return [c.kpi, c.kind.rawValue, c.scope, String(d.pilot.count), num(d.pilotBefore), num(d.pilotAfter), num(d.pilotChange),
                    String(d.control.count), num(d.controlChange), num(d.difference), interval, d.verdict]
        }
        out += Display.table(header, rows.map { $0.map(Display.text) }, rightAligned: [3, 4, 5, 6, 7, 8, 9])
        if !r.rollout.isEmpty {
            out += "\nRolling \(Display.text(p.candidate)) out to everyone on \(Display.text(p.plan)) (both plans on each period's stored inputs, compare's engine)\n"
            var rows: [[String]] = []
            for ro in r.rollout {
                for t in ro.comparison.totals {
                    rows.append([ro.period.description, "\(ro.run), \(ro.candidateRun)", t.currency.code, String(t.payees),
                                 t.totalA.grouped, t.totalB.grouped, t.change.grouped, String(t.gain), String(t.lose),
                                 beforePool(ro.comparison.a, t.currency), beforePool(ro.comparison.b, t.currency)])
                }
            }
            out += Display.table(["period", "runs", "cur", "payees", "all on current", "all on candidate", "change", "gain", "lose",
                                  "current before pool", "candidate before pool"],
                                 rows, rightAligned: [3, 4, 5, 6, 7, 8, 9, 10])
        }
        if !r.notes.isEmpty { out += "\nNotes\n" + r.notes.map { "- " + Display.text($0) + "\n" }.joined() }
        return out
    }

    /// `kpi,kind,scope,pilot_n,pilot_before,pilot_after,pilot_change,control_n,control_before,control_after,control_change,difference,low,high,verdict`
    /// with exact figures.
    public static func csv(_ r: PilotReport) -> String {
        var out = "kpi,kind,scope,pilot_n,pilot_before,pilot_after,pilot_change,control_n,control_before,control_after,control_change,difference,low,high,verdict\n"
        func t(_ v: FixedDecimal?) -> String { v?.description ?? "" }
        for c in r.comparisons {
            let d = c.result
            out += [CSVField.escape(c.kpi), c.kind.rawValue, c.scope, d.map { String($0.pilot.count) } ?? "", t(d?.pilotBefore), t(d?.pilotAfter),
                    t(d?.pilotChange), d.map { String($0.control.count) } ?? "", t(d?.controlBefore), t(d?.controlAfter), t(d?.controlChange),
                    t(d?.difference), t(d?.low), t(d?.high), CSVField.escape(d?.verdict ?? c.note ?? "")].joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ r: PilotReport) -> String {
        let w = JSONWriter()
        let p = r.pilot
        func dec(_ v: FixedDecimal?) { if let v { w.string(v.description) } else { w.raw("null") } }
        w.object {
            w.key("pilot"); w.string(p.id)
            w.key("plan"); w.string(p.plan)
            w.key("candidate"); w.string(p.candidate)
            w.key("cohort")
            w.object {
                switch p.cohort {
                case .payees(let ids): w.key("payees"); w.array { for i in ids { w.string(i) } }
                case .units(let us): w.key("units"); w.array { for u in us { w.string(u) } }
                }
            }
            w.key("before"); w.array { for x in p.before { w.string(x.description) } }
            w.key("after"); w.array { for x in p.after { w.string(x.description) } }
            w.key("bootstrap")
            w.object {
                w.key("resamples"); w.raw(String(p.resamples)); w.key("confidence"); w.string(p.confidence.description)
                w.key("seed"); w.raw(String(p.seed)); w.key("min_per_group"); w.raw(String(p.minimumPerGroup))
            }
            w.key("runs")
            w.array { for u in r.runs { w.object { w.key("period"); w.string(u.period.description); w.key("plan"); w.string(u.planID)
                                                   w.key("run"); w.raw(String(u.run)); w.key("state"); w.string(u.state) } } }
            w.key("kpis")
            w.array {
                for c in r.comparisons {
                    w.object {
                        w.key("kpi"); w.string(c.kpi); w.key("kind"); w.string(c.kind.rawValue); w.key("scope"); w.string(c.scope)
                        if let d = c.result {
                            for (name, group) in [("pilot", d.pilot), ("control", d.control)] {
                                w.key(name)
                                w.array { for m in group { w.object { w.key("id"); w.string(m.id); w.key("before"); w.string(m.before.description)
                                                                      w.key("after"); w.string(m.after.description); w.key("change"); w.string(m.change.description) } } }
                            }
                            w.key("incomplete"); w.array { for i in d.incomplete { w.string(i) } }
                            w.key("pilot_before"); dec(d.pilotBefore); w.key("pilot_after"); dec(d.pilotAfter); w.key("pilot_change"); dec(d.pilotChange)
                            w.key("control_before"); dec(d.controlBefore); w.key("control_after"); dec(d.controlAfter); w.key("control_change"); dec(d.controlChange)
                            w.key("difference"); dec(d.difference); w.key("low"); dec(d.low); w.key("high"); dec(d.high)
                            w.key("verdict"); w.string(d.verdict)
                        } else {
                            w.key("note"); w.string(c.note ?? "")
                        }
                    }
                }
            }
            w.key("rollout")
            w.array {
                for ro in r.rollout {
                    w.object {
                        w.key("period"); w.string(ro.period.description); w.key("run"); w.raw(String(ro.run)); w.key("candidate_run"); w.raw(String(ro.candidateRun))
                        w.key("totals")
                        w.array { for t in ro.comparison.totals { w.object {
                            w.key("currency"); w.string(t.currency.code); w.key("payees"); w.raw(String(t.payees))
                            w.key("all_on_current"); w.string(t.totalA.plain); w.key("all_on_candidate"); w.string(t.totalB.plain)
                            w.key("change"); w.string(t.change.plain); w.key("gain"); w.raw(String(t.gain)); w.key("lose"); w.raw(String(t.lose))
                            for (k, run) in [("current_before_pool", ro.comparison.a), ("candidate_before_pool", ro.comparison.b)] {
                                w.key(k)
                                if let p = run.pool, p.applied, p.currency == t.currency { w.string(p.totalBefore.plain) } else { w.raw("null") }
                            }
                        } } }
                    }
                }
            }
            w.key("notes"); w.array { for n in r.notes { w.string(n) } }
        }
        return w.line
    }
}
