import AdvocompFiles
import AdvocompKit
import AdvocompModel
import AdvocompReports
import ArgumentParser
import Foundation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check plan files and OKR sets and report every problem.",
        discussion: """
        Each file is checked as what it holds, told by its top-level keys: a plan (with the OKR \
        sets it names), an OKR set (a file holding only okrs:), or a pilot (pilot:); anything else is an error. \
        Exits 0 only when every file is valid. Warnings do not fail validation.
        """)

    @Argument(help: "Plan files and OKR sets (YAML).")
    var files: [String]

    func run() throws {
        // Every file is checked, and every problem of every file reported at once.
        var problems: [Diagnostic] = []
        var checked: [(path: String, result: CheckedFile)] = []
        for path in files {
            // A plan and an OKR set have the same limits (InputLimits).
            do {
                let file = try FileIO.readAll([(path, .plan)])[0]
                checked.append((path, Pipeline.check(file, loadFile: FileIO.loader)))
            } catch let e as DiagnosticsError {
                problems += e.diagnostics
            }
        }
        // The plans given that read each OKR set (they check the KPIs it names).
        var readers: [String: [String]] = [:]
        for (path, result) in checked {
            guard case .plan(let loaded) = result else { continue }
            for f in loaded.files { readers[Self.sameFile(f.path), default: []].append(loaded.plan?.id ?? path) }
        }
        for (path, result) in checked {
            switch result {
            case .plan(let loaded):
                if let plan = loaded.plan, !loaded.diagnostics.hasErrors {
                    Output.report(loaded.diagnostics)
                    print(Display.text("\(path): plan \(plan.id) v\(plan.version) is valid: \(plan.kpis.count) KPIs, \(plan.components.count) components, \(plan.modifiers.count) modifiers"))
                } else {
                    problems += loaded.diagnostics
                }
            case .okrSet(let objectives, let diagnostics):
                if let objectives, !diagnostics.hasErrors {
                    Output.report(diagnostics)
                    let krs = objectives.reduce(0) { $0 + $1.keyResults.count }
                    let by = readers[Self.sameFile(path)] ?? []
                    let kpis = by.isEmpty
                        ? "no plan given names it, so the KPIs it names are not checked (a plan naming it checks those it scores)"
                        : "read by \(by.count == 1 ? "plan" : "plans") \(by.joined(separator: ", ")) (each checks the KPIs of the objectives it scores)"
                    print(Display.text("\(path): OKR set is valid: \(objectives.count) objective\(objectives.count == 1 ? "" : "s"), \(krs) key result\(krs == 1 ? "" : "s"); \(kpis)"))
                } else {
                    problems += diagnostics
                }
            case .pilot(let pilot, let diagnostics):
                if let pilot, !diagnostics.hasErrors {
                    Output.report(diagnostics)
                    let kpis = pilot.advocacy.count + pilot.satisfaction.count
                    print(Display.text("\(path): pilot \(pilot.id) is valid: candidate \(pilot.candidate) against \(pilot.plan), \(kpis) KPIs, \(pilot.before.count) periods before and \(pilot.after.count) after (advocomp pilot reads them from the run history)"))
                } else {
                    problems += diagnostics
                }
            case .neither(let d):
                problems.append(d)
            }
        }
        // An OKR set's problems are reported by it and by every plan naming it: once.
        var seen = Set<Diagnostic>()
        problems = problems.filter { seen.insert($0).inserted }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }

    /// The file a path names, so two spellings of one file compare equal.
    static func sameFile(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
