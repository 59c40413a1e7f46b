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
        public var currency: Currency
        /// nil: not on that plan.
        public var a: PayeeResult?
        public var b: PayeeResult?
        var payoutAValue: FixedDecimal
        var payoutBValue: FixedDecimal
        var changeValue: FixedDecimal
        /// The payout under each plan (zero when not on it) and `payoutB - payoutA`.
        public var payoutA: Money { Money(payoutAValue, currency) }
        public var payoutB: Money { Money(payoutBValue, currency) }
        public var change: Money { Money(changeValue, currency) }
    }

    public struct Group: Sendable {
        public var key: String
        public var currency: Currency
        public var payees = 0
        public var gain = 0
        public var lose = 0
        var totalAValue = FixedDecimal.zero
        var totalBValue = FixedDecimal.zero
        var changeValue = FixedDecimal.zero
        public var totalA: Money { Money(totalAValue, currency) }
        public var totalB: Money { Money(totalBValue, currency) }
        public var change: Money { Money(changeValue, currency) }
    }

    /// What moves the total: each component's amount (after modifiers, before cap, floor
    /// and rounding) summed over the payees and rounded to minor units, then what cap,
    /// floor, rounding and the pool add; the rows of one currency add up to its change
    /// exactly.
    public struct Driver: Sendable {
        public var name: String
        public var currency: Currency
        var aValue = FixedDecimal.zero
        var bValue = FixedDecimal.zero
        var changeValue = FixedDecimal.zero
        public var a: Money { Money(aValue, currency) }
        public var b: Money { Money(bValue, currency) }
        public var change: Money { Money(changeValue, currency) }
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

    /// Both runs compared. Every sum is checked: one beyond the range of exact decimals
    /// throws `DiagnosticsError`, each error naming the sum and, where one amount took it
    /// there, the payee (at the payee's roster row).
    public init(a: RunResult, b: RunResult) throws {
        self.a = a
        self.b = b
        var diagnostics: [Diagnostic] = []
        var failed = Set<String>()
        /// `total += x`; out of range, an error naming `name` (once) and `item`.
        /// Money sums show the amount in the currency's minor digits; factors, exactly.
        func add(_ total: inout FixedDecimal, _ x: FixedDecimal, _ name: String, _ item: String, _ currency: Currency?,
                 exact: Bool = false, at location: SourceLocation?) {
            guard !failed.contains(name) else { return }
            do { total = try total + x } catch {
                failed.insert(name)
                diagnostics.append(.totalOverflow(item, x, places: exact ? nil : currency?.minorDigits, totals: [name], currency: currency?.code, at: location))
            }
        }
        /// `f()`; out of range, an error saying what could not be worked out.
        func checked(_ what: String, _ f: () throws -> FixedDecimal) -> FixedDecimal {
            do { return try f() } catch {
                diagnostics.append(.error("\(what) is beyond the range of exact decimals", at: nil))
                return .zero
            }
        }
        let byA = Dictionary(a.payees.map { ($0.payee.id, $0) }, uniquingKeysWith: { x, _ in x })
        let byB = Dictionary(b.payees.map { ($0.payee.id, $0) }, uniquingKeysWith: { x, _ in x })
        let ids = Set(byA.keys).union(byB.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var lines: [PayeeLine] = []
        var rosterRows: [String: SourceLocation] = [:]
        for id in ids {
            let x = byA[id], y = byB[id]
            guard let any = x ?? y else { continue }
            rosterRows[id] = any.payee.location
            let pa = x?.payout.amount ?? .zero, pb = y?.payout.amount ?? .zero
            let change = checked("the change of payee \(id)'s payout (\(pa) to \(pb))") { try pb - pa }
            lines.append(PayeeLine(payeeID: id, name: any.payee.name, unit: any.payee.unit, currency: any.currency,
                                   a: x, b: y, payoutAValue: pa, payoutBValue: pb, changeValue: change))
        }
        payees = lines

        func grouped(_ key: (PayeeLine) -> String, _ label: (PayeeLine) -> String) -> [Group] {
            var groups: [String: Group] = [:]
            for l in lines {
                let k = key(l) + "\u{0}" + l.currency.code
                var g = groups[k] ?? Group(key: key(l), currency: l.currency)
                g.payees += 1
                if l.changeValue > .zero { g.gain += 1 } else if l.changeValue.isNegative { g.lose += 1 }
                let at = rosterRows[l.payeeID]
                add(&g.totalAValue, l.payoutAValue, "plan A's payout total\(label(l)) in \(l.currency)", "payee \(l.payeeID)'s payout under plan A", l.currency, at: at)
                add(&g.totalBValue, l.payoutBValue, "plan B's payout total\(label(l)) in \(l.currency)", "payee \(l.payeeID)'s payout under plan B", l.currency, at: at)
                add(&g.changeValue, l.changeValue, "the total change\(label(l)) in \(l.currency)", "payee \(l.payeeID)'s change", l.currency, at: at)
                groups[k] = g
            }
            return groups.values.sorted { ($0.key, $0.currency.code) < ($1.key, $1.currency.code) }
        }
        units = grouped(\.unit) { $0.unit.isEmpty ? " of the payees without a unit" : " of unit '\($0.unit)'" }
        totals = grouped({ _ in "all" }) { _ in "" }

        // Components by id (a component in one plan only counts 0 in the other).
        let componentIDs = a.plan.components.map(\.id) + b.plan.components.map(\.id).filter { id in !a.plan.components.contains { $0.id == id } }
        var drivers: [Driver] = []
        for t in totals {
            var rows: [Driver] = []
            var explained = FixedDecimal.zero
            var sumA = FixedDecimal.zero, sumB = FixedDecimal.zero
            for id in componentIDs {
                var d = Driver(name: "component \(id)", currency: t.currency)
                let ia = a.plan.components.firstIndex { $0.id == id }, ib = b.plan.components.firstIndex { $0.id == id }
                for l in lines where l.currency == t.currency {
                    let at = rosterRows[l.payeeID]
                    if let ia, let r = l.a, ia < r.componentAmountCount {
                        add(&d.aValue, r.componentAmount(ia).amount, "the total of component '\(id)' under plan A in \(t.currency)",
                            "payee \(l.payeeID)'s amount of component '\(id)' under plan A", t.currency, exact: true, at: at)
                    }
                    if let ib, let r = l.b, ib < r.componentAmountCount {
                        add(&d.bValue, r.componentAmount(ib).amount, "the total of component '\(id)' under plan B in \(t.currency)",
                            "payee \(l.payeeID)'s amount of component '\(id)' under plan B", t.currency, exact: true, at: at)
                    }
                }
                // In minor units, so the rows of a currency add up to its change exactly.
                d.aValue = checked("the total of component '\(id)' under plan A in \(t.currency), rounded to \(t.currency.minorDigits) decimals") {
                    try d.a.rounded(.halfEven).amount
                }
                d.bValue = checked("the total of component '\(id)' under plan B in \(t.currency), rounded to \(t.currency.minorDigits) decimals") {
                    try d.b.rounded(.halfEven).amount
                }
                d.changeValue = checked("the change of component '\(id)' in \(t.currency) (\(d.aValue) to \(d.bValue))") { try d.bValue - d.aValue }
                explained = checked("the change the components explain in \(t.currency)") { try explained + d.changeValue }
                sumA = checked("the components' total under plan A in \(t.currency)") { try sumA + d.aValue }
                sumB = checked("the components' total under plan B in \(t.currency)") { try sumB + d.bValue }
                rows.append(d)
            }
            var rest = Driver(name: "cap, floor, rounding and pool", currency: t.currency)
            rest.changeValue = checked("what cap, floor, rounding and the pool change in \(t.currency)") { try t.changeValue - explained }
            rest.aValue = checked("what cap, floor, rounding and the pool add under plan A in \(t.currency)") { try t.totalAValue - sumA }
            rest.bValue = checked("what cap, floor, rounding and the pool add under plan B in \(t.currency)") { try t.totalBValue - sumB }
            drivers += rows + [rest]
        }
        self.drivers = drivers

        let modifierIDs = a.plan.modifiers.map(\.id) + b.plan.modifiers.map(\.id).filter { id in !a.plan.modifiers.contains { $0.id == id } }
        var modifiers: [ModifierLine] = []
        for id in modifierIDs {
            let ia = a.plan.modifiers.firstIndex { $0.id == id }, ib = b.plan.modifiers.firstIndex { $0.id == id }
            func mean(_ index: Int?, _ results: [PayeeResult], _ plan: String) -> FixedDecimal? {
                guard let index else { return nil }
                let used = results.filter { $0.status != .ineligible && index < $0.modifierFactors.count }
                guard !used.isEmpty else { return nil }
                var sum = FixedDecimal.zero
                for p in used {
                    add(&sum, p.modifierFactors[index], "the sum of modifier '\(id)''s factors under plan \(plan)",
                        "payee \(p.payee.id)'s factor", nil, exact: true, at: p.payee.location)
                }
                return checked("the mean factor of modifier '\(id)' under plan \(plan)") { try sum / FixedDecimal(used.count) }
            }
            var changed = 0
            for l in lines {
                let fa = ia.flatMap { i in l.a.flatMap { i < $0.modifierFactors.count ? $0.modifierFactors[i] : nil } }
                let fb = ib.flatMap { i in l.b.flatMap { i < $0.modifierFactors.count ? $0.modifierFactors[i] : nil } }
                if fa != fb { changed += 1 }
            }
            modifiers.append(ModifierLine(id: id, meanA: mean(ia, a.payees, "A"), meanB: mean(ib, b.payees, "B"), payeesChanged: changed))
        }
        self.modifiers = modifiers
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
    }
}

/// `compare`'s text, CSV and JSON.
public enum ComparisonReport {
    static func signed(_ v: Money) -> String { (v.amount > .zero ? "+" : "") + Display.money(v) }

    public static func table(_ c: PlanComparison) -> String {
        var out = Display.text("Plan A: \(c.a.plan.id) v\(c.a.plan.version) (\(c.a.plan.sourceFile)); plan B: \(c.b.plan.id) v\(c.b.plan.version) (\(c.b.plan.sourceFile)); \(c.a.period)") + "\n"
        out += "\nSummary\n"
        out += Display.table(["cur", "payees", "plan A", "plan B", "change", "gain", "lose", "same"],
                             c.totals.map { t in
                                 [t.currency.code, String(t.payees), Display.money(t.totalA), Display.money(t.totalB),
                                  signed(t.change), String(t.gain), String(t.lose), String(t.payees - t.gain - t.lose)]
                             }, rightAligned: [1, 2, 3, 4, 5, 6, 7])
        out += "\nWhat drives it (component amounts after modifiers, summed over the payees)\n"
        out += Display.table(["cur", "driver", "plan A", "plan B", "change"],
                             c.drivers.map { [$0.currency.code, $0.name, Display.money($0.a), Display.money($0.b), signed($0.change)] }, rightAligned: [2, 3, 4])
        if !c.modifiers.isEmpty {
            out += "\nModifiers (mean factor over the payees calculated)\n"
            out += Display.table(["modifier", "plan A", "plan B", "payees whose factor changed"],
                                 c.modifiers.map { [$0.id, $0.meanA?.percentString(maxPlaces: 2) ?? "-", $0.meanB?.percentString(maxPlaces: 2) ?? "-",
                                                    String($0.payeesChanged)] }, rightAligned: [1, 2, 3])
        }
        out += "\nBy unit\n"
        out += Display.table(["unit", "cur", "payees", "plan A", "plan B", "change", "gain", "lose"],
                             c.units.map { u in
                                 [u.key.isEmpty ? "(none)" : u.key, u.currency.code, String(u.payees), Display.money(u.totalA),
                                  Display.money(u.totalB), signed(u.change), String(u.gain), String(u.lose)]
                             }, rightAligned: [2, 3, 4, 5, 6, 7])
        out += "\nBy payee\n"
        out += Display.table(["payee", "name", "unit", "cur", "plan A", "plan B", "change"],
                             c.payees.map { l in
                                 [l.payeeID, l.name, l.unit, l.currency.code, l.a.map { Display.money($0.payout) + status($0) } ?? "not on plan",
                                  l.b.map { Display.money($0.payout) + status($0) } ?? "not on plan", signed(l.change)]
                             }, rightAligned: [4, 5, 6])
        return out
    }

    static func status(_ p: PayeeResult) -> String { p.status == .ok ? "" : " (\(p.status.rawValue))" }

    /// The per-payee view: `payee_id,unit,currency,status_a,payout_a,status_b,payout_b,change`.
    public static func csv(_ c: PlanComparison) -> String {
        var out = "payee_id,unit,currency,status_a,payout_a,status_b,payout_b,change\n"
        for l in c.payees {
            out += [CSVField.escape(l.payeeID), CSVField.escape(l.unit), l.currency.code, l.a?.status.rawValue ?? "absent",
                    l.payoutA.plain, l.b?.status.rawValue ?? "absent", l.payoutB.plain, l.change.plain].joined(separator: ",") + "\n"
        }
        return out
    }

    public static func json(_ c: PlanComparison) -> String {
        let w = JSONWriter()
        func group(_ g: PlanComparison.Group, key: String?) {
            w.object {
                if let key { w.key("unit"); w.string(key) }
                w.key("currency"); w.string(g.currency.code)
                w.key("payees"); w.raw(String(g.payees))
                w.key("plan_a"); w.string(g.totalA.plain)
                w.key("plan_b"); w.string(g.totalB.plain)
                w.key("change"); w.string(g.change.plain)
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
                        w.key("currency"); w.string(d.currency.code)
                        w.key("plan_a"); w.string(d.a.plain)
                        w.key("plan_b"); w.string(d.b.plain)
                        w.key("change"); w.string(d.change.plain)
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
                        w.key("currency"); w.string(l.currency.code)
                        w.key("status_a"); w.string(l.a?.status.rawValue ?? "absent")
                        w.key("payout_a"); w.string(l.payoutA.plain)
                        w.key("status_b"); w.string(l.b?.status.rawValue ?? "absent")
                        w.key("payout_b"); w.string(l.payoutB.plain)
                        w.key("change"); w.string(l.change.plain)
                    }
                }
            }
        }
        return w.text + "\n"
    }
}
