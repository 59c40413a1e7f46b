import AdvocompEngine
import AdvocompModel

/// The programme's economics over the run history (`advocomp economics`): for each period
/// and plan with an `economics:` section, the run that stands for it (or the runs chosen),
/// recalculated from its stored inputs and checked against its stored payouts, then
/// `ProgrammeEconomics` per unit, with totals per plan and period, per plan, and overall.
public struct EconomicsReport: Sendable {
    /// One plan in one period: the run read, its units, and their total.
    public struct Section: Sendable {
        public var period: Period
        public var planID: String
        public var planVersion: String
        public var run: Int64
        /// final, approved or draft (a draft only when chosen with --run).
        public var runState: String
        public var economics: Economics
        /// Where the events came from: the run's stored file, --events, or none.
        public var eventsSource: String
        public var lines: [ProgrammeEconomics.Line]
        public var total: EconomicsFigures
        public init(period: Period, planID: String, planVersion: String, run: Int64, runState: String, economics: Economics,
                    eventsSource: String, lines: [ProgrammeEconomics.Line], total: EconomicsFigures) {
            self.period = period; self.planID = planID; self.planVersion = planVersion; self.run = run; self.runState = runState
            self.economics = economics; self.eventsSource = eventsSource; self.lines = lines; self.total = total
        }
    }
    public struct PlanTotal: Sendable {
        public var planID: String
        public var total: EconomicsFigures
        public init(planID: String, total: EconomicsFigures) { self.planID = planID; self.total = total }
    }
    public var sections: [Section]
    /// Per plan over every period shown.
    public var planTotals: [PlanTotal]
    /// Over every plan and period, one per revenue currency.
    public var totals: [EconomicsFigures]
    /// Periods and plans left out, and why; events types never seen.
    public var notes: [String]
    /// When some plan-periods have no contribution (a cost in another currency): the total
    /// of those that have one, per revenue currency, so the rest can still be judged.
    public var totalsWithContribution: [EconomicsFigures] = []

    public init(sections: [Section], planTotals: [PlanTotal], totals: [EconomicsFigures], notes: [String]) {
        self.sections = sections; self.planTotals = planTotals; self.totals = totals; self.notes = notes
    }
}

/// The economics report as a table, a CSV and JSON.
public enum EconomicsRender {
    /// A list of money in several currencies: the revenue currency's amount alone when it
    /// is the only one, else each with its code, joined by " + ".
    static func moneyList(_ list: [Money], _ revenue: Currency) -> String {
        let nonzero = list.filter { !$0.isZero }
        if nonzero.isEmpty { return Money.zero(revenue).grouped }
        if nonzero.count == 1 && nonzero[0].currency == revenue { return nonzero[0].grouped }
        return nonzero.map { "\($0.grouped) \($0.currency.code)" }.joined(separator: " + ")
    }

    /// Return as a percentage with one decimal (rounded half-even for display).
    public static func returnText(_ f: EconomicsFigures) -> String {
        if let r = f.returnOnSpend { return r.percentString(maxPlaces: 1, minPlaces: 1) }
        if f.contribution == nil { return "n/a" }
        return "-"
    }

    static func contributionText(_ f: EconomicsFigures) -> String {
        if let c = f.contribution { return c.grouped }
        return "n/a (cost in " + f.foreignCostCurrencies.map(\.code).joined(separator: ", ") + ")"
    }

    static func row(_ label: String, _ f: EconomicsFigures) -> [String] {
        [label, String(f.paidPayees), moneyList(f.payout, f.revenueCurrency), moneyList(f.cost, f.revenueCurrency),
         f.referred.grouped, f.incremental.grouped, contributionText(f), returnText(f), String(f.events.count)]
    }

    static let header = ["", "paid", "payout", "advocacy cost", "referred", "incremental", "contribution", "return", "events"]
    static let right: Set<Int> = [1, 2, 3, 4, 5, 6, 7, 8]

