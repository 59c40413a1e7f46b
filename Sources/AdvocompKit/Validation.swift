import AdvocompModel
import AdvocompParser

/// A YAML file checked as what it holds (`advocomp validate`): a plan (with the OKR sets
/// it names), an OKR set on its own, or neither.
public enum CheckedFile: Sendable {
    case plan(LoadedPlan)
    /// An OKR set: its objectives (nil when it has errors) and every diagnostic.
    case okrSet(objectives: [Objective]?, diagnostics: [Diagnostic])
    /// A pilot file: the pilot (nil when it has errors) and every diagnostic.
    case pilot(Pilot?, diagnostics: [Diagnostic])
    /// Neither a plan nor an OKR set: the located error saying so.
    case neither(Diagnostic)

    public var diagnostics: [Diagnostic] {
        switch self {
        case .plan(let p): return p.diagnostics
        case .okrSet(_, let d): return d
        case .pilot(_, let d): return d
        case .neither(let d): return [d]
        }
    }
}

extension Pipeline {
    /// Checks a YAML file as what its top-level keys say it is (`YAMLDocumentKind`): a plan
    /// as `loadPlan` reads it, an OKR set as a plan naming it reads it (its structure;
    /// the KPIs it names are checked by each plan that scores them).
    public static func check(_ file: InputFile, loadFile: @escaping PlanParser.FileLoader) -> CheckedFile {
        switch YAMLDocumentKind.of(bytes: file.bytes, file: file.path) {
        case .plan:
            return .plan(loadPlan(file, loadFile: loadFile))
        case .okrSet:
            let (objectives, diagnostics) = OKRSetFile.parse(bytes: file.bytes, file: file.path)
            var all = diagnostics
            if let objectives, objectives.isEmpty {
                all.append(.warning("the OKR set has no objectives: a plan naming it can score none",
                                    at: SourceLocation(file: file.path, line: 1, column: 1)))
            }
            return .okrSet(objectives: objectives, diagnostics: sorted(all))
        case .pilot:
            let (pilot, diagnostics) = PilotParser.parse(bytes: file.bytes, file: file.path)
            return .pilot(pilot, diagnostics: sorted(diagnostics))
        case .neither(let d):
            return .neither(d)
        }
    }
}
