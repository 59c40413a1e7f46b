import Foundation
import XCTest
import AdvocompKit

/// The machinery of `FuzzTests`: a seeded generator, a byte mutator, the seed corpus and
/// the targets (each input reader, and the whole calculation), with the property every
/// input must have: it parses, or it ends in diagnostics that are located inside the
/// files (or are unlocated by design), never in a crash, a hang or unbounded memory.
public enum Fuzzing {
    // MARK: Generator

    /// SplitMix64: small, fast, and the same sequence on every platform.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    // MARK: Targets

    public enum Target: String, CaseIterable {
        case plan, okr, scenario, expression, roster, actuals, events, pipeline

        /// The name of the input file in a recorded case (`pipeline` records a whole case).
        var fileName: String {
            switch self {
            case .plan, .okr, .scenario: return "\(rawValue).yaml"
            case .expression: return "expression.txt"
            case .roster, .actuals, .events: return "\(rawValue).csv"
            case .pipeline: return "case.yaml"
            }
        }

        /// Share of the cases (out of 100).
        var weight: Int {
            switch self {
            case .plan: return 22
            case .okr: return 8
            case .scenario: return 8
            case .expression: return 14
            case .roster, .actuals: return 12
            case .events: return 10
            case .pipeline: return 14
            }
        }
    }

    /// One generated input: the file under test and, for `pipeline`, the case around it.
    public struct Case {
        public var target: Target
        /// File name -> bytes; the first is the file under test (for `pipeline`, every file of the case).
        public var files: [(name: String, bytes: [UInt8])]
        /// For `pipeline`: case.yaml's keys.
        public var settings: [String: String] = [:]
    }

    // MARK: Corpus

    /// The seeds: the sample plans and CSV files and every conformance fixture.
    public struct Corpus {
        var plans: [(name: String, bytes: [UInt8])] = []
        var okrSets: [String: [UInt8]] = [:]  // by file name
        var scenarios: [[UInt8]] = []
        var expressions: [[UInt8]] = []
        var csv: [Target: [[UInt8]]] = [:]
        var cases: [(name: String, settings: [String: String], files: [(name: String, bytes: [UInt8])])] = []
        /// Every seed, for splicing chunks of one into another.
        var all: [[UInt8]] = []