    public static func table(_ r: EconomicsReport, source: String) -> String {
        var out = Display.text("Programme economics from \(source): advocacy incentive cost against incremental referred revenue") + "\n"
        out += "cost = each paid payee's payout x (advocacy components' amounts / all components' amounts), rounded once;\n"
        out += "incremental = referred x (1 - baseline share); contribution = incremental x margin - cost; return = contribution / cost\n"
        if r.sections.isEmpty {
            out += "\nNo recorded run of a plan with an economics section" + (r.notes.isEmpty ? "." : ":") + "\n"
        }
        for s in r.sections {
            let e = s.economics
            out += "\n" + Display.text("\(s.period)  \(s.planID) v\(s.planVersion)  run \(s.run) (\(s.runState))  revenue in \(s.total.revenueCurrency.code)") + "\n"
            out += Display.text("advocacy components: \(e.components.joined(separator: ", ")); revenue: \(e.revenueTypes.joined(separator: ", ")) events, baseline share \(e.baselineShare.percentString(maxPlaces: 4)), margin \(e.margin.percentString(maxPlaces: 4))") + "\n"
            var rows = s.lines.map { row(Display.text($0.unit.isEmpty ? "(no unit)" : $0.unit), $0.figures) }
            rows.append(row("all units", s.total))
            var h = header; h[0] = "unit"
            out += Display.table(h, rows, rightAligned: right)
            let excluded = s.total.excludedEvents.count, blank = s.total.eventsWithoutAmount.count
            if excluded > 0 { out += "not counted, excluded by the plan's gaming checks: \(s.total.excludedEvents.joined(separator: " "))\n" }
            if blank > 0 { out += "not counted, no amount: \(s.total.eventsWithoutAmount.joined(separator: " "))\n" }
        }
        if !r.sections.isEmpty {
            out += "\nBy plan (every period above)\n"
            var h = header; h[0] = "plan"
            out += Display.table(h, r.planTotals.map { row(Display.text($0.planID), $0.total) }, rightAligned: right)
            out += "\nTotal (every plan and period; one line per revenue currency, never added across currencies)\n"
            h[0] = "revenue in"
            out += Display.table(h, r.totals.map { row($0.revenueCurrency.code, $0) }
                                 + r.totalsWithContribution.map { row("\($0.revenueCurrency.code), plans and periods with a contribution", $0) },
                                 rightAligned: right)
        }
        if !r.notes.isEmpty { out += "\nNotes\n" + r.notes.map { "- " + Display.text($0) + "\n" }.joined() }
        return out
    }

    /// One row per line and per plan-period total (`unit` = `*`), with exact figures:
    /// `period,plan_id,plan_version,run,unit,paid_payees,cost_currency,payout,advocacy_cost,revenue_currency,referred_revenue,incremental_revenue,contribution,return_on_spend,events`.
    /// A line whose cost is in several currencies has one row per cost currency; its
    /// revenue figures are on the revenue currency's row (or the first row) only.
    public static func csv(_ r: EconomicsReport) -> String {
        var out = "period,plan_id,plan_version,run,unit,paid_payees,cost_currency,payout,advocacy_cost,revenue_currency,referred_revenue,incremental_revenue,contribution,return_on_spend,events\n"
        func emit(_ s: EconomicsReport.Section, _ unit: String, _ f: EconomicsFigures) {
            var currencies = Set(f.cost.map(\.currency.code)).union(f.payout.map(\.currency.code))
            currencies.insert(f.revenueCurrency.code)
            let ordered = [f.revenueCurrency.code] + currencies.subtracting([f.revenueCurrency.code]).sorted()
            for (i, c) in ordered.enumerated() {
                let payout = f.payout.first { $0.currency.code == c }?.plain ?? "0"
                let cost = f.cost.first { $0.currency.code == c }?.plain ?? "0"
                var cells = [s.period.description, CSVField.escape(s.planID), CSVField.escape(s.planVersion), String(s.run), CSVField.escape(unit),
                             i == 0 ? String(f.paidPayees) : "", c, payout, cost]
                if i == 0 {
                    cells += [f.revenueCurrency.code, f.referred.amount.description, f.incremental.amount.description,
                              f.contribution?.amount.description ?? "", f.returnOnSpend.map { ratio($0) } ?? "", String(f.events.count)]
                } else {
                    cells += ["", "", "", "", "", ""]
                }
                out += cells.joined(separator: ",") + "\n"
            }
        }
        for s in r.sections {
            for l in s.lines { emit(s, l.unit, l.figures) }
            emit(s, "*", s.total)
        }
        return out
    }

