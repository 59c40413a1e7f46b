// advocomp-bench: synthetic companies and engine timings.
//
//   advocomp-bench generate --payees N --out DIR [--seed S] [--events E]
//   advocomp-bench engine --dir DIR [--repeat K] [--period 2026-Q1]
//   advocomp-bench ledger --dir DIR [--repeat K] [--period 2026-Q1]
//   advocomp-bench numbers [--iterations N]
//
// Plain CommandLine.arguments parsing: this target depends on AdvocompKit only.

import Foundation

let usage = """
usage:
  advocomp-bench generate --payees N --out DIR [--seed S] [--events E]
      Writes DIR/plan.yaml, DIR/roster.csv and DIR/actuals.csv: a synthetic company
      of N payees (deterministic for a given seed, default 42), calculable for 2026-Q1.
      With --events E, also DIR/events.csv (E events over the year to 2026-03-31) and
      DIR/plan-ledger.yaml (the plan with two KPIs from the ledger and every gaming check).
      DIR/scenario.yaml is a scenario for advocomp simulate.
  advocomp-bench numbers [--iterations N]
      Times N multiply-adds (default 10 million) in FixedDecimal, Foundation.Decimal
      and Int64.
  advocomp-bench engine --dir DIR [--repeat K] [--period 2026-Q1]
      Loads DIR's files once, then times parsing, Calculator.run and CSV rendering
      (best and median of K runs, default 5) and prints a table.
  advocomp-bench ledger --dir DIR [--repeat K] [--period 2026-Q1]
      Times the advocacy ledger (DIR from generate --events): reading events.csv,
      the checks and derived KPIs, and the whole calculation with --events.
"""

/// `--key value` options after the subcommand; exits with usage on anything else.
func parseOptions(_ args: ArraySlice<String>, allowed: Set<String>) -> [String: String] {
    var out: [String: String] = [:]
    var i = args.startIndex
    while i < args.endIndex {
        let a = args[i]
        if a == "-h" || a == "--help" { print(usage); exit(0) }
        var key = a, value: String?
        if let eq = a.firstIndex(of: "="), a.hasPrefix("--") {
            key = String(a[..<eq]); value = String(a[a.index(after: eq)...])
        }
        guard key.hasPrefix("--"), allowed.contains(String(key.dropFirst(2))) else {
            fail("unknown option '\(a)'")
        }
        if value == nil {
            i += 1
            guard i < args.endIndex else { fail("option '\(key)' needs a value") }
            value = args[i]
        }
        out[String(key.dropFirst(2))] = value
        i += 1
    }
    return out
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("advocomp-bench: error: \(message)\n\n\(usage)\n".utf8))
    exit(2)
}

func intOption(_ opts: [String: String], _ key: String, default d: Int?, min lo: Int = 0) -> Int {
    guard let text = opts[key] else {
        guard let d else { fail("missing --\(key)") }
        return d
    }
    // Allow 100_000 and 100k for convenience.
    var t = text.replacingOccurrences(of: "_", with: "").lowercased()
    var mult = 1
    if t.hasSuffix("k") { mult = 1_000; t.removeLast() } else if t.hasSuffix("m") { mult = 1_000_000; t.removeLast() }
    guard let v = Int(t), v * mult >= lo else { fail("--\(key) must be an integer >= \(lo) (found '\(text)')") }
    return v * mult
}

let argv = CommandLine.arguments
guard argv.count >= 2 else { fail("missing subcommand") }
switch argv[1] {
case "generate":
    let opts = parseOptions(argv[2...], allowed: ["payees", "out", "seed", "events"])
    let n = intOption(opts, "payees", default: nil, min: 1)
    guard let out = opts["out"] else { fail("missing --out DIR") }
    let seed = UInt64(intOption(opts, "seed", default: 42))
    do {
        var generator = Generator(payees: n, seed: seed)
        generator.events = intOption(opts, "events", default: 0)
        let stats = try generator.write(to: out)
        print(stats)
    } catch {
        FileHandle.standardError.write(Data("advocomp-bench: error: \(error)\n".utf8))
        exit(1)
    }
case "numbers":
    let opts = parseOptions(argv[2...], allowed: ["iterations"])
    exit(NumbersBench.run(iterations: intOption(opts, "iterations", default: 10_000_000, min: 1)))
case "engine":
    let opts = parseOptions(argv[2...], allowed: ["dir", "repeat", "period"])
    guard let dir = opts["dir"] else { fail("missing --dir DIR") }
    let k = intOption(opts, "repeat", default: 5, min: 1)
    exit(EngineBench(dir: dir, repeats: k, period: opts["period"] ?? "2026-Q1").run())
case "ledger":
    let opts = parseOptions(argv[2...], allowed: ["dir", "repeat", "period"])
    guard let dir = opts["dir"] else { fail("missing --dir DIR") }
    let k = intOption(opts, "repeat", default: 5, min: 1)
    exit(LedgerBench(dir: dir, repeats: k, period: opts["period"] ?? "2026-Q1").run())
case "-h", "--help", "help":
    print(usage)
default:
    fail("unknown subcommand '\(argv[1])'")
}