        static let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        public static func load() throws -> Corpus {
            var c = Corpus()
            let fm = FileManager.default
            func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }
            let plansDir = repoRoot.appendingPathComponent("plans")
            for name in try fm.contentsOfDirectory(atPath: plansDir.path).sorted() where name.hasSuffix(".yaml") {
                let b = try bytes(plansDir.appendingPathComponent(name))
                if String(decoding: b, as: UTF8.self).contains("\nkpis:") { c.plans.append(("plans/" + name, b)) } else { c.okrSets[name] = b }
            }
            let samples = repoRoot.appendingPathComponent("samples")
            c.csv[.roster, default: []].append(try bytes(samples.appendingPathComponent("roster.csv")))
            c.csv[.actuals, default: []].append(try bytes(samples.appendingPathComponent("actuals-2026.csv")))
            // The first 150 lines of the sample ledger: every kind of row, and quick to read.
            let ledger = try bytes(samples.appendingPathComponent("events-2026.csv"))
            var cut = 0, lines = 0
            while cut < ledger.count && lines < 150 { if ledger[cut] == 10 { lines += 1 }; cut += 1 }
            c.csv[.events, default: []].append(Array(ledger[..<cut]))
            for dir in try Conformance.caseFolders() {
                let settings = try Conformance.readCase(dir)
                var files: [(String, [UInt8])] = []
                for name in try fm.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".csv") {
                    guard name != "case.yaml", name != "expected.csv" else { continue }
                    let b = try bytes(dir.appendingPathComponent(name))
                    files.append((name, b))
                    if name == settings["plan"] { c.plans.append(("\(dir.lastPathComponent)/\(name)", b)) }
                    else if name.hasSuffix(".yaml") { c.okrSets[name] = c.okrSets[name] ?? b; c.scenarios.append(b) }
                    else if name == settings["roster"] { c.csv[.roster, default: []].append(b) }
                    else if name == settings["actuals"] { c.csv[.actuals, default: []].append(b) }
                    else if name == settings["events"] { c.csv[.events, default: []].append(b) }
                }
                c.cases.append((dir.lastPathComponent, settings, files))
            }
            c.scenarios += scenarioSeeds.map { Array($0.utf8) }
            // Every expression of the plans, and a few more.
            for (_, b) in c.plans {
                for line in String(decoding: b, as: UTF8.self).split(separator: "\n") {
                    for key in ["when: ", "formula: "] {
                        guard let r = line.range(of: key) else { continue }
                        var e = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                        if let hash = e.range(of: " #") { e = String(e[..<hash.lowerBound]) }
                        if e.count >= 2, e.first == "\"" || e.first == "'" { e = String(e.dropFirst().dropLast()) }
                        if !e.isEmpty { c.expressions.append(Array(e.utf8)) }
                    }
                }
            }
            c.expressions += expressionSeeds.map { Array($0.utf8) }
            // In a fixed order (not a dictionary's, which changes from run to run): the
            // same seed must give the same cases in every process.
            c.all = c.plans.map(\.bytes) + c.okrSets.sorted { $0.key < $1.key }.map(\.value) + c.scenarios + c.expressions
                + Target.allCases.flatMap { c.csv[$0] ?? [] }
            return c
        }

        static let scenarioSeeds = [
            """
            scenario: base-case
            kpis:
              nrr: { distribution: normal, mean: 105%, sd: 3% }
              review_velocity:
                distribution: triangular
                min: 20
                mode: 40
                max: 60
                units:
                  smb: { distribution: uniform, min: 40, max: 80 }
              cac_payback: { distribution: lognormal, mean: 14, sd: 2 }
              reference_fill_rate: { distribution: fixed, value: 90% }
            correlation:
              - { kpis: [nrr, review_velocity], rho: 0.5 }
              - { kpis: [nrr, cac_payback], rho: -0.3 }
            """,
        ]

        static let expressionSeeds = [
            "if(nrr >= 110%, 1.2, 1)", "attainment(review_velocity) >= 100% and not (nrr < 95%)",
            "round(min(1.5, max(0, (a - b) / 2)), 2)", "clamp(-x * 3 + 4 / 5, 0, 1) != abs(target(nrr))",
            "5% * referral_pipeline", "win_rate_advocate - win_rate_other",
        ]

        /// Ids of some payees of a case's roster (for explain).
        static func payeeIDs(_ roster: [UInt8]) -> [String] {
            String(decoding: roster, as: UTF8.self).split(separator: "\n").dropFirst().prefix(2)
                .compactMap { $0.split(separator: ",").first.map(String.init) }
        }
    }

    // MARK: Mutations

    static let interestingBytes: [UInt8] = [0, 0xFF, 0xC3, 0x85, 0x1B, 0x07, 0x7F, 9, 10, 13, 34, 39, 44, 58, 91, 93, 123, 125,
                                            38, 42, 35, 37, 45, 32, 40, 41, 33, 124, 62, 63, 92, 0xEF]
    static let extremeNumbers = ["1e40", "-0", "999999999999999999999", "0", "-1", "0.0000000000000000000000001", "1e-40",
                                 "170141183460469231731687303715884105727", "-170141183460469231731687303715884105728",
                                 "99999999999999999999999999999999999999999%", "NaN", "inf", "-.inf", "1,000", "0x10",
                                 String(repeating: "9", count: 60), "-99999999999999999.999999999999999999", "18446744073709551616",
                                 "2147483648", "-0.0", ".5", "5.", "1_000", "100000000000%", "0%", "-100%", "1e6", "00001",
                                 "9999-12-31", "0000-01-01", "2026-02-30", "99999-Q1", "2026-Q9", "-2026-Q1"]
    static let yamlBits = [": ", "- ", "? ", "&a ", "*a", "&b [*a, *a, *a, *a, *a, *a, *a, *a]", "<<: *a", "!!str ", "!!int ", "{}", "[]",
                           "~", "null", "'", "\"", "\"\\u0000\"", "\"\\e[2J\"", "|\n", ">-\n", "---\n", "...\n", "%YAML 1.1\n",
                           "#", "\t", "plan: ", "kpis:\n  ", "formula: ", "when: ", "curve: ", "okrs: ", "weight: ", "target: ",
                           "distribution: ", "units: ", "rho: ", "{a: 1, a: 2}"]
    static let csvBits = [",", "\"", "\"\"", "\r\n", "\r", "\n", ",,,,", "company", "unit:", "payee:", "unit:smb", "2026-Q1", "2026-FY",
                          "yes", "no", "true", "system", "self_reported", "escalation", "escalation_resolved", "review", "E1101",
                          "=HYPERLINK(\"x\")", "\u{1B}[2J", "\u{9B}", " ", "\t"]

    /// One to five mutations of `seed`, at most `maxSize` bytes.
    static func mutate(_ seed: [UInt8], _ g: inout Generator, corpus: Corpus, maxSize: Int = 1 << 20) -> [UInt8] {
        var b = seed
        let count = 1 + (g.chance(50) ? 0 : g.chance(50) ? 1 : 2 + g.below(3))
        for _ in 0..<count {
            mutateOnce(&b, &g, corpus)
            if b.count > maxSize { b.removeLast(b.count - maxSize) }
        }
        return b
    }

    static func mutateOnce(_ b: inout [UInt8], _ g: inout Generator, _ corpus: Corpus) {
        func at() -> Int { g.below(b.count + 1) }
        func insert(_ x: [UInt8]) { b.insert(contentsOf: x, at: at()) }
        func chunk(_ of: [UInt8]) -> [UInt8] {
            guard !of.isEmpty else { return [] }
            let s = g.below(of.count), n = 1 + g.below(min(256, of.count - s))
            return Array(of[s..<s + n])
        }
        switch g.below(24) {
        case 0 where !b.isEmpty:  // flip a bit
            b[g.below(b.count)] ^= 1 << UInt8(g.below(8))
        case 1:  // insert an interesting byte
            insert([g.pick(interestingBytes)])
        case 2 where !b.isEmpty:  // delete a range
            let s = g.below(b.count)
            b.removeSubrange(s..<min(b.count, s + 1 + g.below(16)))
        case 3 where !b.isEmpty:  // duplicate a chunk, or a whole line
            if g.chance(50), let line = randomLine(b, &g) { b.insert(contentsOf: b[line], at: line.lowerBound) } else { insert(chunk(b)) }
        case 4:  // splice a chunk of another seed
            let other = chunk(g.pick(corpus.all))
            if g.chance(50) || b.isEmpty { insert(other) } else {
                let s = g.below(b.count)
                b.replaceSubrange(s..<min(b.count, s + other.count), with: other)
            }
        case 5, 6:  // a number becomes an extreme one
            replaceNumber(&b, &g)
        case 7:  // anchors and aliases, up to a billion laughs
            if g.chance(70) { insert(Array(g.pick(yamlBits.filter { $0.contains("&") || $0.contains("*") }).utf8)) } else {
                var laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
                for i in 1...(1 + g.below(10)) { laughs += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
                b = Array(laughs.utf8) + b + Array("\nk: {? *l1 : 1}\n".utf8)
            }
        case 8:  // deep nesting
            let open = g.pick(["[", "{a: ", "- ", "(", "not ", "-", "min(", "? "])
            let depth = g.chance(90) ? 1 + g.below(150) : g.chance(70) ? 1 + g.below(3000) : 1 + g.below(100_000)
            insert(Array(String(repeating: open, count: depth).utf8))
        case 9:  // a long line
            let unit = g.pick(["x", "9", "a,", " ", "\"", "é"])
            insert(Array(String(repeating: unit, count: g.chance(90) ? 100 + g.below(4000) : 1000 + g.below(100_000)).utf8))
        case 10:  // NULs and control characters
            insert(g.pick([[0], [0, 0, 0], [0x1B, 0x5B, 0x32, 0x4A], [7], [0xC2, 0x9B], [0x7F], [0xC2, 0x85], [0xE2, 0x80, 0xA8], [13]]))
        case 11:  // quotes
            insert(Array(g.pick(["\"", "'", "\"\"", "\\\"", "\"\n\"", "'''"]).utf8))
        case 12:  // line ends
            let lf = b.indices.filter { b[$0] == 10 }
            if let i = lf.isEmpty ? nil : g.pick(lf) { if g.chance(50) { b.insert(13, at: i) } else { b[i] = 13 } }
        case 13:  // a byte-order mark
            b = [0xEF, 0xBB, 0xBF] + b
        case 14:  // invalid UTF-8
            insert(g.pick([[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0x80], [0xFE, 0xFF]]))
        case 15 where !b.isEmpty:  // truncate
            b.removeSubrange(g.below(b.count)...)
        case 16:  // a YAML or CSV fragment
            insert(Array(g.pick(g.chance(50) ? yamlBits : csvBits).utf8))
        case 18, 19:  // a CSV cell becomes another value (the file keeps its shape)
            replaceCell(&b, &g)
        case 20, 21:  // a YAML value becomes another value
            replaceYAMLValue(&b, &g)
        case 22:  // a word of the file replaces another (new references, duplicates, cycles)
            let words = wordRanges(b)
            if words.count >= 2 {
                let from = g.pick(words), to = g.pick(words)
                b.replaceSubrange(to, with: Array(b[from]))
            }
        default:  // swap two lines
            if let x = randomLine(b, &g), let y = randomLine(b, &g), x.upperBound <= y.lowerBound {
                let lx = Array(b[x]), ly = Array(b[y])
                b.replaceSubrange(y, with: lx)
                b.replaceSubrange(x, with: ly)
            }
        }
    }

    /// A random line of `b`, with its line end.
    static func randomLine(_ b: [UInt8], _ g: inout Generator) -> Range<Int>? {
        guard !b.isEmpty else { return nil }
        var s = g.below(b.count)
        while s > 0 && b[s - 1] != 10 { s -= 1 }
        var e = s
        while e < b.count && b[e] != 10 { e += 1 }
        return s..<min(b.count, e + 1)
    }

    static let cellValues = ["", " ", "0", "-1", "-0", "1e40", "999999999999999999999", "99999999999999999999", "0.000000000000000001",
                             "100%", "1000000%", "9999-12-31", "0001-01-01", "10000-01-01", "2026-02-29", "2028-02-29", "2026-13-01",
                             "2026-Q1", "2026-H2", "2026-FY", "9999-Q4", "0001-Q1", "company", "unit:", "unit:smb", "payee:", "payee:E001",
                             "USD", "JPY", "BHD", "XXX", "yes", "no", "system", "self_reported", "escalation", "escalation_resolved",
                             "\"a,b\"", "\"\"", "=1+1", "\u{1B}[2J", "\u{9B}31m"]
    static let yamlValues = ["0", "-1", "1e40", "999999999999999999999", "99999999999999999999", "0.000000000000000001", "100%", "-100%",
                             "0%", "[]", "{}", "~", "\"\"", "[[0, 0], [0, 0]]", "[[100%, 1], [50%, 2]]", "[[1, 1]]", "nrr / 0",
                             "1 / (nrr - nrr)", "round(nrr, 18)", "round(nrr, 99)", "round(nrr, -1)", "attainment(nrr)", "target(x)",
                             "if(true, 1, false)", "not 1", "min()", "clamp(1, 2)", "abs(-0)", "extend", "cap", "step", "lower",
                             "payee", "unit", "zero", "carry", "clawback", "forgive", "year", "half", "quarter", "half-up",
                             "\"\\u0000\"", "\"\\e[2J\"", "*a", "&a 1", "!!binary aGVsbG8=", "2026-01-01", "true"]

    /// Replaces one field of a random line with a value from `cellValues`.
    static func replaceCell(_ b: inout [UInt8], _ g: inout Generator) {
        guard let line = randomLine(b, &g) else { return }
        var starts = [line.lowerBound]
        for i in line where b[i] == 44 { starts.append(i + 1) }
        let s = g.pick(starts)
        var e = s
        while e < line.upperBound && b[e] != 44 && b[e] != 10 && b[e] != 13 { e += 1 }
        b.replaceSubrange(s..<e, with: Array(g.pick(cellValues).utf8))
    }

    /// Replaces what follows a random ": " up to the end of its line, ',' or '}' with a
    /// value from `yamlValues` or a word of the file.
    static func replaceYAMLValue(_ b: inout [UInt8], _ g: inout Generator) {
        let colons = b.indices.dropLast().filter { b[$0] == 58 && b[$0 + 1] == 32 }
        guard !colons.isEmpty else { return }
        let s = g.pick(colons) + 2
        var e = s
        while e < b.count && b[e] != 10 && b[e] != 44 && b[e] != 125 && b[e] != 93 { e += 1 }
        let words = wordRanges(b)
        let value = g.chance(70) || words.isEmpty ? Array(g.pick(yamlValues).utf8) : Array(b[g.pick(words)])
        b.replaceSubrange(s..<e, with: value)
    }

    /// The identifier-like words of `b` (letters, digits, '_' and '-', starting with a letter).
    static func wordRanges(_ b: [UInt8]) -> [Range<Int>] {
        func isWord(_ x: UInt8) -> Bool { (x >= 97 && x <= 122) || (x >= 65 && x <= 90) || (x >= 48 && x <= 57) || x == 95 || x == 45 }
        var out: [Range<Int>] = []
        var i = 0
        while i < b.count {
            if (b[i] >= 97 && b[i] <= 122) || (b[i] >= 65 && b[i] <= 90) {
                let s = i
                while i < b.count && isWord(b[i]) { i += 1 }
                out.append(s..<i)
            } else {
                i += 1
            }
        }
        return out
    }

    static func replaceNumber(_ b: inout [UInt8], _ g: inout Generator) {
        func isNumberByte(_ x: UInt8) -> Bool { (x >= 48 && x <= 57) || x == 46 || x == 37 || x == 45 }
        let digits = b.indices.filter { b[$0] >= 48 && b[$0] <= 57 }
        guard !digits.isEmpty else { b.append(contentsOf: Array(g.pick(extremeNumbers).utf8)); return }
        var s = g.pick(digits), e = s
        while s > 0 && isNumberByte(b[s - 1]) { s -= 1 }
        while e < b.count && isNumberByte(b[e]) { e += 1 }
        b.replaceSubrange(s..<e, with: Array(g.pick(extremeNumbers).utf8))
    }

    // MARK: Cases

    /// Case `index` of the pass seeded `seed`: the same on every run, whatever ran before.
    public static func makeCase(seed: UInt64, index: Int, corpus: Corpus, targets: [Target]) -> Case {
        var g = Generator(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        var roll = g.below(targets.map(\.weight).reduce(0, +))
        var target = targets[0]
        for t in targets { if roll < t.weight { target = t; break }; roll -= t.weight }
        switch target {
        case .plan:
            let (name, seedBytes) = g.pick(corpus.plans)
            return Case(target: target, files: [(name, mutate(seedBytes, &g, corpus: corpus))])
        case .okr:
            let (name, seedBytes) = g.pick(corpus.okrSets.sorted { $0.key < $1.key })
            return Case(target: target, files: [("plans/" + name, mutate(seedBytes, &g, corpus: corpus))])
        case .scenario:
            return Case(target: target, files: [("scenario.yaml", mutate(g.pick(corpus.scenarios), &g, corpus: corpus))])
        case .expression:
            return Case(target: target, files: [("expression", mutate(g.pick(corpus.expressions), &g, corpus: corpus, maxSize: 1 << 16))])
        case .roster, .actuals, .events:
            return Case(target: target, files: [(target.fileName, mutate(g.pick(corpus.csv[target] ?? [[]]), &g, corpus: corpus))])
        case .pipeline:
            let (_, settings, files) = g.pick(corpus.cases)
            var out = files
            let k = g.below(out.count)
            out[k].bytes = mutate(out[k].bytes, &g, corpus: corpus)
            out.swapAt(0, k)
            return Case(target: target, files: out, settings: settings)
        }
    }

    // MARK: Running one case

    /// What one case did.
    public struct Outcome {
        public var diagnostics: [Diagnostic] = []
        /// Whether the reader said the input is usable (a plan, a scenario, a result).
        public var parsed = false
        /// Problems with the outcome itself (not with the input): each fails the test.
        public var failures: [String] = []
    }

    /// The plan that the `okr` target's OKR sets are read for.
    static let okrPlanName = "plans/cro-reference-program.yaml"

    public static func run(_ c: Case, corpus: Corpus) -> Outcome {
        var o = Outcome()
        let input = c.files[0]
        // The files diagnostics may name: the case's, and the OKR sets a plan loaded.
        var known = c.files
        switch c.target {
        case .plan:
            let (plan, d) = PlanParser.parse(bytes: input.bytes, file: input.name) { path in
                let name = URL(fileURLWithPath: path).lastPathComponent
                guard let b = corpus.okrSets[name] else { return .failure(PlanParser.FileLoadError("no such file (\(path))")) }
                known.append((path, b))
                return PlanParser.okrSetText(b, path: path)
            }
            (o.diagnostics, o.parsed) = (d, plan != nil)
        case .okr:
            let planBytes = corpus.plans.first { $0.name == okrPlanName }?.bytes ?? []
            known.append((okrPlanName, planBytes))
            let (plan, d) = PlanParser.parse(bytes: planBytes, file: okrPlanName) { path in
                path == input.name ? PlanParser.okrSetText(input.bytes, path: path) : .failure(PlanParser.FileLoadError("no such file (\(path))"))
            }
            (o.diagnostics, o.parsed) = (d, plan != nil)
        case .scenario:
            let (s, d) = ScenarioParser.parse(bytes: input.bytes, file: input.name)
            (o.diagnostics, o.parsed) = (d, s != nil)
        case .expression:
            let text = String(decoding: input.bytes, as: UTF8.self)
            switch ExpressionParser.parse(text) {
            case .success(let e):
                o.parsed = true
                var checker = ExpressionChecker(kpis: ["nrr": true, "review_velocity": true, "referral_pipeline": false, "a": true, "b": false, "x": true])
                checker.check(e, expecting: .number)
                checker.check(e, expecting: .boolean)
            case .failure(let e):
                if e.offset < 0 || e.offset > text.unicodeScalars.count {
                    o.failures.append("syntax error offset \(e.offset) is outside the expression (\(text.unicodeScalars.count) characters)")
                }
            }
        case .roster:
            _ = RosterReader.read(file: input.name, bytes: input.bytes, diagnostics: &o.diagnostics)
            o.parsed = !o.diagnostics.hasErrors
        case .actuals:
            _ = ActualsReader.read(file: input.name, bytes: input.bytes, diagnostics: &o.diagnostics)
            o.parsed = !o.diagnostics.hasErrors
        case .events:
            _ = EventsReader.read(file: input.name, bytes: input.bytes, diagnostics: &o.diagnostics)
            o.parsed = !o.diagnostics.hasErrors
        case .pipeline:
            runPipeline(c, &o)
        }
        o.failures += check(o, files: known, target: c.target)
        return o
    }

    static func runPipeline(_ c: Case, _ o: inout Outcome) {
        let byName = Dictionary(c.files.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        let s = c.settings
        func file(_ key: String) -> InputFile? { s[key].flatMap { n in byName[n].map { InputFile(path: n, bytes: $0) } } }
        guard let plan = file("plan"), let roster = file("roster"), let actuals = file("actuals"), let period = s["period"] else {
            o.failures.append("the case lacks a plan, roster, actuals or period")
            return
        }
        let explain = Set(Corpus.payeeIDs(roster.bytes))
        let request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: period, explain: explain, events: file("events"))
        let outcome = Pipeline.calculate(request) { path in
            guard let b = byName[path] else { return .failure(PlanParser.FileLoadError("no such file (\(path))")) }
            return PlanParser.okrSetText(b, path: path)
        }
        o.diagnostics = outcome.diagnostics
        guard let result = outcome.result else { return }
        o.parsed = true
        // Every report of the result; the terminal ones must hold no control character but line ends.
        var terminal = [TableReport.render(result)]
        for p in result.payees where explain.contains(p.payee.id) {
            terminal += [ExplainReport.render(result, payee: p), ExplainReport.render(result, payee: p, exact: true)]
        }
        _ = CSVReport.render(result)
        _ = JSONReport.render(result)
        for text in terminal {
            if let bad = text.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\n") || ($0.value >= 0x7F && $0.value <= 0x9F) }) {
                o.failures.append("terminal output holds the control character U+\(String(bad.value, radix: 16, uppercase: true))")
            }
        }
    }

    /// Diagnostics without a file position by design: about the command line or the run
    /// as a whole, not about a place in a file.
    static let unlocatedByDesign = ["--period '"]

    /// The properties every outcome must have.
    static func check(_ o: Outcome, files: [(name: String, bytes: [UInt8])], target: Target) -> [String] {
        var failures: [String] = []
        if !o.parsed && !o.diagnostics.hasErrors && target != .expression {
            failures.append("the input was refused without an error")
        }
        if o.parsed && o.diagnostics.hasErrors && target != .roster && target != .actuals && target != .events {
            failures.append("a result despite errors")
        }
        // At most this many lines in each file: a line ends in LF, CR, or in YAML also
        // U+0085, U+2028 or U+2029 (whose last UTF-8 bytes are 0x85, 0xA8, 0xA9).
        var maxLines: [String: Int] = [:]
        for f in files { maxLines[f.name] = 1 + f.bytes.reduce(0) { $0 + ([10, 13, 0x85, 0xA8, 0xA9].contains($1) ? 1 : 0) } }
        func checkLocation(_ l: SourceLocation, _ what: String) {
            guard let lines = maxLines[l.file] else { failures.append("\(what) names a file that is not an input: \(l)"); return }
            if l.line < 1 || l.line > lines { failures.append("\(what) is outside its file (at most \(lines) lines): \(l)") }
            if l.column < 0 { failures.append("\(what) has a negative column: \(l)") }
        }
        for d in o.diagnostics {
            if let l = d.location {
                checkLocation(l, "'\(d.message.prefix(120))'")
            } else if !unlocatedByDesign.contains(where: { d.message.hasPrefix($0) }) {
                failures.append("unlocated diagnostic: \(d.severity.rawValue): \(d.message.prefix(200))")
            }
            for n in d.notes { if let l = n.location { checkLocation(l, "a note of '\(d.message.prefix(80))'") } }
        }
        return failures
    }

    // MARK: Recording the case being run

    /// A case as one file: a first line saying what it is, then each input file as a line
    /// `--- NAME BYTES` followed by exactly that many bytes and a line end. For the
    /// calculation (`pipeline`) the files are a conformance-style case: `case.yaml` and
    /// the files it names.
    ///
    ///     advocomp fuzz case: plan (case 12 of seed 20261130)
    ///     --- plan.yaml 2742
    ///     ...the 2742 bytes...
    public enum CaseFile {
        public static func encode(_ c: Case, label: String) -> [UInt8] {
            var files = c.files
            if c.target == .pipeline {
                files.append(("case.yaml", Array(c.settings.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\n" }.joined().utf8)))
            } else {
                files = [(c.target.fileName, c.files[0].bytes)]
            }
            var out = Array("advocomp fuzz case: \(c.target.rawValue) (\(label))\n".utf8)
            for f in files {
                out += Array("--- \(f.name) \(f.bytes.count)\n".utf8) + f.bytes + [10]
            }
            return out
        }

        public static func decode(_ b: [UInt8], name: String) throws -> Case {
            func fail(_ why: String) -> Error { Conformance.CaseError("\(name): \(why)") }
            var i = 0
            func line() -> String? {
                guard i < b.count, let e = b[i...].firstIndex(of: 10) else { return nil }
                defer { i = e + 1 }
                return String(decoding: b[i..<e], as: UTF8.self)
            }
            guard let head = line(), head.hasPrefix("advocomp fuzz case: "),
                  let target = Target(rawValue: String(head.dropFirst(20).prefix { $0 != " " })) else {
                throw fail("the first line is not 'advocomp fuzz case: TARGET ...'")
            }
            var files: [(name: String, bytes: [UInt8])] = []
            while let l = line() {
                let parts = l.split(separator: " ")
                guard parts.count == 3, parts[0] == "---", let n = Int(parts[2]), n >= 0, i + n < b.count + 1 else {
                    throw fail("expected '--- NAME BYTES', found '\(l.prefix(80))'")
                }
                files.append((String(parts[1]), Array(b[i..<i + n])))
                i += n + 1
            }
            guard !files.isEmpty else { throw fail("no files") }
            if target != .pipeline {
                let name = target == .okr ? "plans/okrs-fy2026.yaml" : target == .plan ? "plans/plan.yaml" : target.fileName
                return Case(target: target, files: [(name, files[0].bytes)])
            }
            var settings: [String: String] = [:]
            for raw in String(decoding: files.first { $0.name == "case.yaml" }?.bytes ?? [], as: UTF8.self).split(separator: "\n") {
                let kv = raw.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if kv.count == 2 { settings[kv[0]] = kv[1] }
            }
            files.removeAll { $0.name == "case.yaml" }
            if let k = files.firstIndex(where: { $0.name == settings["plan"] }) { files.swapAt(0, k) }
            return Case(target: .pipeline, files: files, settings: settings)
        }
    }

    /// Keeps the case being run in one file (`CaseFile`), rewritten in place for each
    /// case, so a case that crashes the process leaves its input behind.
    public final class Recorder {
        public let path: String
        private let fd: Int32

        public init(path: String) throws {
            self.path = path
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw Conformance.CaseError("cannot write \(path): \(String(cString: strerror(errno)))") }
        }

        deinit { close(fd) }

        public func record(_ c: Case, label: String) {
            let bytes = CaseFile.encode(c, label: label)
            bytes.withUnsafeBytes { b in
                var done = 0
                while done < b.count {
                    let n = pwrite(fd, b.baseAddress! + done, b.count - done, off_t(done))
                    if n <= 0 { break }
                    done += n
                }
            }
            ftruncate(fd, off_t(bytes.count))
        }
    }

    /// Ends the process, naming the case and where its input is, when one case runs
    /// longer than `limit` seconds: a hang fails the run instead of blocking it.
    public final class Watchdog: @unchecked Sendable {
        private let lock = NSLock()
        private var started: Date?
        private var label = ""
        private var stopped = false
        public let limit: TimeInterval
        public let record: String

        public init(limit: TimeInterval, record: String) {
            self.limit = limit
            self.record = record
            let thread = Thread { [weak self] in
                while let self, !self.isStopped {
                    self.bark()
                    Thread.sleep(forTimeInterval: 0.1)
                }
            }
            thread.start()
        }

        private var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }

        public func begin(_ label: String) { lock.lock(); started = Date(); self.label = label; lock.unlock() }
        public func end() { lock.lock(); started = nil; lock.unlock() }
        public func stop() { lock.lock(); stopped = true; lock.unlock() }

        private func bark() {
            lock.lock()
            let late = started.map { Date().timeIntervalSince($0) > limit } ?? false
            let label = self.label
            lock.unlock()
            guard late else { return }
            FileHandle.standardError.write(Data("fuzz: \(label) has run for more than \(limit) s: a hang. Its input is in \(record)\n".utf8))
            abort()
        }
    }
}
