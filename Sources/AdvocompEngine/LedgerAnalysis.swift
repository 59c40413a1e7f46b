import AdvocompModel

/// What the advocacy ledger gives a run (SPEC section 6): the credit each event earns,
/// the gaming findings, the payees whose payout is held, and the actuals of every KPI
/// derived from events.
public struct LedgerOutcome: Sendable {
    public struct EventState: Sendable {
        /// Earns credit: still in the ledger (not a verified self-report) and not
        /// excluded by a check whose action is exclude or hold.
        public var credited: Bool
        /// For a self-report matched by the `unverified` check: the system event (index
        /// into `ledger.events`) that stands for it; -1 otherwise.
        public var matchedBy: Int32
        /// Checks that marked the event (whatever their action): bit `1 << check.rank`.
        public var marks: UInt8
        public func isMarked(by check: GamingChecks.Check) -> Bool { marks & (1 << UInt8(check.rank)) != 0 }
    }

    public var ledger: Ledger
    /// One per event of `ledger.events`, same order.
    public var events: [EventState]
    /// The findings of the period asked for, about the payees of the run (or about
    /// events credited to nobody), in check order (SPEC section 6), then file order.
    public var findings: [Finding]
    /// payee_ids whose payout is held (SPEC section 5 step 8).
    public var held: Set<String>
    /// One row per derived KPI and scope the run needs (line 0: not from the actuals file).
    public var derivedRows: [ActualRow]
    /// Errors in the ledger that stop the run (an event summed by amount without one).
    public var diagnostics: [Diagnostic]
    /// The first and last day of the period the findings are about.
    public var firstDay: CivilDate
    public var lastDay: CivilDate

    public func inPeriod(_ e: AdvocacyEvent) -> Bool { e.date >= firstDay && e.date <= lastDay }
}

