import AdvocompEngine
import AdvocompModel

/// Two plans on the same inputs (`advocomp compare`): the impact assessment change
/// control asks for before a KPI, weight or curve changes. Payees are matched by id;
/// amounts are never added across currencies.
public struct PlanComparison: Sendable {
    public struct PayeeLine: Sendable {
        public var payeeID: String
        public var name: String
        public var unit: String
        public var currency: String
        public var digits: Int
        /// nil: not on that plan.
        public var a: PayeeResult?
        public var b: PayeeResult?
        public var payoutA: FixedDecimal
        public var payoutB: FixedDecimal
        public var change: FixedDecimal
    }

    public struct Group: Sendable {
        public var key: String
        public var currency: String
        public var digits: Int
        public var payees = 0
        public var gain = 0
        public var lose = 0
        public var totalA = FixedDecimal.zero
        public var totalB = FixedDecimal.zero
        public var change = FixedDecimal.zero
    }

    /// What moves the total: each component's amount (after modifiers, before cap, floor
    /// and rounding) summed over the payees and rounded to minor units, then what cap,
    /// floor, rounding and the pool add; the rows of one currency add up to its change
    /// exactly.
    public struct Driver: Sendable {
        public var name: String
        public var currency: String
        public var digits: Int
        public var a = FixedDecimal.zero
        public var b = FixedDecimal.zero
        public var change = FixedDecimal.zero
    }

    /// A modifier's factor: its mean over the payees with status ok or held, in each plan,
    /// and how many payees' factor differs.
    public struct ModifierLine: Sendable {
        public var id: String
        /// nil: the plan has no such modifier.
        public var meanA: FixedDecimal?
        public var meanB: FixedDecimal?
        public var payeesChanged: Int
    }

    public var a: RunResult
    public var b: RunResult
    public var payees: [PayeeLine]
    public var units: [Group]
    /// One per currency.
    public var totals: [Group]
    public var drivers: [Driver]
    public var modifiers: [ModifierLine]

