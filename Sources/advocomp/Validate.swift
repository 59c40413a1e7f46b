import AdvocompFiles
import AdvocompKit
import ArgumentParser

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check plan files and report every problem.",
        discussion: "Exits 0 only when every plan is valid. Warnings do not fail validation.")

    @Argument(help: "Plan files (YAML).")
    var plans: [String]

    func run() throws {
        var failed = false
        for path in plans {
            guard let file = FileIO.readOrReport(path, kind: .plan) else { failed = true; continue }
            let (plan, diagnostics) = Pipeline.loadPlan(file, loadFile: FileIO.loader)
            Output.report(diagnostics)
            if let plan {
                print(Display.text("\(path): plan \(plan.id) v\(plan.version) is valid: \(plan.kpis.count) KPIs, \(plan.components.count) components, \(plan.modifiers.count) modifiers"))
            } else {
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