/// The ledger's checks and derived KPIs, as one pure function of the plan, the ledger,
/// the roster and the period. Reads no files and no clock.
public enum LedgerAnalysis {
    /// - Parameters:
    ///   - payeeIDs: the payees of the run (on the plan); findings and derived rows are for them.
    public static func run(plan: Plan, ledger: Ledger, roster: Roster, payeeIDs: [String], period: Period) -> LedgerOutcome {
        let (firstDay, lastDay) = period.dates(fiscalYearStartMonth: plan.fiscalYearStartMonth)
        var state = Array(repeating: LedgerOutcome.EventState(credited: true, matchedBy: -1, marks: 0), count: ledger.events.count)
        var findings: [Finding] = []
        let events = ledger.events
        let onPlan = Set(payeeIDs)
        func inPeriod(_ i: Int) -> Bool { events[i].date >= firstDay && events[i].date <= lastDay }
        // A finding is reported when its event is in the period and concerns a payee of
        // this run or nobody; whatever is reported, the action applies to the event.
        func reportable(_ i: Int) -> Bool {
            guard inPeriod(i) else { return false }
            guard let who = ledger.creditedTo(events[i]) else { return true }
            return onPlan.contains(who)
        }
        func mark(_ i: Int, _ check: GamingChecks.Check, _ action: GamingAction, _ detail: String) {
            state[i].marks |= 1 << UInt8(check.rank)
            if action != .flag { state[i].credited = false }
            if reportable(i) {
                findings.append(Finding(check: check, payeeID: ledger.creditedTo(events[i]), eventIDs: [events[i].id],
                                        action: action, detail: detail, line: Int(events[i].line)))
            }
        }
        // Events in date order, then event_id (the order every check reads the ledger in).
        let byDate = dateOrder(events)
        let g = plan.gaming ?? GamingChecks()

        // (1) unverified: each self-report, earliest first, takes the earliest unmatched
        // system event of the same advocate and type within `within_days` days.
        if let u = g.unverified {
            let matched = matchSelfReports(events, byDate: byDate, withinDays: u.withinDays)
            for i in byDate where events[i].source == .selfReported {
                if matched[i] >= 0 {
                    state[i].matchedBy = matched[i]
                    state[i].credited = false  // it leaves the ledger: the system event stands for it
                } else {
                    mark(i, .unverified, u.action,
                         "self-reported \(ledger.type(of: events[i])) of advocate \(ledger.advocate(of: events[i])) on \(events[i].date) has no system event of the same advocate and type within \(u.withinDays) days")
                }
            }
        }
        func inLedger(_ i: Int) -> Bool { state[i].matchedBy < 0 }

        // (2) consent: events of the listed types without consent yes.
        if let c = g.consent {
            let types = Set(ledger.types.indices.filter { c.types.contains(ledger.types[$0]) }.map { Int32($0) })
            for i in byDate where inLedger(i) && events[i].consent != .yes && types.contains(events[i].type) {
                let given = events[i].consent == .no ? "no" : "blank"
                mark(i, .consent, c.action,
                     "\(ledger.type(of: events[i])) with advocate \(ledger.advocate(of: events[i])) on \(events[i].date) has consent \(given) (yes is needed)")
            }
        }

        // (2) ask_cap: each advocate's solicited events in date order, from the ledger's start.
        if let a = g.askCap {
            _ = acceptAsks(events, order: byDate, cap: a, isAsk: { inLedger($0) && events[$0].solicited }) { i, reason in
                switch reason {
                case .tooSoon(let last):
                    let gap = events[i].date.dayNumber - events[last].date.dayNumber
                    mark(i, .askCap, a.action,
                         "ask of advocate \(ledger.advocate(of: events[i])) on \(events[i].date) came \(gap) day\(gap == 1 ? "" : "s") after the accepted ask \(events[last].id) of \(events[last].date) (minimum \(a.minDaysBetween) days between asks)")
                case .yearFull(let window):
                    let ids = window.map { events[$0].id }
                    mark(i, .askCap, a.action,
                         "ask of advocate \(ledger.advocate(of: events[i])) on \(events[i].date): \(ids.count) accepted ask\(ids.count == 1 ? "" : "s") already in the 365 days ending that day (\(ids.joined(separator: ", "))); maximum \(a.maxPerYear) a year")
                }
            }
        }

        // Events credited to each payee of the run inside the period (credited ones only).
        var creditedInPeriod: [Int32: [Int]] = [:]  // person -> event indices, date order
        for i in byDate where state[i].credited && inPeriod(i) && events[i].creditedTo >= 0 {
            creditedInPeriod[events[i].creditedTo, default: []].append(i)
        }
        func payeeFinding(_ person: Int32, _ check: GamingChecks.Check, _ action: GamingAction, _ ids: [Int], _ detail: String) {
            let who = ledger.people[Int(person)]
            guard onPlan.contains(who) else { return }
            findings.append(Finding(check: check, payeeID: who, eventIDs: ids.map { events[$0].id }, action: action,
                                    detail: detail, line: ids.map { Int(events[$0].line) }.min() ?? 0))
        }
        // (3) period_end_spike and concentration judge a payee on the credited events.
        if let s = g.periodEndSpike {
            let from = lastDay.adding(days: -(s.lastDays - 1))
            for (person, list) in creditedInPeriod.sorted(by: { ledger.people[Int($0.key)] < ledger.people[Int($1.key)] })
            where list.count >= s.minEvents {
                let late = list.filter { events[$0].date >= from }
                if exceeds(late.count, of: list.count, s.shareAbove) {
                    payeeFinding(person, .periodEndSpike, s.action, late,
                                 "\(late.count) of \(list.count) credited events (\(share(late.count, list.count))) fall in the last \(s.lastDays) days of \(period) (\(max(from, firstDay)) to \(lastDay)); the check trips above \(s.shareAbove.percentString()) with at least \(s.minEvents) events")
                }
            }
        }
        if let c = g.concentration {
            for (person, list) in creditedInPeriod.sorted(by: { ledger.people[Int($0.key)] < ledger.people[Int($1.key)] })
            where list.count >= c.minEvents {
                var byAdvocate: [Int32: [Int]] = [:]
                for i in list { byAdvocate[events[i].advocate, default: []].append(i) }
                // The advocate with the most events (ties: advocate id ascending).
                guard let top = byAdvocate.max(by: { a, b in
                    a.value.count != b.value.count ? a.value.count < b.value.count
                        : ledger.advocates[Int(a.key)] > ledger.advocates[Int(b.key)]
                }) else { continue }
                if exceeds(top.value.count, of: list.count, c.shareAbove) {
                    payeeFinding(person, .concentration, c.action, top.value,
                                 "\(top.value.count) of \(list.count) credited events (\(share(top.value.count, list.count))) come from advocate \(ledger.advocates[Int(top.key)]); the check trips above \(c.shareAbove.percentString()) with at least \(c.minEvents) events")
                }
            }
        }
        findings.sort { a, b in
            a.check != b.check ? a.check < b.check : (a.line != b.line ? a.line < b.line : (a.payeeID ?? "") < (b.payeeID ?? ""))
        }
        var held = Set<String>()
        for f in findings where f.action == .hold { if let p = f.payeeID { held.insert(p) } }

        let (rows, diagnostics) = derive(plan: plan, ledger: ledger, state: state, roster: roster, payeeIDs: payeeIDs,
                                         period: period, firstDay: firstDay, lastDay: lastDay)
        return LedgerOutcome(ledger: ledger, events: state, findings: findings, held: held, derivedRows: rows,
                             diagnostics: diagnostics, firstDay: firstDay, lastDay: lastDay)
    }