    public init(a: RunResult, b: RunResult) {
        self.a = a
        self.b = b
        let byA = Dictionary(a.payees.map { ($0.payee.id, $0) }, uniquingKeysWith: { x, _ in x })
        let byB = Dictionary(b.payees.map { ($0.payee.id, $0) }, uniquingKeysWith: { x, _ in x })
        let ids = Set(byA.keys).union(byB.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var lines: [PayeeLine] = []
        for id in ids {
            let x = byA[id], y = byB[id]
            guard let any = x ?? y else { continue }
            let pa = x?.payout ?? .zero, pb = y?.payout ?? .zero
            lines.append(PayeeLine(payeeID: id, name: any.payee.name, unit: any.payee.unit, currency: any.currency.code,
                                   digits: any.currency.minorDigits, a: x, b: y, payoutA: pa, payoutB: pb,
                                   change: (try? pb - pa) ?? .zero))
        }
        payees = lines

        func grouped(_ key: (PayeeLine) -> String) -> [Group] {
            var groups: [String: Group] = [:]
            for l in lines {
                let k = key(l) + "\u{0}" + l.currency
                var g = groups[k] ?? Group(key: key(l), currency: l.currency, digits: l.digits)
                g.payees += 1
                if l.change > .zero { g.gain += 1 } else if l.change.isNegative { g.lose += 1 }
                g.totalA = (try? g.totalA + l.payoutA) ?? g.totalA
                g.totalB = (try? g.totalB + l.payoutB) ?? g.totalB
                g.change = (try? g.change + l.change) ?? g.change
                groups[k] = g
            }
            return groups.values.sorted { ($0.key, $0.currency) < ($1.key, $1.currency) }
        }
        units = grouped(\.unit)
        totals = grouped { _ in "all" }

        // Components by id (a component in one plan only counts 0 in the other).
        let componentIDs = a.plan.components.map(\.id) + b.plan.components.map(\.id).filter { id in !a.plan.components.contains { $0.id == id } }
        var drivers: [Driver] = []
        for t in totals {
            var rows: [Driver] = []
            var explained = FixedDecimal.zero
            for id in componentIDs {
                var d = Driver(name: "component \(id)", currency: t.currency, digits: t.digits)
                let ia = a.plan.components.firstIndex { $0.id == id }, ib = b.plan.components.firstIndex { $0.id == id }
                for l in lines where l.currency == t.currency {
                    if let ia, let r = l.a, ia < r.componentAmounts.count { d.a = (try? d.a + r.componentAmounts[ia]) ?? d.a }
                    if let ib, let r = l.b, ib < r.componentAmounts.count { d.b = (try? d.b + r.componentAmounts[ib]) ?? d.b }
                }
                // In minor units, so the rows of a currency add up to its change exactly.
                d.a = (try? d.a.roundedMoney(places: t.digits, mode: .halfEven)) ?? d.a
                d.b = (try? d.b.roundedMoney(places: t.digits, mode: .halfEven)) ?? d.b
                d.change = (try? d.b - d.a) ?? .zero
                explained = (try? explained + d.change) ?? explained
                rows.append(d)
            }
            var rest = Driver(name: "cap, floor, rounding and pool", currency: t.currency, digits: t.digits)
            rest.change = (try? t.change - explained) ?? .zero
            rest.a = (try? t.totalA - rows.reduce(FixedDecimal.zero) { (try? $0 + $1.a) ?? $0 }) ?? .zero
            rest.b = (try? t.totalB - rows.reduce(FixedDecimal.zero) { (try? $0 + $1.b) ?? $0 }) ?? .zero
            drivers += rows + [rest]
        }
        self.drivers = drivers

        let modifierIDs = a.plan.modifiers.map(\.id) + b.plan.modifiers.map(\.id).filter { id in !a.plan.modifiers.contains { $0.id == id } }
        modifiers = modifierIDs.map { id in
            let ia = a.plan.modifiers.firstIndex { $0.id == id }, ib = b.plan.modifiers.firstIndex { $0.id == id }
            func mean(_ index: Int?, _ results: [PayeeResult]) -> FixedDecimal? {
                guard let index else { return nil }
                let factors = results.filter { $0.status != .ineligible && index < $0.modifierFactors.count }.map { $0.modifierFactors[index] }
                guard !factors.isEmpty else { return nil }
                var sum = FixedDecimal.zero
                for f in factors { sum = (try? sum + f) ?? sum }
                return try? sum / FixedDecimal(factors.count)
            }
            var changed = 0
            for l in lines {
                let fa = ia.flatMap { i in l.a.flatMap { i < $0.modifierFactors.count ? $0.modifierFactors[i] : nil } }
                let fb = ib.flatMap { i in l.b.flatMap { i < $0.modifierFactors.count ? $0.modifierFactors[i] : nil } }
                if fa != fb { changed += 1 }
            }
            return ModifierLine(id: id, meanA: mean(ia, a.payees), meanB: mean(ib, b.payees), payeesChanged: changed)
        }
    }
}

/// `compare`'s text, CSV and JSON.
public enum ComparisonReport {
    static func signed(_ v: FixedDecimal, _ d: Int) -> String { (v > .zero ? "+" : "") + Display.money(v, digits: d) }

    public static func table(_ c: PlanComparison) -> String {
        var out = Display.text("Plan A: \(c.a.plan.id) v\(c.a.plan.version) (\(c.a.plan.sourceFile)); plan B: \(c.b.plan.id) v\(c.b.plan.version) (\(c.b.plan.sourceFile)); \(c.a.period)") + "\n"
        out += "\nSummary\n"
        out += Display.table(["cur", "payees", "plan A", "plan B", "change", "gain", "lose", "same"],
                             c.totals.map { t in
                                 [t.currency, String(t.payees), Display.money(t.totalA, digits: t.digits), Display.money(t.totalB, digits: t.digits),
                                  signed(t.change, t.digits), String(t.gain), String(t.lose), String(t.payees - t.gain - t.lose)]
                             }, rightAligned: [1, 2, 3, 4, 5, 6, 7])
        out += "\nWhat drives it (component amounts after modifiers, summed over the payees)\n"
        out += Display.table(["cur", "driver", "plan A", "plan B", "change"],
                             c.drivers.map { [$0.currency, $0.name, Display.money($0.a, digits: $0.digits), Display.money($0.b, digits: $0.digits),
                                              signed($0.change, $0.digits)] }, rightAligned: [2, 3, 4])
        if !c.modifiers.isEmpty {
            out += "\nModifiers (mean factor over the payees calculated)\n"
            out += Display.table(["modifier", "plan A", "plan B", "payees whose factor changed"],
                                 c.modifiers.map { [$0.id, $0.meanA?.percentString(maxPlaces: 2) ?? "-", $0.meanB?.percentString(maxPlaces: 2) ?? "-",
                                                    String($0.payeesChanged)] }, rightAligned: [1, 2, 3])
        }
        out += "\nBy unit\n"
        out += Display.table(["unit", "cur", "payees", "plan A", "plan B", "change", "gain", "lose"],
                             c.units.map { u in
                                 [u.key.isEmpty ? "(none)" : u.key, u.currency, String(u.payees), Display.money(u.totalA, digits: u.digits),
                                  Display.money(u.totalB, digits: u.digits), signed(u.change, u.digits), String(u.gain), String(u.lose)]
                             }, rightAligned: [2, 3, 4, 5, 6, 7])
        out += "\nBy payee\n"
        out += Display.table(["payee", "name", "unit", "cur", "plan A", "plan B", "change"],
                             c.payees.map { l in
                                 [l.payeeID, l.name, l.unit, l.currency, l.a.map { Display.money($0.payout, digits: l.digits) + status($0) } ?? "not on plan",
                                  l.b.map { Display.money($0.payout, digits: l.digits) + status($0) } ?? "not on plan", signed(l.change, l.digits)]
                             }, rightAligned: [4, 5, 6])
        return out
    }