    /// The ratio as exact decimal text rounded half-even to 6 places.
    public static func ratio(_ v: FixedDecimal) -> String {
        ((try? v.rounded(places: 6, mode: .halfEven)) ?? v).description
    }

    static func figures(_ w: JSONWriter, _ f: EconomicsFigures) {
        w.key("paid_payees"); w.raw(String(f.paidPayees))
        w.key("payout"); moneyObject(w, f.payout)
        w.key("advocacy_cost"); moneyObject(w, f.cost)
        w.key("revenue_currency"); w.string(f.revenueCurrency.code)
        w.key("referred_revenue"); w.string(f.referred.amount.description)
        w.key("incremental_revenue"); w.string(f.incremental.amount.description)
        w.key("contribution"); if let c = f.contribution { w.string(c.amount.description) } else { w.raw("null") }
        w.key("return_on_spend"); if let v = f.returnOnSpend { w.string(ratio(v)) } else { w.raw("null") }
        if f.contribution == nil {
            w.key("contribution_missing_because"); w.string("cost in " + f.foreignCostCurrencies.map(\.code).joined(separator: ", ") + ", revenue in \(f.revenueCurrency.code): advocomp never converts currencies")
        }
        w.key("runs"); w.array { for r in f.runs { w.raw(String(r)) } }
        w.key("event_count"); w.raw(String(f.events.count))
        w.key("events"); w.array { for e in f.events { w.string(e) } }
        w.key("excluded_events"); w.array { for e in f.excludedEvents { w.string(e) } }
        w.key("events_without_amount"); w.array { for e in f.eventsWithoutAmount { w.string(e) } }
    }

    static func moneyObject(_ w: JSONWriter, _ list: [Money]) {
        w.object { for m in list { w.key(m.currency.code); w.string(m.plain) } }
    }

    public static func json(_ r: EconomicsReport) -> String {
        let w = JSONWriter()
        w.object {
            w.key("economics")
            w.array {
                for s in r.sections {
                    w.object {
                        w.key("period"); w.string(s.period.description)
                        w.key("plan"); w.string(s.planID)
                        w.key("version"); w.string(s.planVersion)
                        w.key("run"); w.raw(String(s.run))
                        w.key("run_state"); w.string(s.runState)
                        w.key("events_source"); w.string(s.eventsSource)
                        w.key("advocacy_components"); w.array { for c in s.economics.components { w.string(c) } }
                        w.key("revenue_types"); w.array { for t in s.economics.revenueTypes { w.string(t) } }
                        w.key("baseline_share"); w.string(s.economics.baselineShare.description)
                        w.key("margin"); w.string(s.economics.margin.description)
                        w.key("units")
                        w.array { for l in s.lines { w.object { w.key("unit"); w.string(l.unit); figures(w, l.figures) } } }
                        w.key("total"); w.object { figures(w, s.total) }
                    }
                }
            }
            w.key("plans"); w.array { for p in r.planTotals { w.object { w.key("plan"); w.string(p.planID); figures(w, p.total) } } }
            w.key("totals"); w.array { for t in r.totals { w.object { figures(w, t) } } }
            w.key("totals_with_contribution"); w.array { for t in r.totalsWithContribution { w.object { figures(w, t) } } }
            w.key("notes"); w.array { for n in r.notes { w.string(n) } }
        }
        return w.line
    }
}
