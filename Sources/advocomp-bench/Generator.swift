import AdvocompKit
import Foundation

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and identical on every platform,
/// so a seed always gives byte-identical files.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in lo...hi (the modulo bias is irrelevant for test data).
    mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(next() % UInt64(hi - lo + 1)) }
    /// True with probability per / 1000.
    mutating func chance(_ perMille: Int) -> Bool { int(0, 999) < perMille }
    mutating func pick<T>(_ a: [T]) -> T { a[int(0, a.count - 1)] }
}

/// Integer `units` scaled by 10^-places, as plain decimal text: dec(345, 1) = "34.5".
/// Numbers are generated as integers and written as text: no binary floating point.
func dec(_ units: Int, _ places: Int) -> String {
    if places == 0 { return String(units) }
    let neg = units < 0
    var s = String(abs(units))
    if s.count <= places { s = String(repeating: "0", count: places - s.count + 1) + s }
    s.insert(".", at: s.index(s.endIndex, offsetBy: -places))
    return neg ? "-" + s : s
}

/// RFC 4180 quoting when needed.
func csv(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// A synthetic company for the 2026-Q1 run of plan `exec-bench` (SPEC sections 2, 3, 5).
struct Generator {
    let payees: Int
    let seed: UInt64
    /// Events in the ledger (0: no events.csv, no plan-ledger.yaml).
    var events = 0

    static let planID = "exec-bench"
    static let units = [
        "amer-enterprise", "amer-midmarket", "amer-smb", "amer-public-sector", "canada",
        "emea-enterprise", "emea-midmarket", "dach", "nordics", "uk-ireland",
        "france", "benelux", "southern-europe", "apac-enterprise", "anz",
        "japan", "india", "latam", "partners", "customer-success",
    ]
    /// review_velocity target per unit for the first 12 units; the others use the default 40.
    static let velocityTargets = [25, 30, 60, 20, 35, 28, 45, 32, 38, 42, 36, 34]
    /// reference_fill_rate targets (tenths of a percent) for 6 units; others use 90%.
    static let fillTargets = [850, 880, 920, 950, 800, 875]
    static let firstNames = ["Ada", "Ben", "Cleo", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ines", "Jonas",
                             "Kwame", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
                             "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Amélie", "Björn", "Chloé", "Dmitri"]
    static let lastNames = ["Park", "Ortiz", "Varga", "Ruiz", "Nakamura", "Okafor", "Schmidt", "Rossi", "Dubois",
                            "Kowalski", "Silva", "Haddad", "Lindqvist", "Moreau", "O'Brien", "Patel", "Nguyen",
                            "Cohen", "Jensen", "Müller", "García", "Tanaka", "Novak", "Ibrahim", "Fischer"]
    static let titles = ["Chief Marketing Officer", "Chief Revenue Officer", "Chief Customer Officer",
                         "VP, Sales", "VP Customer Success", "SVP, Revenue", "Director of Advocacy",
                         "Head of \"Voice of Customer\"", "VP Demand Generation", "Regional Director",
                         "VP, Partnerships", "Director, Customer Marketing"]
    static let bonusPcts = ["25%", "30%", "35%", "40%", "45%", "50%", "60%", "75%", "0.55", "0.375"]

    struct Stats: CustomStringConvertible {
        var dir = ""
        var rosterRows = 0, onPlan = 0, otherPlan = 0, joiners = 0, leavers = 0, outsideQuarter = 0
        var actualRows = 0, ignoredPeriodRows = 0
        var bytes = 0
        var description: String {
            "generated \(dir): roster \(rosterRows) rows (\(onPlan) on plan \(Generator.planID), \(otherPlan) on another plan; "
                + "\(joiners) joiners and \(leavers) leavers inside 2026-Q1, \(outsideQuarter) outside it), "
                + "actuals \(actualRows) rows (\(ignoredPeriodRows) of other periods), \(bytes) bytes"
        }
    }

    /// For `advocomp simulate --scenario`: the company and unit KPIs of the plan drawn
    /// (two correlated), the payee-scope ones kept from the actuals.
    static let scenario = """
        scenario: bench
        kpis:
          nrr: { distribution: normal, mean: 105%, sd: 4% }
          cac_payback: { distribution: lognormal, mean: 16, sd: 3 }
          referral_pipeline: { distribution: triangular, min: 900000, mode: 1500000, max: 2200000 }
          review_velocity: { distribution: normal, mean: 40, sd: 8 }
          reference_fill_rate: { distribution: uniform, min: 80%, max: 100% }
        correlation:
          - { kpis: [nrr, referral_pipeline], rho: 0.6 }

        """

    func write(to dir: String) throws -> Stats {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: seed)
        var stats = Stats()
        stats.dir = dir
        let plan = planYAML()
        let roster = rosterCSV(&rng, &stats)
        let actuals = actualsCSV(roster.ids, &rng, &stats)
        var files = [("plan.yaml", plan), ("roster.csv", roster.text), ("actuals.csv", actuals), ("scenario.yaml", Generator.scenario)]
        if events > 0 {
            files.append(("plan-ledger.yaml", ledgerPlan(plan)))
            files.append(("events.csv", eventsCSV(roster.ids, &rng)))
        }
        for (name, text) in files {
            let data = Data(text.utf8)
            stats.bytes += data.count
            try data.write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        return stats
    }

    // MARK: plan.yaml

    func planYAML() -> String {
        let u = Generator.units
        var velocity = ""
        for (i, t) in Generator.velocityTargets.enumerated() { velocity += "      \(u[i]): \(t)\n" }
        var fill = ""
        for (i, t) in Generator.fillTargets.enumerated() { fill += "      \(u[i * 3 + 1]): \(dec(t, 1))%\n" }
        return """
        # Synthetic benchmark plan written by `advocomp-bench generate` (seed \(seed)).
        plan: \(Generator.planID)
        version: "2026.1"
        title: Executive advocacy incentive plan (benchmark)
        currency: USD
        fiscal_year_start_month: 1
        pays: quarter
        rounding: half-even
        cap: 200%
        floor: 0%
        eligibility:
          min_active_days: 30

        kpis:
          nrr: { name: Net revenue retention, unit: percent, scope: company, target: 105% }
          cac_payback: { name: CAC payback, unit: months, better: lower, scope: company, target: 18 }
          referral_pipeline: { name: Referral pipeline, unit: money, scope: company, target: 1500000 }
          review_velocity:
            name: Review velocity
            unit: count
            scope: unit
            target: 40
            targets:
        \(velocity)  reference_fill_rate:
            name: Reference fill rate
            unit: percent
            scope: unit
            target: 90%
            targets:
        \(fill)  win_rate_advocate: { name: Win rate with an advocate, unit: percent, scope: payee, target: 30% }
          win_rate_other: { name: Win rate without, unit: percent, scope: payee, target: 20%, missing: error }
          win_rate_lift:
            name: Win-rate lift from advocacy
            unit: percent
            formula: win_rate_advocate - win_rate_other
            target: 5%

        curves:
          standard:
            points: [[50%, 0], [80%, 50%], [100%, 100%], [120%, 150%]]
            interpolate: linear
            below: 0
            above: extend
          tiers:
            interpolate: step
            points: [[50%, 25%], [80%, 60%], [100%, 100%], [110%, 125%], [130%, 150%]]
          okr-curve:
            points: [[0, 0], [70%, 100%], [100%, 130%]]

        okrs:
          - id: advocacy-revenue
            objective: Make customer advocacy a top-3 pipeline source
            owners: [marketing, sales, cs]
            key_results:
              - { id: kr1, kpi: referral_pipeline, start: 0, target: 1500000, weight: 60% }
              - { id: kr2, kpi: cac_payback, start: 24, target: 12, weight: 40%, max: 120% }

        components:
          - id: scorecard
            weight: 50%
            max_score: 175%
            measures:
              - { kpi: review_velocity, weight: 40%, curve: standard }
              - { kpi: reference_fill_rate, weight: 30%, curve: tiers }
              - { kpi: nrr, weight: 30%, curve: standard }
          - id: individual
            weight: 30%
            measures:
              - { kpi: win_rate_advocate, weight: 50%, curve: tiers }
              - { kpi: win_rate_lift, weight: 50%, curve: standard }
          - id: shared-okr
            weight: 20%
            okr: advocacy-revenue
            curve: okr-curve

        modifiers:
          - id: advocate-multiplier
            type: multiplier
            when: "attainment(win_rate_advocate) >= 100% and win_rate_lift > 0"
            factor: 1.10
            applies_to: [individual]
          - id: retention-gate
            type: gate
            when: "nrr >= 100% and cac_payback <= 24"
            otherwise: 25%
            applies_to: [scorecard, shared-okr]
          - id: velocity-accelerator
            type: accelerator
            kpi: review_velocity
            above: 100%
            rate: 2
            max_extra: 50%
          - id: fill-rate-table
            type: table
            kpi: reference_fill_rate
            on: attainment
            rows:
              - { at_least: 110%, factor: 1.15 }
              - { at_least: 95%, factor: 1.05 }
              - { at_least: 80%, factor: 1 }
            otherwise: 0.85

        """
    }

    // MARK: roster.csv

    func rosterCSV(_ rng: inout SplitMix64, _ stats: inout Stats) -> (text: String, ids: [String]) {
        let width = max(6, String(payees).count)
        func id(_ i: Int) -> String {
            let s = String(i)
            return "E" + String(repeating: "0", count: width - s.count) + s
        }
        // Rows in a shuffled order, as an HR export would be; the engine sorts by payee_id.
        var order = Array(1...payees)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0, i)) }

        let q1 = CivilDate(year: 2026, month: 1, day: 1)!.dayNumber  // 2026-Q1 is 90 days
        func date(_ day: Int) -> String { CivilDate(dayNumber: day).description }

        var out = "payee_id,name,title,unit,plan,currency,base_salary,target_bonus_pct,target_bonus,start_date,end_date\n"
        out.reserveCapacity(110 * (payees + 1))
        var ids: [String] = []
        ids.reserveCapacity(payees)
        for n in order {
            let pid = id(n)
            ids.append(pid)
            let name = rng.pick(Generator.firstNames) + " " + rng.pick(Generator.lastNames)
            let title = rng.pick(Generator.titles)
            let unit = rng.pick(Generator.units)
            let otherPlan = rng.chance(10)  // 1% are on another plan: skipped
            if otherPlan { stats.otherPlan += 1 } else { stats.onPlan += 1 }
            // Currency: mostly blank (the plan's USD); some EUR, GBP and JPY (0 minor digits).
            var currency = "", scale = 1
            switch rng.int(0, 99) {
            case 0..<5: currency = "EUR"
            case 5..<8: currency = "GBP"
            case 8..<10: currency = "JPY"; scale = 150
            default: break
            }
            let base = rng.int(360, 1300) * 500 * scale  // 180,000 .. 650,000
            var baseText = String(base), pct = "", bonus = ""
            if rng.chance(100) {  // 10% have a money target bonus instead of a percentage
                bonus = scale == 1 ? dec(rng.int(4_000_000, 30_000_000) / 5 * 5, 2) : String(rng.int(40, 300) * 100_000)
                if rng.chance(500) { baseText = "" }
            } else {
                pct = rng.pick(Generator.bonusPcts)
            }
            // Dates: long-standing staff, with ~5% joining or leaving inside 2026-Q1 and a few
            // whose employment lies wholly outside it (ineligible, 0 active days).
            var start = rng.chance(50) ? "" : date(q1 - rng.int(30, 14 * 365))
            var end = ""
            switch rng.int(0, 999) {
            case 0..<25: start = date(q1 + rng.int(0, 89)); stats.joiners += 1
            case 25..<50: end = date(q1 + rng.int(0, 89)); stats.leavers += 1
            case 50..<53:  // left before the quarter
                let left = q1 - rng.int(1, 200)
                end = date(left)
                if !start.isEmpty { start = date(left - rng.int(30, 10 * 365)) }
                stats.outsideQuarter += 1
            case 53..<55: start = date(q1 + 90 + rng.int(0, 60)); stats.outsideQuarter += 1
            default: break
            }
            out += pid; out += ","; out += csv(name); out += ","; out += csv(title); out += ","
            out += unit; out += ","; out += otherPlan ? "sales-comp-2026" : Generator.planID; out += ","
            out += currency; out += ","; out += baseText; out += ","; out += pct; out += ","; out += bonus; out += ","
            out += start; out += ","; out += end; out += "\n"
        }
        stats.rosterRows = payees
        return (out, ids)
    }

    // MARK: actuals.csv

    func actualsCSV(_ ids: [String], _ rng: inout SplitMix64, _ stats: inout Stats) -> String {
        var out = "period,scope,kpi,value\n"
        out.reserveCapacity(48 * (2 * ids.count * 11 / 10 + 200))
        func row(_ period: String, _ scope: String, _ kpi: String, _ value: String) {
            out += period; out += ","; out += scope; out += ","; out += kpi; out += ","; out += value; out += "\n"
            stats.actualRows += 1
            if period != "2026-Q1" { stats.ignoredPeriodRows += 1 }
        }
        /// A percentage given in tenths of a percent, written as "34.5%" or "0.345".
        func percent(_ tenths: Int) -> String { rng.chance(700) ? dec(tenths, 1) + "%" : dec(tenths, 3) }

        // Company scope: the last quarter and the next one are present and must be ignored.
        for period in ["2025-Q4", "2026-Q1", "2026-Q2"] {
            row(period, "company", "nrr", percent(rng.int(1000, 1150)))
            row(period, "company", "cac_payback", dec(rng.int(120, 240), 1))
            row(period, "company", "referral_pipeline", dec(rng.int(90_000_000, 180_000_000), 2))
        }
        // Unit scope: every unit, near its target.
        for period in ["2025-Q4", "2026-Q1"] {
            for (i, u) in Generator.units.enumerated() {
                let vt = i < Generator.velocityTargets.count ? Generator.velocityTargets[i] : 40
                row(period, "unit:" + u, "review_velocity", String(vt * rng.int(55, 150) / 100))
                row(period, "unit:" + u, "reference_fill_rate", percent(rng.int(650, 1100)))
            }
        }
        // Payee scope: every roster row, each payee-scoped KPI; every 10th payee also has
        // last quarter's rows.
        for (i, id) in ids.enumerated() {
            let scope = "payee:" + id
            if i % 10 == 0 {
                row("2025-Q4", scope, "win_rate_advocate", percent(rng.int(100, 550)))
                row("2025-Q4", scope, "win_rate_other", percent(rng.int(100, 400)))
            }
            let other = rng.int(100, 400)
            row("2026-Q1", scope, "win_rate_advocate", percent(max(0, other + rng.int(-60, 160))))
            row("2026-Q1", scope, "win_rate_other", percent(other))
        }
        return out
    }

    // MARK: events.csv and plan-ledger.yaml

    /// The plan with two KPIs derived from the ledger and every gaming check.
    func ledgerPlan(_ plan: String) -> String {
        var text = plan.replacingOccurrences(of: "\nkpis:\n", with: """

            kpis:
              ledger_reviews: { name: Reviews from the ledger, unit: count, scope: payee, target: 3, from_events: { types: [review], value: count, unsolicited_weight: 150% } }
              ledger_pipeline: { name: Referral pipeline from the ledger, unit: money, scope: unit, target: 2000000, from_events: { types: [referral], value: amount } }

            """)
        text += """

            gaming:
              ask_cap: { min_days_between: 60, max_per_year: 4, action: exclude }
              unverified: { within_days: 7, action: exclude }
              consent: { types: [reference_call, case_study, logo], action: hold }
              period_end_spike: { last_days: 14, share_above: 50%, min_events: 5, action: flag }
              concentration: { share_above: 50%, min_events: 5, action: flag }
              escalation: { within_days: 30, action: exclude }

            """
        return text
    }

    /// `events` events over the year to 2026-03-31: about 8 per advocate, credited to
    /// payees of the roster; 60% solicited, 10% self-reported, 5% without consent. One
    /// row in 100 is an account's escalation and one in 200 a resolution (signal rows:
    /// no advocate, nobody credited), so the escalation check has real work.
    func eventsCSV(_ ids: [String], _ rng: inout SplitMix64) -> String {
        let types = ["review", "review", "review", "referral", "reference_call", "case_study", "webinar"]
        let advocates = max(1, events / 8)
        var out = "event_id,date,type,advocate_id,account_id,credited_to,requested_by,solicited,source,consent,amount\n"
        out.reserveCapacity(events * 80)
        let months = [(2025, 4, 30), (2025, 5, 31), (2025, 6, 30), (2025, 7, 31), (2025, 8, 31), (2025, 9, 30),
                      (2025, 10, 31), (2025, 11, 30), (2025, 12, 31), (2026, 1, 31), (2026, 2, 28), (2026, 3, 31)]
        for i in 0..<events {
            let (y, m, days) = rng.pick(months)
            let d = rng.int(1, days)
            let date = "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
            let signal = rng.int(0, 199)
            if signal < 3 {
                let account = rng.int(1, advocates)
                out += "ev\(i),\(date),\(signal < 2 ? "escalation" : "escalation_resolved"),,AC\(account),,,false,system,,\n"
                continue
            }
            let type = rng.pick(types)
            let adv = rng.int(1, advocates)
            let payee = rng.pick(ids)
            let solicited = rng.int(0, 99) < 60
            let source = rng.int(0, 99) < 10 ? "self_reported" : "system"
            let c = rng.int(0, 99)
            let consent = c < 5 ? "no" : (c < 90 ? "yes" : "")
            let amount = type == "referral" ? String(rng.int(1, 500) * 1000) : ""
            out += "ev\(i),\(date),\(type),A\(adv),AC\(adv),\(payee),"
            out += solicited ? "\(payee),true," : ",false,"
            out += "\(source),\(consent),\(amount)\n"
        }
        return out
    }
}
