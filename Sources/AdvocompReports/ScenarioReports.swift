import AdvocompEngine
import AdvocompModel

/// `whatif`: each payee's payout before and after the overrides, and the difference.
public enum WhatIfReport {
    struct Line {
        var before: PayeeResult
        var after: PayeeResult
        var difference: Money
    }

    /// Payees in both runs, matched by id (both runs have the same payees: only actuals change).
    static func lines(_ before: RunResult, _ after: RunResult) -> [Line] {
        let afterByID = Dictionary(after.payees.map { ($0.payee.id, $0) }, uniquingKeysWith: { a, _ in a })
        return before.payees.compactMap { b in
            guard let a = afterByID[b.payee.id] else { return nil }
            return Line(before: b, after: a, difference: difference(a.payout, b.payout))
        }
    }

    /// `a - b` for two payouts or two payout totals of a run: both are from 0 to the
    /// largest amount (the runs checked their totals), so the difference is within the
    /// range of exact decimals and the raw subtraction cannot overflow.
    static func difference(_ a: Money, _ b: Money) -> Money {
        precondition(!a.isNegative && !b.isNegative && a.currency == b.currency, "payouts are never negative, and a payee keeps its currency")
        return Money(FixedDecimal(raw: a.amount.raw - b.amount.raw), a.currency)
    }

    public static func csv(before: RunResult, after: RunResult) -> String {
        var out = "payee_id,unit,currency,status_before,payout_before,status_after,payout_after,difference\n"
        for l in lines(before, after) {
            out += [CSVField.escape(l.before.payee.id), CSVField.escape(l.before.payee.unit), l.before.currency.code,
                    l.before.status.rawValue, l.before.payout.plain, l.after.status.rawValue,
                    l.after.payout.plain, l.difference.plain].joined(separator: ",") + "\n"
        }
        return out
    }

    public static func table(before: RunResult, after: RunResult, overrides: [String]) -> String {
        var out = Display.text("What if, \(before.plan.id) v\(before.plan.version), \(before.period): " + overrides.joined(separator: ", ")) + "\n\n"
        let all = lines(before, after)
        let rows = all.map { l -> [String] in
            let status = l.before.status == l.after.status ? l.after.status.rawValue : "\(l.before.status.rawValue) -> \(l.after.status.rawValue)"
            return [l.before.payee.id, l.before.payee.name, l.before.payee.unit, status, l.before.currency.code,
                    Display.money(l.before.payout), Display.money(l.after.payout), signed(l.difference)]
        }
        out += Display.table(["payee", "name", "unit", "status", "cur", "before", "after", "difference"], rows, rightAligned: [5, 6, 7])
        out += "\nTotals\n"
        out += Display.table(["cur", "payees", "before", "after", "difference", "gain", "lose"],
                             totals(before, after, all).map { t in
                                 [t.currency.code, String(t.count), Display.money(t.before), Display.money(t.after),
                                  signed(t.difference), String(t.gain), String(t.lose)]
                             }, rightAligned: [1, 2, 3, 4, 5, 6])
        return out
    }

    public static func json(before: RunResult, after: RunResult, overrides: [String]) -> String {
        let w = JSONWriter()
        let all = lines(before, after)
        w.object {
            w.key("plan"); w.string(before.plan.id)
            w.key("period"); w.string(before.period.description)
            w.key("set"); w.array { for o in overrides { w.string(o) } }
            w.key("payees")
            w.array {
                for l in all {
                    w.object {
                        w.key("payee_id"); w.string(l.before.payee.id)
                        w.key("unit"); w.string(l.before.payee.unit)
                        w.key("currency"); w.string(l.before.currency.code)
                        w.key("status_before"); w.string(l.before.status.rawValue)
                        w.key("payout_before"); w.string(l.before.payout.plain)
                        w.key("status_after"); w.string(l.after.status.rawValue)
                        w.key("payout_after"); w.string(l.after.payout.plain)
                        w.key("difference"); w.string(l.difference.plain)
                    }
                }
            }
            w.key("totals")
            w.object {
                for t in totals(before, after, all) {
                    w.key(t.currency.code)
                    w.object {
                        w.key("payees"); w.raw(String(t.count))
                        w.key("before"); w.string(t.before.plain)
                        w.key("after"); w.string(t.after.plain)
                        w.key("difference"); w.string(t.difference.plain)
                        w.key("gain"); w.raw(String(t.gain))
                        w.key("lose"); w.raw(String(t.lose))
                    }
                }
            }
        }
        return w.text + "\n"
    }

    struct Total {
        var currency: Currency
        var count = 0, gain = 0, lose = 0
        var before: Money, after: Money, difference: Money
        init(_ currency: Currency) {
            self.currency = currency
            before = .zero(currency); after = .zero(currency); difference = .zero(currency)
        }
    }

