import AdvocompEngine
import AdvocompModel
import Dispatch

/// The JSON result: `plan`, `version`, `period`, `payees`, `totals`, `findings`.
/// Amounts are decimal strings, so no reader turns them into binary floats.
public enum JSONReport {
    public static func render(_ run: RunResult) -> String {
        render(run, payeeObjects: nil)
    }

    /// Each payee's object (`payeeObject`), in `run.payees` order, rendered by the
    /// machine's workers in contiguous chunks (`Parallel`).
    public static func payeeObjects(_ run: RunResult) -> [String] {
        let payees = run.payees, plan = run.plan
        return [String](unsafeUninitializedCapacity: payees.count) { buffer, initialized in
            let out = buffer
            Parallel.forEach(Parallel.ranges(payees.count, minimumChunk: 1_000)) { _, range in
                guard let base = out.baseAddress else { return }
                for k in range { (base + k).initialize(to: payeeObject(payees[k], plan: plan)) }
            }
            initialized = payees.count
        }
    }

    /// The same text, given the payees' objects already rendered (`payeeObjects`).
    public static func render(_ run: RunResult, payeeObjects: [String]?) -> String {
        let w = JSONWriter()
        if let payeeObjects { w.reserve(payeeObjects.reduce(4096) { $0 + $1.utf8.count + 1 }) }
        w.object {
            w.key("plan"); w.string(run.plan.id)
            w.key("version"); w.string(run.plan.version)
            w.key("period"); w.string(run.period.description)
            w.key("period_start"); w.string(run.firstDay.description)
            w.key("period_end"); w.string(run.lastDay.description)
            w.key("rounding"); w.string(run.plan.rounding.rawValue)
            w.key("payees")
            w.array {
                if let payeeObjects {
                    for o in payeeObjects { w.raw(o) }
                } else {
                    for p in run.payees { payee(w, p, run.plan) }
                }
            }
            w.key("totals"); totals(w, run)
            w.key("pool")
            if let pool = run.pool {
                w.object {
                    w.key("amount"); w.string(pool.amount.plain)
                    w.key("currency"); w.string(pool.currency.code)
                    w.key("source"); w.string(pool.source)
                    w.key("total_before_pool"); w.string(pool.totalBefore.plain)
                    w.key("applied"); w.raw(pool.applied ? "true" : "false")
                    w.key("ratio"); if let r = pool.ratio { w.string(r.description) } else { w.raw("null") }
                }
            } else {
                w.raw("null")
            }
            w.key("findings"); findings(w, run.findings)
        }
        return w.line
    }

    /// One payee's object, exactly as it appears in `payees` of `render`.
    public static func payeeObject(_ p: PayeeResult, plan: Plan) -> String {
        let w = JSONWriter()
        payee(w, p, plan)
        return w.text
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
        w.object {
            w.key("payee_id"); w.string(p.payee.id)
            w.key("name"); w.string(p.payee.name)
            w.key("title"); w.string(p.payee.title)
            w.key("unit"); w.string(p.payee.unit)
            w.key("status"); w.string(p.status.rawValue)
            w.key("currency"); w.string(p.currency.code)
            w.key("active_days"); w.raw(String(p.activeDays))
            w.key("days_in_period"); w.raw(String(p.daysInPeriod))
            w.key("target_incentive"); w.string(p.roundedTargetIncentive.plain)
            w.key("gross"); w.string(p.gross.amount.description)
            w.key("clamp"); w.string(p.clamp.rawValue)
            w.key("payout_before_pool"); w.string(p.roundedPayout.plain)
            w.key("payout"); w.string(p.payout.plain)
            w.key("components")
            w.object {
                for (i, c) in plan.components.enumerated() {
                    w.key(c.id); w.string(i < p.componentAmountCount ? p.componentAmount(i).amount.description : "0")
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
        let t = run.totals
        w.object {
            w.key("payees"); w.raw(String(run.payees.count))
            w.key("by_status")
            w.object { for (s, n) in t.statusCounts { w.key(s.rawValue); w.raw(String(n)) } }
            w.key("by_currency")
            w.object {
                for c in t.byCurrency {
                    w.key(c.currency.code)
                    w.object {
                        w.key("target_incentive"); w.string(c.targetIncentive.plain)
                        w.key("payout"); w.string(c.payout.plain)
                    }
                }
            }
            w.key("by_unit")
            w.array {
                for u in t.byUnit {
                    w.object {
                        w.key("unit"); w.string(u.unit)
                        w.key("currency"); w.string(u.currency.code)
                        w.key("payees"); w.raw(String(u.sum.payees))
                        w.key("target_incentive"); w.string(u.targetIncentive.plain)
                        w.key("payout"); w.string(u.payout.plain)
                    }
                }
            }
        }
    }
}

/// A small streaming JSON writer with deterministic key order. It writes UTF-8 bytes:
/// 100,000 payees' results are some 60 MB of JSON, and building that as a String one
/// escaped scalar at a time took seconds.
///
/// Its two buffers are exempt from run-time exclusivity checks (`@exclusivity(unchecked)`):
/// every access is from the writer's own methods, one at a time, and the checks (a
/// thread-local lookup per access, several per value) took a third of the time of
/// rendering a payee's object.
final class JSONWriter {
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    /// Per open object or array: whether the next value needs a comma before it.
    @exclusivity(unchecked) private var needsComma: [Bool] = []

    init() {
        bytes.reserveCapacity(512)
        needsComma.reserveCapacity(8)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The text and a newline (a whole document: no second copy of 50 MB to add it).
    var line: String {
        bytes.append(10)
        defer { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Makes room for `count` bytes in all (a document made of rendered parts).
    func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    func object(_ body: () -> Void) {
        open(UInt8(ascii: "{")); body(); close(UInt8(ascii: "}"))
    }
    func array(_ body: () -> Void) {
        open(UInt8(ascii: "[")); body(); close(UInt8(ascii: "]"))
    }
    private func open(_ c: UInt8) {
        separate()
        bytes.append(c)
        needsComma.append(false)
    }
    private func close(_ c: UInt8) {
        needsComma.removeLast()
        bytes.append(c)
    }
    private func separate() {
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) } else { needsComma[needsComma.count - 1] = true }
    }
    func key(_ k: String) {
        separate()
        JSONWriter.appendQuoted(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows must not add another comma.
        needsComma[needsComma.count - 1] = false
    }
    func string(_ s: String) {
        separate()
        JSONWriter.appendQuoted(s, to: &bytes)
    }
    func raw(_ s: String) {
        separate()
        bytes.append(contentsOf: s.utf8)
    }

    /// `s` as a JSON string: quote, backslash and control characters escaped; other
    /// characters as their UTF-8 bytes. A string with nothing to escape (nearly all of
    /// them: ids, names, amounts) is copied whole.
    private static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let plain: Bool? = s.utf8.withContiguousStorageIfAvailable { u in
            for b in u where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return false }
            out.append(contentsOf: u)
            return true
        }
        if plain != true {
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "\""): out.append(92); out.append(34)
                case UInt8(ascii: "\\"): out.append(92); out.append(92)
                case 10: out.append(92); out.append(UInt8(ascii: "n"))
                case 13: out.append(92); out.append(UInt8(ascii: "r"))
                case 9: out.append(92); out.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex: StaticString = "0123456789abcdef"
                    out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex.utf8Start[Int(b >> 4)], hex.utf8Start[Int(b & 15)]])
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
