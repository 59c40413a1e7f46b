import AdvocompModel
// libyaml, which Yams builds and composes its nodes with. Its event parser is iterative,
// so it can measure a document that composing (recursive, and hashing every mapping
// key with the aliases in it expanded) could not survive.
import CYaml

/// Bounds on the shape of a YAML file, checked on libyaml's events before Yams composes
/// it, so no file can exhaust the stack or take unbounded time or memory:
///
/// - nesting (lists and mappings inside each other) at most `maxDepth` levels deep: a plan
///   needs about 6; libyaml alone stops at 1,000, and Yams composes recursively;
/// - aliases adding at most `maxAliasNodes` nodes in all: `*name` repeats what `&name`
///   names, so anchors over aliases multiply ("billion laughs": 10 levels of 10 aliases
///   is 10^10 nodes), and Yams hashes mapping keys with their aliases expanded.
///
/// A file over a limit is one located error and is not composed.
enum YAMLLimits {
    static let maxDepth = 100
    static let maxAliasNodes = 100_000

    /// The error for the first place `text` goes over a limit, or nil. A syntax error ends
    /// the check with nil: composing reports it.
    static func check(_ text: inout String, file: String, what: String) -> Diagnostic? {
        text.withUTF8 { buffer -> Diagnostic? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // Nodes each anchor stands for, aliases expanded (at most maxAliasNodes + 1).
            var size: [String: Int] = [:]
            // The open collections: the nodes in each so far, and its anchor.
            var open: [(nodes: Int, anchor: String?)] = [(0, nil)]
            var added = 0
            var event = yaml_event_t()
            func location(_ mark: yaml_mark_t) -> SourceLocation {
                SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
            }
            let tooDeep = "lists and mappings nest more than \(maxDepth) levels deep here; at most \(maxDepth) are allowed in \(what)"
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // libyaml's own limit (1,000 levels) can be met first: its scanner reads
                    // a run of '[' or '{' ahead of the events. It names the run's start.
                    if let p = parser.problem, String(cString: p).hasPrefix("Maximum nesting level") {
                        return .error(tooDeep, at: location(parser.problem_mark))
                    }
                    return nil
                }
                defer { yaml_event_delete(&event) }
                let at = location(event.start_mark)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    open[open.count - 1].nodes += 1
                    if let a = name(event.data.scalar.anchor) { size[a] = 1 }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    if open.count > maxDepth {
                        return .error(tooDeep, at: at)
                    }
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? name(event.data.sequence_start.anchor) : name(event.data.mapping_start.anchor)
                    open.append((1, anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let done = open.removeLast()
                    open[open.count - 1].nodes = min(open[open.count - 1].nodes + done.nodes, maxAliasNodes + 1)
                    if let a = done.anchor { size[a] = done.nodes }
                case YAML_ALIAS_EVENT:
                    // An alias to an anchor not (yet) defined is Yams's error to report.
                    let n = name(event.data.alias.anchor).flatMap { size[$0] } ?? 1
                    added += n
                    if added > maxAliasNodes {
                        return .error("aliases expand to more than \(maxAliasNodes) YAML nodes by here (each *name repeats all that &name holds, "
                                      + "and repeats of repeats multiply); at most \(maxAliasNodes) are allowed in \(what)", at: at)
                    }
                    open[open.count - 1].nodes = min(open[open.count - 1].nodes + n, maxAliasNodes + 1)
                default:
                    break
                }
            }
        }
    }

    private static func name(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        p.map { String(cString: $0) }
    }
}