    static func status(_ p: PayeeResult) -> String { p.status == .ok ? "" : " (\(p.status.rawValue))" }

    /// The per-payee view: `payee_id,unit,currency,status_a,payout_a,status_b,payout_b,change`.
    public static func csv(_ c: PlanComparison) -> String {
        var out = "payee_id,unit,currency,status_a,payout_a,status_b,payout_b,change\n"
        for l in c.payees {
            out += [CSVField.escape(l.payeeID), CSVField.escape(l.unit), l.currency, l.a?.status.rawValue ?? "absent",
                    l.payoutA.formatted(places: l.digits), l.b?.status.rawValue ?? "absent", l.payoutB.formatted(places: l.digits),
                    l.change.formatted(places: l.digits)].joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ c: PlanComparison) -> String {
        let w = JSONWriter()
        func group(_ g: PlanComparison.Group, key: String?) {
            w.object {
                if let key { w.key("unit"); w.string(key) }
                w.key("currency"); w.string(g.currency)
                w.key("payees"); w.raw(String(g.payees))
                w.key("plan_a"); w.string(g.totalA.formatted(places: g.digits))
                w.key("plan_b"); w.string(g.totalB.formatted(places: g.digits))
                w.key("change"); w.string(g.change.formatted(places: g.digits))
                w.key("gain"); w.raw(String(g.gain))
                w.key("lose"); w.raw(String(g.lose))
            }
        }
        w.object {
            w.key("plan_a"); w.object { w.key("plan"); w.string(c.a.plan.id); w.key("version"); w.string(c.a.plan.version); w.key("file"); w.string(c.a.plan.sourceFile) }
            w.key("plan_b"); w.object { w.key("plan"); w.string(c.b.plan.id); w.key("version"); w.string(c.b.plan.version); w.key("file"); w.string(c.b.plan.sourceFile) }
            w.key("period"); w.string(c.a.period.description)
            w.key("totals"); w.array { for t in c.totals { group(t, key: nil) } }
            w.key("drivers")
            w.array {
                for d in c.drivers {
                    w.object {
                        w.key("driver"); w.string(d.name)
                        w.key("currency"); w.string(d.currency)
                        w.key("plan_a"); w.string(d.a.formatted(places: d.digits))
                        w.key("plan_b"); w.string(d.b.formatted(places: d.digits))
                        w.key("change"); w.string(d.change.formatted(places: d.digits))
                    }
                }
            }
            w.key("modifiers")
            w.array {
                for m in c.modifiers {
                    w.object {
                        w.key("modifier"); w.string(m.id)
                        w.key("mean_factor_a"); if let v = m.meanA { w.string(v.description) } else { w.raw("null") }
                        w.key("mean_factor_b"); if let v = m.meanB { w.string(v.description) } else { w.raw("null") }
                        w.key("payees_changed"); w.raw(String(m.payeesChanged))
                    }
                }
            }
            w.key("units"); w.array { for u in c.units { group(u, key: u.key) } }
            w.key("payees")
            w.array {
                for l in c.payees {
                    w.object {
                        w.key("payee_id"); w.string(l.payeeID)
                        w.key("unit"); w.string(l.unit)
                        w.key("currency"); w.string(l.currency)
                        w.key("status_a"); w.string(l.a?.status.rawValue ?? "absent")
                        w.key("payout_a"); w.string(l.payoutA.formatted(places: l.digits))
                        w.key("status_b"); w.string(l.b?.status.rawValue ?? "absent")
                        w.key("payout_b"); w.string(l.payoutB.formatted(places: l.digits))
                        w.key("change"); w.string(l.change.formatted(places: l.digits))
                    }
                }
            }
        }
        return w.text + "\n"
    }
}
