import AdvocompEngine
import AdvocompModel

/// The JSON result: `plan`, `version`, `period`, `payees`, `totals`, `findings`.
/// Amounts are decimal strings, so no reader turns them into binary floats.
public enum JSONReport {
    public static func render(_ run: RunResult) -> String {
        let w = JSONWriter()
        w.object {
            w.key("plan"); w.string(run.plan.id)
            w.key("version"); w.string(run.plan.version)
            w.key("period"); w.string(run.period.description)
            w.key("period_start"); w.string(run.firstDay.description)
            w.key("period_end"); w.string(run.lastDay.description)
            w.key("rounding"); w.string(run.plan.rounding.rawValue)
            w.key("payees")
            w.array {
                for p in run.payees { payee(w, p, run.plan) }
            }
            w.key("totals"); totals(w, run)
            w.key("pool")
            if let pool = run.pool {
                w.object {
                    w.key("amount"); w.string(pool.amount.formatted(places: pool.currency.minorDigits))
                    w.key("currency"); w.string(pool.currency.code)
                    w.key("source"); w.string(pool.source)
                    w.key("total_before_pool"); w.string(pool.totalBefore.formatted(places: pool.currency.minorDigits))
                    w.key("applied"); w.raw(pool.applied ? "true" : "false")
                    w.key("ratio"); if let r = pool.ratio { w.string(r.description) } else { w.raw("null") }
                }
            } else {
                w.raw("null")
            }
            w.key("findings"); findings(w, run.findings)
        }
        return w.text + "\n"
    }

    /// Each finding as `check`, `payee_id` (null for an event credited to nobody),
    /// `event_ids`, `action` and `detail` (SPEC section 6).
    static func findings(_ w: JSONWriter, _ list: [Finding]) {
        w.array {
            for f in list {
                w.object {
                    w.key("check"); w.string(f.check.rawValue)
                    w.key("payee_id"); if let p = f.payeeID { w.string(p) } else { w.raw("null") }
                    w.key("event_ids"); w.array { for e in f.eventIDs { w.string(e) } }
                    w.key("action"); w.string(f.action.rawValue)
                    w.key("detail"); w.string(f.detail)
                }
            }
        }
    }

    static func payee(_ w: JSONWriter, _ p: PayeeResult, _ plan: Plan) {
        let d = p.currency.minorDigits
        w.object {
            w.key("payee_id"); w.string(p.payee.id)
            w.key("name"); w.string(p.payee.name)
            w.key("title"); w.string(p.payee.title)
            w.key("unit"); w.string(p.payee.unit)
            w.key("status"); w.string(p.status.rawValue)
            w.key("currency"); w.string(p.currency.code)
            w.key("active_days"); w.raw(String(p.activeDays))
            w.key("days_in_period"); w.raw(String(p.daysInPeriod))
            w.key("target_incentive"); w.string(p.roundedTargetIncentive.formatted(places: d))
            w.key("gross"); w.string(p.gross.description)
            w.key("clamp"); w.string(p.clamp.rawValue)
            w.key("payout_before_pool"); w.string(p.roundedPayout.formatted(places: d))
            w.key("payout"); w.string(p.payout.formatted(places: d))
            w.key("components")
            w.object {
                for (i, c) in plan.components.enumerated() {
                    w.key(c.id); w.string(i < p.componentAmounts.count ? p.componentAmounts[i].description : "0")
                }
            }
            w.key("modifiers")
            w.object {
                for (i, m) in plan.modifiers.enumerated() {
                    w.key(m.id); w.string(i < p.modifierFactors.count ? p.modifierFactors[i].description : "1")
                }
            }
        }
    }

    static func totals(_ w: JSONWriter, _ run: RunResult) {
        let t = Totals(run)
        w.object {
            w.key("payees"); w.raw(String(run.payees.count))
            w.key("by_status")
            w.object { for (s, n) in t.statusCounts { w.key(s); w.raw(String(n)) } }
            w.key("by_currency")
            w.object {
                for (code, sum) in t.byCurrency {
                    w.key(code)
                    w.object {
                        w.key("target_incentive"); w.string(sum.target.formatted(places: sum.digits))
                        w.key("payout"); w.string(sum.payout.formatted(places: sum.digits))
                    }
                }
            }
            w.key("by_unit")
            w.array {
                for u in t.byUnit {
                    w.object {
                        w.key("unit"); w.string(u.unit)
                        w.key("currency"); w.string(u.currency)
                        w.key("payees"); w.raw(String(u.count))
                        w.key("target_incentive"); w.string(u.target.formatted(places: u.digits))
                        w.key("payout"); w.string(u.payout.formatted(places: u.digits))
                    }
                }
            }
        }
    }
}

/// A small streaming JSON writer with deterministic key order.
final class JSONWriter {
    var text = ""
    private var needsComma: [Bool] = []

    func object(_ body: () -> Void) {
        open("{"); body(); close("}")
    }
    func array(_ body: () -> Void) {
        open("["); body(); close("]")
    }
    private func open(_ c: String) {
        separate()
        text += c
        needsComma.append(false)
    }
    private func close(_ c: String) {
        needsComma.removeLast()
        text += c
    }
    private func separate() {
        guard let last = needsComma.last else { return }
        if last == true { text += "," }
        needsComma[needsComma.count - 1] = true
    }
    func key(_ k: String) {
        separate()
        text += JSONWriter.quote(k) + ":"
        // The value that follows must not add another comma.
        needsComma[needsComma.count - 1] = false
    }
    func string(_ s: String) { raw(JSONWriter.quote(s)) }
    func raw(_ s: String) {
        separate()
        text += s
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
