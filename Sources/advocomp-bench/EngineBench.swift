import AdvocompKit
import Foundation

/// Times the phases of a calculation in memory: the files are read once, then each
/// phase runs `repeats` times and the best and median are reported.
struct EngineBench {
    let dir: String
    let repeats: Int
    let period: String

    final class Timings {
        var samples: [String: [Double]] = [:]
        var order: [String] = []
        func add(_ name: String, _ seconds: Double) {
            if samples[name] == nil { order.append(name) }
            samples[name, default: []].append(seconds)
        }
        func best(_ name: String) -> Double { samples[name]?.min() ?? .nan }
        func first(_ name: String) -> Double { samples[name]?.first ?? .nan }
        func median(_ name: String) -> Double {
            guard let s = samples[name]?.sorted(), !s.isEmpty else { return .nan }
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    func load(_ name: String) -> InputFile {
        let path = dir + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("advocomp-bench: error: cannot read \(path)\n".utf8))
            exit(1)
        }
        return InputFile(path: path, bytes: [UInt8](data))
    }

    static let loader: PlanParser.FileLoader = { path in
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(PlanParser.FileLoadError("no such file (\(path))"))
        }
        return .success(String(decoding: data, as: UTF8.self))
    }

    func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        let text = diagnostics.prefix(20).map(\.description).joined(separator: "\n")
        FileHandle.standardError.write(Data((text + "\n(\(diagnostics.count) diagnostics)\n").utf8))
    }

    func run() -> Int32 {
        let clock = ContinuousClock()
        let t = Timings()
        func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            var out: T?
            let d = try clock.measure { out = try body() }
            t.add(name, EngineBench.seconds(d))
            return out!
        }

        var readDuration = 0.0
        var files: [InputFile] = []
        readDuration = EngineBench.seconds(clock.measure {
            files = ["plan.yaml", "roster.csv", "actuals.csv"].map(load)
        })
        let (planFile, rosterFile, actualsFile) = (files[0], files[1], files[2])
        guard let period = Period.parse(period) else {
            FileHandle.standardError.write(Data("advocomp-bench: error: bad period \(self.period)\n".utf8))
            return 2
        }

        var evaluated = 0
        var lastResult: RunResult?
        var csvText = ""
        for _ in 0..<repeats {
            // Parsing, piece by piece (what Pipeline.calculate does before the engine).
            let loaded = time("parse plan.yaml") { Pipeline.loadPlan(planFile, loadFile: EngineBench.loader) }
            guard let plan = loaded.plan else { report(loaded.diagnostics); return 1 }
            var diagnostics: [Diagnostic] = []
            let roster = time("parse roster.csv") {
                RosterReader.read(file: rosterFile.path, bytes: rosterFile.bytes, diagnostics: &diagnostics)
            }
            let actuals = time("parse actuals.csv") {
                ActualsReader.read(file: actualsFile.path, bytes: actualsFile.bytes, diagnostics: &diagnostics)
            }
            if diagnostics.hasErrors { report(diagnostics); return 1 }

            // The engine: setup (compiles expressions, indexes the actuals), then the payees.
            let calculator: Calculator
            let result: RunResult
            do {
                calculator = try time("Calculator.init (index actuals)") { try Calculator(plan: plan, actuals: actuals, period: period) }
                result = try time("Calculator.run") { try calculator.run(roster: roster) }
            } catch let e as DiagnosticsError {
                report(e.diagnostics); return 1
            } catch {
                FileHandle.standardError.write(Data("advocomp-bench: error: \(error)\n".utf8)); return 1
            }
            evaluated = roster.columns.contains("plan") ? roster.payees.reduce(0) { $0 + ($1.plan == plan.id ? 1 : 0) } : roster.payees.count
            csvText = time("CSVReport.render") { CSVReport.render(result) }
            lastResult = result

            // The whole in-memory path as the CLI runs it (parse + checks + engine + render),
            // without file I/O and argument parsing.
            let request = CalculationRequest(plan: planFile, roster: rosterFile, actuals: actualsFile, period: self.period)
            let text: String = time("in-memory end to end (Pipeline.calculate + render)") {
                let outcome = Pipeline.calculate(request, loadFile: EngineBench.loader)
                return outcome.result.map { CSVReport.render($0) } ?? ""
            }
            if text != csvText {
                FileHandle.standardError.write(Data("advocomp-bench: error: Pipeline.calculate and the phases disagree\n".utf8))
                return 1
            }
        }

        // Output: a table, then a checksum so optimisations can be checked for equal results.
        let name = "phase"
        let width = max(name.count, t.order.map(\.count).max() ?? 0)
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, w - s.count))
            return right ? p + s : s + p
        }
        func ms(_ s: Double) -> String { String(format: "%.1f", s * 1000) }
        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        print("engine benchmark: \(dir), period \(self.period), \(repeats) run\(repeats == 1 ? "" : "s") per phase")
        print("inputs: \(bytes) bytes read in \(ms(readDuration)) ms; \(evaluated) payees on plan")
        print("first = the first run in this process (cold allocator, like the CLI); best and median over all runs")
        print("")
        print("\(pad(name, width))  \(pad("first ms", 9, right: true))  \(pad("best ms", 9, right: true))  \(pad("median ms", 9, right: true))")
        print(String(repeating: "-", count: width + 33))
        for n in t.order {
            print("\(pad(n, width))  \(pad(ms(t.first(n)), 9, right: true))  \(pad(ms(t.best(n)), 9, right: true))  \(pad(ms(t.median(n)), 9, right: true))")
        }
        let parse = t.best("parse plan.yaml") + t.best("parse roster.csv") + t.best("parse actuals.csv")
        let run = t.best("Calculator.run")
        let parseFirst = t.first("parse plan.yaml") + t.first("parse roster.csv") + t.first("parse actuals.csv")
        print(String(repeating: "-", count: width + 33))
        print("\(pad("parse total", width))  \(pad(ms(parseFirst), 9, right: true))  \(pad(ms(parse), 9, right: true))")
        print("")
        print(String(format: "engine: %d payee evaluations in %.1f ms = %.0f evaluations/s (best of %d); %.2f us per payee",
                     evaluated, run * 1000, Double(evaluated) / run, repeats, run * 1e6 / Double(max(evaluated, 1))))
        if let r = lastResult {
            // The run's own totals (the engine's): the checksum line reads them.
            let statuses = r.totals.statusCounts.map { "\($0.status.rawValue) \($0.payees)" }.sorted().joined(separator: ", ")
            let money = r.totals.byCurrency.map { "\($0.currency.code) \($0.payout.plain)" }.joined(separator: ", ")
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the CSV, to compare runs
            for b in csvText.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
            print("results: \(r.payees.count) rows (\(statuses)); payouts \(money); csv fnv1a \(String(hash, radix: 16))")
        }
        print("layout: Payee \(MemoryLayout<Payee>.stride) B, PayeeResult \(MemoryLayout<PayeeResult>.stride) B, "
              + "ActualRow \(MemoryLayout<ActualRow>.stride) B, KPI \(MemoryLayout<KPI>.stride) B, FixedDecimal \(MemoryLayout<FixedDecimal>.stride) B")
        if let hwm = peakRSS() { print("peak RSS of this process: \(hwm / 1024) MB") }
        return 0
    }

    /// VmHWM from /proc/self/status, in KiB (Linux only).
    func peakRSS() -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "")
        }
        return nil
    }
}