    /// For each self-report, the system event that verifies it (or -1): each self-report,
    /// earliest first, takes the earliest unmatched system event of the same advocate and
    /// type dated within `withinDays` days of it, before or after (one-to-one).
    public static func matchSelfReports(_ events: [AdvocacyEvent], byDate: [Int], withinDays: Int) -> [Int32] {
        var systemByKey: [Int64: [Int]] = [:]
        for i in byDate where events[i].source == .system { systemByKey[key(events[i]), default: []].append(i) }
        var taken = Array(repeating: false, count: events.count)
        var matched = Array(repeating: Int32(-1), count: events.count)
        for i in byDate where events[i].source == .selfReported {
            guard let candidates = systemByKey[key(events[i])] else { continue }
            let day = events[i].date.dayNumber
            // First candidate not before the window (dates ascending).
            var lo = 0, hi = candidates.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if events[candidates[mid]].date.dayNumber < day - withinDays { lo = mid + 1 } else { hi = mid }
            }
            var j = lo
            while j < candidates.count, events[candidates[j]].date.dayNumber <= day + withinDays {
                if !taken[candidates[j]] { taken[candidates[j]] = true; matched[i] = Int32(candidates[j]); break }
                j += 1
            }
        }
        return matched
    }

    /// Indices of `events` in date order, then event_id: the order the checks read the ledger in.
    public static func dateOrder(_ events: [AdvocacyEvent]) -> [Int] {
        // Keyed by (day, the id's first 8 bytes big-endian): integer comparisons, the
        // full id only when both are equal. Ids compare by their bytes (plain byte order).
        var keyed: [(day: Int, prefix: UInt64, index: Int)] = events.indices.map { i in
            var prefix: UInt64 = 0, n = 0
            for b in events[i].id.utf8 {
                if n == 8 { break }
                prefix |= UInt64(b) << (56 - 8 * n)
                n += 1
            }
            return (events[i].date.dayNumber, prefix, i)
        }
        keyed.sort { a, b in
            if a.day != b.day { return a.day < b.day }
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            let x = events[a.index].id.utf8, y = events[b.index].id.utf8
            return x.elementsEqual(y) ? a.index < b.index : x.lexicographicallyPrecedes(y)
        }
        return keyed.map(\.index)
    }

    /// Why an ask is over the cap: too soon after the accepted ask `last`, or the
    /// accepted asks in `window` already fill the 365 days ending on its date.
    public enum OverCap {
        case tooSoon(last: Int)
        case yearFull(window: [Int])
    }

    /// The `ask_cap` rule (SPEC section 6), shared by the check and the ask calendar:
    /// the asks (`isAsk`) among `order` (date order), per advocate. An ask is over the cap
    /// fewer than `min_days_between` days after the advocate's last accepted ask, or when
    /// `max_per_year` accepted asks fall in the 365 days ending on its date; over-cap asks
    /// go to `over` and are not accepted. Returns the accepted asks per advocate, in order.
    public static func acceptAsks(_ events: [AdvocacyEvent], order: [Int], cap: GamingChecks.AskCap,
                                  isAsk: (Int) -> Bool, over: (Int, OverCap) -> Void) -> [Int32: [Int]] {
        var accepted: [Int32: [Int]] = [:]
        var windowStart: [Int32: Int] = [:]  // first accepted ask that may still be in a 365-day window
        for i in order where isAsk(i) {
            let adv = events[i].advocate
            let list = accepted[adv] ?? []
            let day = events[i].date.dayNumber
            var start = windowStart[adv] ?? 0
            while start < list.count, events[list[start]].date.dayNumber < day - 364 { start += 1 }
            windowStart[adv] = start
            if let last = list.last, day - events[last].date.dayNumber < cap.minDaysBetween {
                over(i, .tooSoon(last: last))
            } else if list.count - start >= cap.maxPerYear {
                over(i, .yearFull(window: Array(list[start...])))
            } else {
                accepted[adv, default: []].append(i)
            }
        }
        return accepted
    }

    static func key(_ e: AdvocacyEvent) -> Int64 { Int64(e.advocate) << 32 | Int64(UInt32(bitPattern: e.type)) }

    /// `part / whole > share`, exactly (integers against the plan's decimal).
    static func exceeds(_ part: Int, of whole: Int, _ share: FixedDecimal) -> Bool {
        guard whole > 0, let p = try? FixedDecimal(part) / FixedDecimal(whole) else { return false }
        return p > share
    }

    static func share(_ part: Int, _ whole: Int) -> String {
        guard whole > 0, let p = try? FixedDecimal(part) / FixedDecimal(whole) else { return "0%" }
        return p.percentString()
    }

    /// The actual of every `from_events` KPI at every scope the run's payees need.
    static func derive(plan: Plan, ledger: Ledger, state: [LedgerOutcome.EventState], roster: Roster, payeeIDs: [String],
                       period: Period, firstDay: CivilDate, lastDay: CivilDate) -> ([ActualRow], [Diagnostic]) {
        let derived = plan.kpis.filter { $0.fromEvents != nil }
        guard !derived.isEmpty else { return ([], []) }
        var diagnostics: [Diagnostic] = []
        let events = ledger.events
        let typeIndex = Dictionary(ledger.types.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        // Person (ledger number) -> unit (roster: rows of every plan).
        let unitOfPerson: [String?] = ledger.people.map { p in roster.rowOf[p].map { roster.payees[$0].unit } }
        let payeeUnits = payeeIDs.compactMap { roster.rowOf[$0].map { roster.payees[$0].unit } }
        let personIndex = Dictionary(ledger.people.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
        var rows: [ActualRow] = []
        for kpi in derived {
            guard let d = kpi.fromEvents else { continue }
            let types = Set(d.types.compactMap { typeIndex[$0] })
            var company = FixedDecimal.zero
            var byPerson: [Int32: FixedDecimal] = [:]
            var overflow = false
            for (i, e) in events.enumerated() where state[i].credited && types.contains(e.type) && e.date >= firstDay && e.date <= lastDay {
                var v: FixedDecimal
                if d.value == .count {
                    v = .one
                } else if let a = e.amount {
                    v = a
                } else {
                    diagnostics.append(.error("event \(e.id) (\(ledger.type(of: e))) has no amount, and KPI '\(kpi.id)' sums the amounts of its events",
                                              at: ledger.location(e), notes: [.init("from_events defined here", at: d.location)]))
                    continue
                }
                do {
                    if !e.solicited { v = try v * d.unsolicitedWeight }
                    company = try company + v
                    if e.creditedTo >= 0 { byPerson[e.creditedTo] = try (byPerson[e.creditedTo] ?? .zero) + v }
                } catch {
                    overflow = true
                }
            }
            if overflow {
                diagnostics.append(.error("KPI '\(kpi.id)': the events of \(period) add up beyond the range of exact decimals", at: d.location))
            }
            switch kpi.scope {
            case .company:
                rows.append(ActualRow(period: period, scope: .company, kpi: kpi.id, value: company, line: 0))
            case .unit:
                var byUnit: [String: FixedDecimal] = [:]
                for (person, v) in byPerson {
                    guard let unit = unitOfPerson[Int(person)] ?? nil else { continue }
                    byUnit[unit] = (try? (byUnit[unit] ?? .zero) + v) ?? byUnit[unit]
                }
                for unit in Set(payeeUnits).sorted() {
                    rows.append(ActualRow(period: period, scope: .unit(unit), kpi: kpi.id, value: byUnit[unit] ?? .zero, line: 0))
                }
            case .payee:
                for p in payeeIDs {
                    let v = personIndex[p].flatMap { byPerson[$0] } ?? .zero
                    rows.append(ActualRow(period: period, scope: .payee(p), kpi: kpi.id, value: v, line: 0))
                }
            }
        }
        return (rows, diagnostics)
    }
}