    /// By currency, never across currencies: the two runs' own payout totals (computed
    /// where each was calculated), their difference, and how many payees gain and lose.
    static func totals(_ before: RunResult, _ after: RunResult, _ lines: [Line]) -> [Total] {
        var by: [String: Total] = [:]
        for c in before.totals.byCurrency { by[c.currency.code, default: Total(c.currency)].before = c.payout }
        for c in after.totals.byCurrency { by[c.currency.code, default: Total(c.currency)].after = c.payout }
        for l in lines {
            let code = l.before.currency.code
            by[code]?.count += 1
            if l.difference.amount > .zero { by[code]?.gain += 1 } else if l.difference.isNegative { by[code]?.lose += 1 }
        }
        for code in by.keys { if let t = by[code] { by[code]?.difference = difference(t.after, t.before) } }
        return by.values.sorted { $0.currency.code < $1.currency.code }
    }

    static func signed(_ v: Money) -> String {
        (v.amount > .zero ? "+" : "") + Display.money(v)
    }
}

/// `curve`: a payee's payout across one KPI's attainment.
public enum CurveReport {
    /// A point of the curve: the attainment, the KPI actual it stands for, the payout there.
    public typealias Point = (attainment: FixedDecimal, actual: FixedDecimal, payout: Money, status: String)

    public static func csv(_ points: [Point]) -> String {
        var out = "attainment,actual,payout,status\n"
        for p in points {
            out += "\(p.attainment.description),\(p.actual.description),\(p.payout.plain),\(p.status)\n"
        }
        return out
    }

    /// Where the payee stands today, as the run paid it: the KPI's attainment, the payout
    /// after the pool and before it, and the pool's scale when it binds.
    public struct Today: Sendable {
        public var attainment: FixedDecimal?
        public var payout: Money
        public var beforePool: Money
        public var poolScale: FixedDecimal?
        public init(attainment: FixedDecimal?, payout: Money, beforePool: Money, poolScale: FixedDecimal?) {
            self.attainment = attainment; self.payout = payout; self.beforePool = beforePool; self.poolScale = poolScale
        }

        /// One line in words.
        var words: String {
            let at = attainment.map { "attainment \($0.percentString(maxPlaces: 1)), " } ?? ""
            let pool = poolScale.map { "; the pool scales every payout to \($0.percentString(maxPlaces: 1)), so the points above would be paid that share" } ?? "; the pool does not bind"
            return "today: \(at)paid \(payout.grouped) \(payout.currency.code) after the pool (\(beforePool.grouped) before)\(pool)"
        }
    }

    public static func json(payee: String, kpi: String, currency: Currency, target: FixedDecimal, _ points: [Point], today: Today? = nil) -> String {
        let w = JSONWriter()
        w.object {
            w.key("payee_id"); w.string(payee)
            w.key("kpi"); w.string(kpi)
            w.key("target"); w.string(target.description)
            w.key("currency"); w.string(currency.code)
            if let today {
                w.key("today")
                w.object {
                    if let a = today.attainment { w.key("attainment"); w.string(a.description) }
                    w.key("payout"); w.string(today.payout.plain)
                    w.key("payout_before_pool"); w.string(today.beforePool.plain)
                    if let r = today.poolScale { w.key("pool_scale"); w.string(r.description) }
                }
            }
            w.key("points")
            w.array {
                for p in points {
                    w.object {
                        w.key("attainment"); w.string(p.attainment.description)
                        w.key("actual"); w.string(p.actual.description)
                        w.key("payout"); w.string(p.payout.plain)
                        w.key("status"); w.string(p.status)
                    }
                }
            }
        }
        return w.text + "\n"
    }

    /// A table, then a text plot: one row per point, a bar as long as the payout.
    public static func table(title: String, _ points: [Point], width: Int = 50, today: Today? = nil) -> String {
        var out = Display.text(title) + "\n\n"
        let maxPayout = points.map(\.payout.amount).max() ?? .zero
        // The point nearest today's attainment is marked.
        var nearest: Int?
        if let a = today?.attainment {
            nearest = points.indices.min { ((try? points[$0].attainment - a) ?? a).magnitude < ((try? points[$1].attainment - a) ?? a).magnitude }
        }
        let rows = points.enumerated().map { k, p -> [String] in
            var bar = ""
            if maxPayout > .zero, let share = try? p.payout.amount / maxPayout, let cells = try? (share * FixedDecimal(width)).rounded(places: 0, mode: .halfEven) {
                bar = String(repeating: "#", count: max(0, Int(cells.description) ?? 0))
            }
            return [p.attainment.percentString(maxPlaces: 1), p.actual.description, p.payout.grouped + " " + p.payout.currency.code,
                    p.status, bar + (k == nearest ? " <- today" : "")]
        }
        out += Display.table(["attainment", "actual", "payout", "status", ""], rows, rightAligned: [0, 1, 2])
        if let today { out += "\n" + Display.text(today.words) + "\n" }
        return out
    }
}
