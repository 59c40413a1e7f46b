import AdvocompEngine
import AdvocompModel

/// `advocomp audit`: the findings of a period grouped by payee, each with its evidence
/// (the events as the ledger holds them, with their file lines). For a terminal: every
/// line is shown as `Display.text` shows it (control characters escaped).
public enum AuditReport {
    public static func render(_ outcome: LedgerOutcome, plan: Plan, roster: Roster, period: Period) -> String {
        let ledger = outcome.ledger
        var o = ""
        func line(_ s: String) { o += Display.text(s) + "\n" }
        line("Advocacy ledger audit: plan \(plan.id) v\(plan.version), \(period) (\(outcome.firstDay) to \(outcome.lastDay)), \(ledger.file)")
        let inPeriod = ledger.events.filter { outcome.inPeriod($0) }
        let credited = ledger.events.indices.filter { outcome.inPeriod(ledger.events[$0]) && outcome.events[$0].credited }.count
        let verified = ledger.events.indices.filter { outcome.inPeriod(ledger.events[$0]) && outcome.events[$0].matchedBy >= 0 }.count
        line("\(inPeriod.count) events in the period: \(credited) credited, \(verified) self-report\(verified == 1 ? "" : "s") verified by a system event, "
             + "\(inPeriod.count - credited - verified) excluded")
        let checks = GamingChecks.Check.allCases.sorted().filter { plan.gaming?.runs($0) ?? false }
        line("Checks run: \(checks.isEmpty ? "none (the plan has no gaming section)" : checks.map(\.rawValue).joined(separator: ", "))")
        if outcome.findings.isEmpty { return o + "\nNo findings.\n" }
        let byID = Dictionary(ledger.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var groups: [(String?, [Finding])] = []
        var groupOf: [String?: Int] = [:]  // payee -> index in groups
        for f in outcome.findings {
            if let i = groupOf[f.payeeID] { groups[i].1.append(f) } else { groupOf[f.payeeID] = groups.count; groups.append((f.payeeID, [f])) }
        }
        groups.sort { ($0.0 ?? "\u{10FFFF}") < ($1.0 ?? "\u{10FFFF}") }
        line("")
        line("\(outcome.findings.count) finding\(outcome.findings.count == 1 ? "" : "s") for \(groups.count) payee\(groups.count == 1 ? "" : "s")")
        for (payee, list) in groups {
            line("")
            if let payee {
                let row = roster.rowOf[payee].map { roster.payees[$0] }
                let who = [row?.name ?? "", row?.title ?? "", row.map { $0.unit.isEmpty ? "" : "unit \($0.unit)" } ?? ""].filter { !$0.isEmpty }
                line("\(payee)\(who.isEmpty ? "" : " (\(who.joined(separator: ", ")))")" + (outcome.held.contains(payee) ? ": payout held" : ""))
            } else {
                line("(credited to nobody)")
            }
            for f in list {
                line("  \(f.check.rawValue) [\(f.action.rawValue)]: \(f.detail)")
                for id in f.eventIDs {
                    guard let e = byID[id] else { continue }
                    var ev = "    \(ledger.file):\(e.line)  \(e.id)  \(e.date)  \(ledger.type(of: e))"
                    if e.isSignal {
                        ev += "  account \(ledger.account(of: e) ?? "")  (signal row: escalation \(e.signal == .escalationOpened ? "opened" : "resolved"))"
                        line(ev)
                        continue
                    }
                    ev += "  advocate \(ledger.advocate(of: e))"
                    if let a = ledger.account(of: e) { ev += "  account \(a)" }
                    ev += e.solicited ? "  solicited" : "  unsolicited"
                    if let r = ledger.requestedBy(e) { ev += " by \(r)" }
                    ev += e.source == .system ? "  system" : "  self-reported"
                    ev += "  consent \(e.consent == .yes ? "yes" : e.consent == .no ? "no" : "blank")"
                    if let a = e.amount { ev += "  amount \(a)" }
                    line(ev)
                }
            }
        }
        if let x = plan.gaming?.escalation {
            let asks = escalationAsksByRequester(outcome.findings, byID: byID, ledger: ledger)
            let total = asks.reduce(0) { $0 + $1.eventIDs.count }
            line("")
            line("Asks made during escalations (escalation check, \(x.withinDays) days): \(total)")
            if !asks.isEmpty {
                o += Display.table(["requested_by", "asks", "events"],
                                   asks.map { [$0.requester ?? "(not recorded)", String($0.eventIDs.count), $0.eventIDs.joined(separator: " ")] },
                                   rightAligned: [1])
            }
        }
        return o
    }

    /// The asks that the escalation check found, per person who asked (`requested_by`;
    /// nil when the ledger does not say): most asks first, then by requester.
    static func escalationAsksByRequester(_ findings: [Finding], byID: [String: AdvocacyEvent], ledger: Ledger)
        -> [(requester: String?, eventIDs: [String])] {
        var byRequester: [String?: [String]] = [:]
        for f in findings where f.check == .escalation {
            guard let id = f.eventIDs.first, let e = byID[id] else { continue }
            byRequester[ledger.requestedBy(e), default: []].append(id)
        }
        return byRequester.map { (requester: $0.key, eventIDs: $0.value) }.sorted { a, b in
            a.eventIDs.count != b.eventIDs.count ? a.eventIDs.count > b.eventIDs.count : (a.requester ?? "\u{10FFFF}") < (b.requester ?? "\u{10FFFF}")
        }
    }

    /// The same findings as JSON: `plan`, `period`, `held`, `findings` (as in calculate's JSON).
    public static func json(_ outcome: LedgerOutcome, plan: Plan, period: Period) -> String {
        let w = JSONWriter()
        w.object {
            w.key("plan"); w.string(plan.id)
            w.key("version"); w.string(plan.version)
            w.key("period"); w.string(period.description)
            w.key("events"); w.string(outcome.ledger.file)
            w.key("held"); w.array { for p in outcome.held.sorted() { w.string(p) } }
            w.key("findings"); JSONReport.findings(w, outcome.findings)
            if plan.gaming?.escalation != nil {
                let byID = Dictionary(outcome.ledger.events.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                w.key("escalation_asks_by_requester")
                w.array {
                    for r in escalationAsksByRequester(outcome.findings, byID: byID, ledger: outcome.ledger) {
                        w.object {
                            w.key("requested_by"); if let q = r.requester { w.string(q) } else { w.raw("null") }
                            w.key("asks"); w.raw(String(r.eventIDs.count))
                            w.key("event_ids"); w.array { for id in r.eventIDs { w.string(id) } }
                        }
                    }
                }
            }
        }
        return w.text + "\n"
    }
}

/// `advocomp advocates`: the ask calendar.
public enum AdvocatesReport {
    static let header = ["advocate", "asks_365d", "accepted_365d", "last_ask", "last_ask_date", "next_allowed", "state"]

    static func cells(_ e: AskCalendar.Entry) -> [String] {
        [e.advocate, String(e.asksInYear), String(e.acceptedInYear), e.lastAsk?.id ?? "", e.lastAsk?.date.description ?? "",
         e.nextAllowed.description, e.stateText]
    }

    public static func table(_ entries: [AskCalendar.Entry], policy: AskCalendar.Policy, asOf: CivilDate) -> String {
        let cap = policy.cap
        var o = "Ask calendar as of \(asOf): at least \(cap.minDaysBetween) days between accepted asks, at most \(cap.maxPerYear) in any 365 days ("
            + (policy.capFromPlan ? "the plan's ask_cap" : "policy default: the plan has no ask_cap") + ")\n"
        o += "No ask while an account is escalated: \(policy.escalationWithinDays) days after an escalation opens, until it is resolved ("
            + (policy.escalationFromPlan ? "the plan's escalation check" : "policy default: the plan has no escalation check") + ")\n"
        let blocked = entries.filter { $0.state == .doNotAsk }
        if !blocked.isEmpty {
            o += Display.text("Do not ask \(blocked.count) advocate\(blocked.count == 1 ? "" : "s") now: "
                + blocked.map { e in "\(e.advocate) (account \(e.escalated?.account ?? ""), escalation \(e.escalated?.eventID ?? ""))" }.joined(separator: ", ")) + "\n"
        }
        o += "\n" + Display.table(header, entries.map(cells), rightAligned: [1, 2])
        return o
    }

    public static func csv(_ entries: [AskCalendar.Entry]) -> String {
        ([header] + entries.map(cells)).map { $0.map(CSVField.escape).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public static func json(_ entries: [AskCalendar.Entry], policy: AskCalendar.Policy, asOf: CivilDate) -> String {
        let w = JSONWriter()
        w.object {
            w.key("as_of"); w.string(asOf.description)
            w.key("min_days_between"); w.raw(String(policy.cap.minDaysBetween))
            w.key("max_per_year"); w.raw(String(policy.cap.maxPerYear))
            w.key("escalation_within_days"); w.raw(String(policy.escalationWithinDays))
            w.key("advocates")
            w.array {
                for e in entries {
                    w.object {
                        w.key("advocate"); w.string(e.advocate)
                        w.key("asks_365d"); w.raw(String(e.asksInYear))
                        w.key("accepted_365d"); w.raw(String(e.acceptedInYear))
                        w.key("last_ask"); if let l = e.lastAsk { w.string(l.id) } else { w.raw("null") }
                        w.key("last_ask_date"); if let l = e.lastAsk { w.string(l.date.description) } else { w.raw("null") }
                        w.key("next_allowed"); w.string(e.nextAllowed.description)
                        w.key("state"); w.string(e.state.rawValue)
                        w.key("escalation")
                        if let x = e.escalated {
                            w.object {
                                w.key("event_id"); w.string(x.eventID)
                                w.key("account_id"); w.string(x.account)
                                w.key("since"); w.string(x.since.description)
                                w.key("until_unless_resolved"); w.string(x.until.description)
                            }
                        } else {
                            w.raw("null")
                        }
                    }
                }
            }
        }
        return w.text + "\n"
    }
}
