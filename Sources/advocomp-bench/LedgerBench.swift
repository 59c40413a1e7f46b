import AdvocompKit
import Foundation

/// Times the advocacy ledger's phases in memory: reading the events file, the date
/// order, the self-report matching, the whole `LedgerAnalysis.run`, and the full
/// calculation with `--events` (best and median of `repeats` runs).
struct LedgerBench {
    let dir: String
    let repeats: Int
    let period: String

    func run() -> Int32 {
        let engine = EngineBench(dir: dir, repeats: repeats, period: period)
        let clock = ContinuousClock()
        let t = EngineBench.Timings()
        func time<T>(_ name: String, _ body: () -> T) -> T {
            var out: T?
            let d = clock.measure { out = body() }
            t.add(name, EngineBench.seconds(d))
            return out!
        }
        let files = ["plan-ledger.yaml", "roster.csv", "actuals.csv", "events.csv"].map(engine.load)
        let (planFile, rosterFile, actualsFile, eventsFile) = (files[0], files[1], files[2], files[3])
        guard let period = Period.parse(period) else {
            FileHandle.standardError.write(Data("advocomp-bench: error: bad period \(self.period)\n".utf8))
            return 2
        }
        var findings = 0, events = 0, derived = 0, csvText = ""
        for _ in 0..<repeats {
            let loaded = Pipeline.loadPlan(planFile, loadFile: EngineBench.loader)
            guard let plan = loaded.plan else { engine.report(loaded.diagnostics); return 1 }
            var diagnostics: [Diagnostic] = []
            let roster = RosterReader.read(file: rosterFile.path, bytes: rosterFile.bytes, diagnostics: &diagnostics)
            _ = time("  CSVTable (the events file's cells)") {
                CSVTable(file: eventsFile.path, bytes: eventsFile.bytes, diagnostics: &diagnostics).count
            }
            let ledger = time("EventsReader.read") {
                EventsReader.read(file: eventsFile.path, bytes: eventsFile.bytes, diagnostics: &diagnostics)
            }
            if diagnostics.hasErrors { engine.report(diagnostics); return 1 }
            let order = time("  date order") { Ledger.dateOrder(ledger.events) }
            if let u = plan.gaming?.unverified {
                _ = time("  self-report matching") { LedgerAnalysis.matchSelfReports(ledger.events, byDate: order, withinDays: u.withinDays) }
            }
            let ids = roster.indices(onPlan: plan.id).map { roster.payees[$0].id }
            let outcome = time("LedgerAnalysis.run (checks, derived KPIs)") {
                LedgerAnalysis.run(plan: plan, ledger: ledger, roster: roster, payeeIDs: ids, period: period)
            }
            findings = outcome.findings.count; events = ledger.events.count; derived = outcome.derivedRows.count

            let request = CalculationRequest(plan: planFile, roster: rosterFile, actuals: actualsFile, period: self.period,
                                             events: eventsFile)
            csvText = time("in-memory end to end (Pipeline.calculate + render)") {
                let outcome = Pipeline.calculate(request, loadFile: EngineBench.loader)
                if outcome.result == nil { engine.report(outcome.diagnostics) }
                return outcome.result.map { CSVReport.render($0) } ?? ""
            }
            if csvText.isEmpty { return 1 }
        }
        func ms(_ s: Double) -> String { String(format: "%8.1f", s * 1000) }
        let width = t.order.map(\.count).max() ?? 0
        print("ledger benchmark: \(dir), period \(self.period), \(repeats) run\(repeats == 1 ? "" : "s") per phase")
        print("\(events) events, \(findings) findings, \(derived) derived actual rows, \(eventsFile.bytes.count) bytes of events")
        print("")
        print("phase".padding(toLength: width, withPad: " ", startingAt: 0) + "  first ms   best ms  median ms")
        for n in t.order {
            print(n.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(ms(t.first(n)))  \(ms(t.best(n)))  \(ms(t.median(n)))")
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the CSV, to compare runs
        for b in csvText.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        print("csv fnv1a \(String(hash, radix: 16))")
        if let hwm = engine.peakRSS() { print("peak RSS of this process: \(hwm / 1024) MB") }
        return 0
    }
}
