import AdvocompModel
import Yams

/// An OKR set file (SPEC section 2.2: a file holding only `okrs:`), read on its own
/// (`validate`) or for a plan that names it (`okrs: FILE`): one reader for both, so a
/// file gives the same located errors either way.
public enum OKRSetFile {
    /// Parses and checks the bytes of `file`: every NUL byte, invalid UTF-8 sequence and
    /// control character is an error at its place and nothing is parsed; otherwise the
    /// objectives, nil when there is any error. KPI references are not checked here: an
    /// OKR set names KPIs that the plans reading it define (each plan checks those of the
    /// objectives it scores).
    public static func parse(bytes: [UInt8], file: String) -> (objectives: [Objective]?, diagnostics: [Diagnostic]) {
        let bad = TextEncoding.problems(bytes, file: file, syntax: .yaml, what: "an OKR set")
        if !bad.isEmpty { return (nil, bad) }
        let (objectives, diagnostics) = read(text: String(decoding: bytes, as: UTF8.self), file: file)
        return (diagnostics.hasErrors ? nil : objectives, diagnostics)
    }

    /// The objectives of the OKR set in `text` (the contents of `file`), with every
    /// problem located in it.
    static func read(text: String, file: String) -> (objectives: [Objective], diagnostics: [Diagnostic]) {
        let r = YAMLReader(file: file, what: "an OKR set")
        guard let root = r.compose(text),
              let f = r.fields(root, "an OKR set file (it holds only 'okrs:')", allowed: ["okrs"]) else { return ([], r.diagnostics) }
        guard let list = f["okrs"] else {
            r.error("the OKR set has no 'okrs:' list", root)
            return ([], r.diagnostics)
        }
        let objectives = OKRReader(r: r).objectives(list)
        return (objectives, r.diagnostics)
    }
}

/// What a YAML file given to `validate` holds, told by its top-level keys (not its name):
/// a plan has `plan:` or another of a plan's keys; an OKR set holds only `okrs:`.
public enum YAMLDocumentKind: Equatable, Sendable {
    case plan
    case okrSet
    /// A pilot file (README, "Pilots"): it has `pilot:`, and of a plan's keys at most `plan:`
    /// and `title:` (which a pilot has too).
    case pilot
    /// Neither a plan nor an OKR set: the error says what it is and what was expected.
    case neither(Diagnostic)

    /// The kind of the file `file` with these bytes. A file that cannot be read as YAML
    /// (bytes that are not text, a syntax error, an empty file) counts as a plan: reading
    /// it as one reports those problems, located, as `validate` always has.
    public static func of(bytes: [UInt8], file: String) -> YAMLDocumentKind {
        guard TextEncoding.problems(bytes, file: file, syntax: .yaml, what: "a plan").isEmpty else { return .plan }
        let r = YAMLReader(file: file, what: "a plan")
        guard let root = r.compose(String(decoding: bytes, as: UTF8.self)) else { return .plan }
        return of(root, reader: r)
    }

    static let expected = "a plan has 'plan:', 'kpis:' and 'components:'; an OKR set holds only 'okrs:'"

    static func of(_ root: Node, reader r: YAMLReader) -> YAMLDocumentKind {
        guard case .mapping(let m) = root else {
            return .neither(.error("this is neither a plan nor an OKR set: it holds \(r.describe(root)), and \(expected)", at: r.location(root)))
        }
        let keys = m.compactMap { k, _ -> String? in if case .scalar(let s) = k { return s.string } else { return nil } }
        let planKeys = Set(PlanParser.topKeys).subtracting(["okrs"])
        let planKeysFound = keys.filter { planKeys.contains($0) }
        // A simulation scenario shares `kpis:` with a plan and has nothing else of one.
        if keys.contains("scenario") || keys.contains("correlation"), Set(planKeysFound).isSubset(of: ["kpis"]) {
            return .neither(.error("this is a scenario (for advocomp simulate --scenario), not a plan or an OKR set: \(expected)",
                                   at: r.location(root)))
        }
        if keys.contains("pilot"), Set(planKeysFound).isSubset(of: ["plan", "title"]) { return .pilot }
        if !planKeysFound.isEmpty { return .plan }
        if keys.contains("okrs") { return .okrSet }
        let found = keys.isEmpty ? "no keys" : "the key\(keys.count == 1 ? "" : "s") " + keys.map { "'\($0)'" }.joined(separator: ", ")
        let hint = keys.lazy.compactMap { k in Suggest.closest(k, in: ["plan", "okrs"]).map { "; did you mean '\($0)' for '\(k)'?" } }.first ?? ""
        return .neither(.error("this is neither a plan nor an OKR set: it has \(found), and \(expected)\(hint)", at: r.location(root)))
    }
}
