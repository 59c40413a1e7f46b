import AdvocompModel
import Yams

/// Walks Yams `Node`s of one file, keeping every node's mark so each problem is
/// reported at its `FILE:LINE:COLUMN`. Problems accumulate; nothing stops at the first.
final class YAMLReader {
    let file: String
    /// What the file is, for messages: "a plan", "an OKR set", "a scenario".
    let what: String
    var diagnostics: [Diagnostic] = []

    init(file: String, what: String) {
        self.file = file
        self.what = what
    }

    func location(_ node: Node) -> SourceLocation {
        let m = node.mark
        return SourceLocation(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
    }

    func error(_ message: String, _ node: Node, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(message, at: location(node), notes: notes))
    }

    func error(_ message: String, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        diagnostics.append(.error(message, at: location, notes: notes))
    }

    func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(message, at: location))
    }

    /// Composes the document; a YAML syntax error becomes a located diagnostic. A
    /// byte-order mark at the start is dropped (lines and columns are those of the rest);
    /// a character YAML forbids (NUL, a control character) is reported where it is, every
    /// one of them (`TextEncoding`); a file nesting too deep or whose aliases expand too
    /// far is one located error (`YAMLLimits`); none of these is composed.
    func compose(_ source: String) -> Node? {
        var text = source
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        let bad = text.withUTF8 { TextEncoding.problems($0, file: file, syntax: .yaml, what: what) }
        if !bad.isEmpty {
            diagnostics += bad
            return nil
        }
        if let tooBig = YAMLLimits.check(&text, file: file, what: what) {
            diagnostics.append(tooBig)
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                error("the file is empty", at: SourceLocation(file: file, line: 1, column: 1))
                return nil
            }
            return node
        } catch let e as YamlError {
            switch e {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
                 let .composer(context, problem, mark, _):
                let end = endOfText(text)
                var msg = "YAML syntax: \(problem)"
                if let c = context { msg += " (\(c.text) at line \(min(c.mark.line, end.line)))" }
                // libyaml ends a file that has no final line break on a line of its own:
                // that is the end of the last line.
                let at = mark.line > end.line ? end : SourceLocation(file: file, line: mark.line, column: mark.column)
                error(msg, at: at)
            case let .duplicatedKeysInMapping(duplicates, context):
                let keys = Array(Set(duplicates)).sorted().map { "'\($0)'" }.joined(separator: ", ")
                error("duplicate key \(keys) in one mapping",
                      at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column))
            case let .reader(problem, offset, _, _):
                // Not reached: TextEncoding reports every character the reader refuses.
                error("cannot read the file as YAML: \(problem)", at: location(ofCharacter: offset ?? 0, in: text))
            default:
                error("cannot read the file as YAML: \(e)", at: SourceLocation(file: file, line: 1, column: 1))
            }
            return nil
        } catch {
            self.error("cannot read the file as YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
    }

    /// Just past the last character of `text`.
    func endOfText(_ text: String) -> SourceLocation { location(ofCharacter: Int.max, in: text) }

    /// The line and column (in characters, as libyaml counts them) of the `offset`-th
    /// character of `text`.
    func location(ofCharacter offset: Int, in text: String) -> SourceLocation {
        var line = 1, column = 1, previous: Unicode.Scalar = " "
        for (i, c) in text.unicodeScalars.enumerated() where i < offset {
            if c == "\n" && previous == "\r" {
                // the second half of CRLF
            } else if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(c) {
                line += 1
                column = 1
            } else {
                column += 1
            }
            previous = c
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// A mapping checked against its allowed keys (unknown keys get a did-you-mean).
    func fields(_ node: Node, _ what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let m) = node else {
            error("\(what) must be a mapping (key: value lines), found \(describe(node))", node)
            return nil
        }
        var f = Fields(node: node)
        var misspelt: [(key: String, keyNode: Node, value: Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else { error("keys must be plain names", k); continue }
            let key = s.string
            if !allowed.contains(key) {
                error("unknown key '\(key)' in \(what)" + Suggest.didYouMean(key, in: allowed)
                      + " (allowed: \(allowed.joined(separator: ", ")))", k)
                if let meant = Suggest.closest(key, in: allowed) { misspelt.append((meant, k, v)) }
                continue
            }
            f.pairs.append((key, k, v))
        }
        // The file already has an error; read a misspelt key as the one it resembles so
        // its value is still checked and its absence is not reported a second time.
        for m in misspelt where !f.has(m.key) { f.pairs.append(m) }
        return f
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return isNull(node) ? "nothing" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let s) = node, !isNull(node) else {
            error("\(what) must be text, found \(describe(node))", node)
            return nil
        }
        return s.string
    }

    func number(_ node: Node, _ what: String) -> FixedDecimal? {
        guard case .scalar(let s) = node, !isNull(node) else {
            error("\(what) must be a number, found \(describe(node))", node)
            return nil
        }
        switch FixedDecimal.parse(s.string) {
        case .success(let v): return v
        case .failure(let e):
            error("\(what) '\(s.string)' is not a valid number: \(e)", node)
            return nil
        }
    }

    func nonNegative(_ node: Node, _ what: String) -> FixedDecimal? {
        guard let v = number(node, what) else { return nil }
        if v.isNegative { error("\(what) must not be negative (found \(v)): all amounts and factors are >= 0", node); return nil }
        return v
    }

    func integer(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let v = number(node, what) else { return nil }
        guard let i = v.exactInt, range.contains(i) else {
            error("\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), found \(v)", node)
            return nil
        }
        return i
    }

    func choice<E: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _ type: E.Type) -> E? where E.RawValue == String {
        guard let s = string(node, what) else { return nil }
        if let v = E(rawValue: s) { return v }
        let options = E.allCases.map(\.rawValue)
        error("\(what) must be one of \(options.joined(separator: ", ")); found '\(s)'" + Suggest.didYouMean(s, in: options), node)
        return nil
    }

    /// The `id` of one item of a list (component, modifier, objective): present, text,
    /// and not used by an earlier item (`seen` remembers where each id was first defined).
    func itemID(_ f: Fields, _ item: Node, _ what: String, seen: inout [String: Node]) -> (id: String, node: Node)? {
        guard let idNode = f["id"], let id = string(idNode, "\(what) id") else {
            if f["id"] == nil { error("\(what) has no 'id'", item) }
            return nil
        }
        if let first = seen[id] {
            error("duplicate \(what) id '\(id)'", idNode, notes: [.init("first defined here", at: location(first))])
        }
        seen[id] = idNode
        return (id, idNode)
    }

    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let s) = node else {
            error("\(what) must be a list, found \(describe(node))", node)
            return nil
        }
        return Array(s)
    }

    /// A list of plain names, or one name.
    func names(_ node: Node, _ what: String) -> [String]? {
        if case .scalar = node, let s = string(node, what) { return [s] }
        guard let items = sequence(node, what) else { return nil }
        var out: [String] = []
        for i in items { if let s = string(i, "each entry of \(what)") { out.append(s) } }
        return out
    }

    /// Parses an expression held in a scalar; syntax errors point at the character.
    func expression(_ node: Node, _ what: String) -> SourceExpression? {
        guard let text = string(node, what) else { return nil }
        var loc = location(node)
        switch ExpressionParser.parse(text) {
        case .success(let tree):
            return SourceExpression(text: text, tree: tree, location: loc)
        case .failure(let e):
            if case .scalar(let s) = node, !text.contains("\n") {
                let quote = (s.style == .singleQuoted || s.style == .doubleQuoted) ? 1 : 0
                loc = SourceLocation(file: file, line: loc.line, column: loc.column + quote + e.offset)
            }
            error("\(what) '\(text)': \(e.message)", at: loc)
            return nil
        }
    }
}

/// The checked keys of one mapping.
struct Fields {
    let node: Node
    var pairs: [(key: String, keyNode: Node, value: Node)] = []

    init(node: Node) { self.node = node }

    subscript(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }
    func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }
    func keyNode(_ key: String) -> Node? { pairs.first { $0.key == key }?.keyNode }
}
