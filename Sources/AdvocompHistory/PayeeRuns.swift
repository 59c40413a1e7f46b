import AdvocompKit
import AdvocompStore

/// A payee's runs in the history, for the web app's executive view.
public enum PayeeRuns {
    /// The run that stands for a payee: of the calculations holding the payee, the newest
    /// final or approved one; without one, the newest draft. nil when no run holds them.
    public static func standing(_ store: RunStore, payee payeeID: String) throws -> RunSummary? {
        var newestDraft: RunSummary?
        for id in try store.runs(withPayee: payeeID) {
            guard let s = try store.summary(id), s.purpose == .calculate else { continue }
            if s.state != "draft" { return s }
            if newestDraft == nil { newestDraft = s }
        }
        return newestDraft
    }

    /// The stored run's inputs as a calculation request, with a loader for its OKR sets.
    public static func request(_ store: RunStore, _ run: RunSummary) throws -> (CalculationRequest, PlanParser.FileLoader) {
        let files = try store.files(run.id)
        guard let plan = StoredInputs.input(.plan, in: files), let roster = StoredInputs.input(.roster, in: files),
              let actuals = StoredInputs.input(.actuals, in: files) else {
            throw StoreError("run \(run.id) is missing stored input files")
        }
        let request = CalculationRequest(plan: plan, roster: roster, actuals: actuals, period: run.period.description,
                                         events: StoredInputs.input(.events, in: files))
        return (request, StoredInputs.loader(files, owner: "run \(run.id)"))
    }

    /// The run calculated again from its stored inputs for previews. A run this advocomp
    /// no longer calculates as recorded is refused (its figures would not be the run's).
    public static func preview(_ store: RunStore, _ run: RunSummary) throws -> PayeePreview {
        let (request, loader) = try request(store, run)
        let (preview, diagnostics) = PayeePreview.make(request, loadFile: loader)
        guard let preview else {
            throw StoreError("run \(run.id) cannot be calculated again: " + diagnostics.map(\.description).joined(separator: "; "))
        }
        let stored = try store.payees(run.id, json: false)
        for s in stored {
            guard let p = preview.base.payees.first(where: { $0.payee.id == s.payeeID }), p.payout == s.payout else {
                throw StoreError("run \(run.id) no longer calculates as recorded (payee \(s.payeeID)): advocomp replay \(run.id) says more")
            }
        }
        return preview
    }
}

extension PayeeRuns {
    /// Serves the OKR sets stored with a run to a draft plan pasted elsewhere: by the path
    /// the run stored, else by file name (the draft has no directory of its own).
    public static func draftLoader(_ store: RunStore, _ run: RunSummary) throws -> PlanParser.FileLoader {
        let files = try store.files(run.id)
        let exact = StoredInputs.loader(files, owner: "run \(run.id)")
        let okr = files.filter { $0.role == .okr }
        return { path in
            if case .success(let text) = exact(path) { return .success(text) }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            guard let f = okr.first(where: { ($0.path.split(separator: "/").last.map(String.init) ?? $0.path) == name }) else {
                return .failure(PlanParser.FileLoadError("not stored with run \(run.id) (\(path))"))
            }
            return PlanParser.okrSetText(f.content, path: path)
        }
    }
}
