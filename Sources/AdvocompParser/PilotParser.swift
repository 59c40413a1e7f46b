import AdvocompModel
import Yams

/// Reads a pilot file (README, "Pilots") with located errors, all at once.
///
/// ```yaml
/// pilot: 2026-reference-pilot
/// title: Reference-call bonus with a customer-satisfaction guard
/// plan: cro-reference-program            # the current plan (id)
/// candidate: cro-reference-pilot         # the candidate plan (id)
/// cohort: { payees: [E1101, E1103] }     # or { units: [sales] }
/// before: [2026-Q1, 2026-Q2]
/// after: [2026-Q3, 2026-Q4]
/// advocacy: [exec_reference_calls]
/// satisfaction: [csat]
/// bootstrap: { resamples: 2000, confidence: 90%, seed: 1, min_per_group: 3 }
/// ```
public enum PilotParser {
    static let keys = ["pilot", "title", "plan", "candidate", "cohort", "before", "after", "advocacy", "satisfaction", "bootstrap"]

    public static func parse(bytes: [UInt8], file: String) -> (pilot: Pilot?, diagnostics: [Diagnostic]) {
        let bad = TextEncoding.problems(bytes, file: file, syntax: .yaml, what: "a pilot")
        if !bad.isEmpty { return (nil, bad) }
        let r = YAMLReader(file: file, what: "a pilot")
        guard let root = r.compose(String(decoding: bytes, as: UTF8.self)) else { return (nil, r.diagnostics) }
        guard let top = r.fields(root, "the pilot", allowed: keys) else { return (nil, r.diagnostics) }
        let rootAt = r.location(root)
        func required(_ key: String) -> Node? {
            if let n = top[key], !r.isNull(n) { return n }
            r.error("the pilot has no '\(key)' (required)", at: top.keyNode(key).map(r.location) ?? rootAt)
            return nil
        }
        let id = required("pilot").flatMap { r.string($0, "pilot") } ?? ""
        let title = top["title"].flatMap { r.string($0, "title") }
        let plan = required("plan").flatMap { r.string($0, "plan (the current plan's id)") } ?? ""
        let candidate = required("candidate").flatMap { r.string($0, "candidate (the candidate plan's id)") } ?? ""
        if !plan.isEmpty && plan == candidate, let n = top["candidate"] {
            r.error("candidate is the current plan '\(plan)': a pilot compares two plans", n)
        }
        var cohort = Pilot.Cohort.payees([])
        if let n = required("cohort"), let f = r.fields(n, "cohort", allowed: ["payees", "units"]) {
            if f["payees"] != nil && f["units"] != nil {
                r.error("cohort takes 'payees' or 'units', not both", n)
            } else if let p = f["payees"], let list = r.names(p, "cohort payees") {
                if list.isEmpty { r.error("cohort payees must name at least one payee", p) }
                cohort = .payees(list)
            } else if let u = f["units"], let list = r.names(u, "cohort units") {
                if list.isEmpty { r.error("cohort units must name at least one unit", u) }
                cohort = .units(list)
            } else if f["payees"] == nil && f["units"] == nil {
                r.error("cohort needs 'payees' (a list of payee ids) or 'units' (a list of unit names)", n)
            }
        }
        func periods(_ key: String) -> [Period] {
            guard let n = required(key), let names = r.names(n, key) else { return [] }
            var out: [Period] = []
            for name in names {
                guard let p = Period.parse(name) else {
                    r.error("\(key): '\(name)' is not a period (expected YYYY-Q1..Q4, YYYY-H1, YYYY-H2 or YYYY-FY)", n)
                    continue
                }
                if out.contains(p) { r.error("\(key) names \(p) twice", n) } else { out.append(p) }
            }
            if names.isEmpty { r.error("\(key) must name at least one period", n) }
            return out
        }
        let before = periods("before"), after = periods("after")
        if let b = before.map(\.code).max(), let a = after.map(\.code).min(), b >= a, let n = top["after"] {
            r.error("every period after the pilot started must come after every period before it", n)
        }
        var locations: [String: SourceLocation] = [:]
        func kpis(_ key: String) -> [String] {
            guard let n = top[key] else { return [] }
            guard let names = r.names(n, key) else { return [] }
            for k in names where locations[k] == nil { locations[k] = r.location(n) }
            return names
        }
        let advocacy = kpis("advocacy"), satisfaction = kpis("satisfaction")
        if advocacy.isEmpty && satisfaction.isEmpty {
            r.error("the pilot compares no KPI: give advocacy: [...] and satisfaction: [...] (KPI ids, as in the actuals)", at: rootAt)
        }
        var pilot = Pilot(id: id, title: title, plan: plan, candidate: candidate, cohort: cohort, before: before, after: after,
                          advocacy: advocacy, satisfaction: satisfaction, file: file, location: rootAt)
        pilot.kpiLocations = locations
        if let n = top["bootstrap"], let f = r.fields(n, "bootstrap", allowed: ["resamples", "confidence", "seed", "min_per_group"]) {
            if let x = f["resamples"], let v = r.integer(x, "resamples", range: 100...100_000) { pilot.resamples = v }
            if let x = f["confidence"], let v = r.number(x, "confidence") {
                if v > .zero && v < .one { pilot.confidence = v } else { r.error("confidence must be above 0% and below 100%, such as 90%", x) }
            }
            if let x = f["seed"], let v = r.integer(x, "seed", range: 0...Int.max) { pilot.seed = UInt64(v) }
            if let x = f["min_per_group"], let v = r.integer(x, "min_per_group", range: 2...1_000_000) { pilot.minimumPerGroup = v }
        }
        return (r.diagnostics.hasErrors ? nil : pilot, r.diagnostics)
    }
}
