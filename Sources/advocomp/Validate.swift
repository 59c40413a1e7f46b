import AdvocompFiles
import AdvocompKit
import AdvocompModel
import AdvocompReports
import ArgumentParser

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check plan files and report every problem.",
        discussion: "Exits 0 only when every plan is valid. Warnings do not fail validation.")

    @Argument(help: "Plan files (YAML).")
    var plans: [String]

    func run() throws {
        // Every plan is checked, and every problem of every plan reported at once.
        var problems: [Diagnostic] = []
        for path in plans {
            let file: InputFile
            do { file = try FileIO.readAll([(path, .plan)])[0] } catch let e as DiagnosticsError {
                problems += e.diagnostics
                continue
            }
            let loaded = Pipeline.loadPlan(file, loadFile: FileIO.loader)
            if let plan = loaded.plan, !loaded.diagnostics.hasErrors {
                Output.report(loaded.diagnostics)
                print(Display.text("\(path): plan \(plan.id) v\(plan.version) is valid: \(plan.kpis.count) KPIs, \(plan.components.count) components, \(plan.modifiers.count) modifiers"))
            } else {
                problems += loaded.diagnostics
            }
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
    }
}
