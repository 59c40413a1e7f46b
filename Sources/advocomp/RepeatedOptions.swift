import ArgumentParser
import Foundation

/// An option given twice where only one value is meaningful (`--period 2026-Q3 ... --period
/// 2026-Q4`) is a usage error: swift-argument-parser would silently keep the last one.
/// Options declared as repeating (`--plan`, `--set`) may be given again. What each command
/// declares is read from the parser's own description of the tool (its `--experimental-
/// dump-help` JSON), so no list here can drift from the options.
enum RepeatedOptions {
    /// The usage error for the first option given twice in `arguments` (the command line
    /// without the program name) and the subcommand it was given to, or nil.
    static func problem(_ arguments: [String], tool: ParsableCommand.Type) -> (message: String, command: [String])? {
        // Fast path: no option token twice, nothing to check.
        let tokens = arguments.prefix { $0 != "--" }.filter { $0.hasPrefix("-") && $0 != "-" }.map { $0.split(separator: "=", maxSplits: 1)[0] }
        guard Set(tokens).count < tokens.count else { return nil }
        guard let data = tool._dumpHelp().data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              var command = root["command"] as? [String: Any] else { return nil }
        // The subcommand path: leading words naming subcommands.
        var rest = ArraySlice(arguments)
        var path: [String] = []
        while let word = rest.first, let sub = (command["subcommands"] as? [[String: Any]])?.first(where: { $0["commandName"] as? String == word }) {
            command = sub
            path.append(word)
            rest = rest.dropFirst()
        }
        // Each name of each named argument: whether it takes a value and may repeat.
        var named: [String: (takesValue: Bool, repeats: Bool, preferred: String)] = [:]
        for argument in command["arguments"] as? [[String: Any]] ?? [] {
            let kind = argument["kind"] as? String
            guard kind == "option" || kind == "flag" else { continue }
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { n -> String? in
                guard let name = n["name"] as? String else { return nil }
                return (n["kind"] as? String == "short" ? "-" : "--") + name
            }
            let repeats = argument["isRepeating"] as? Bool ?? false
            for name in names { named[name] = (kind == "option", repeats, names.first { $0.hasPrefix("--") } ?? name) }
        }
        var seen: [String: String] = [:]
        var k = rest.startIndex
        while k < rest.endIndex {
            let token = rest[k]
            k += 1
            if token == "--" { break }
            guard token.hasPrefix("-"), token != "-" else { continue }
            let parts = token.split(separator: "=", maxSplits: 1).map(String.init)
            guard let option = named[parts[0]] else { continue }
            var value = ""
            if option.takesValue {
                if parts.count == 2 { value = parts[1] } else if k < rest.endIndex { value = rest[k]; k += 1 }
            }
            // A flag given twice says the same thing twice: harmless.
            guard option.takesValue, !option.repeats else { continue }
            if let first = seen[option.preferred] {
                return ("\(option.preferred) was given twice ('\(first)', then '\(value)'): it takes one value, give it once", path)
            }
            seen[option.preferred] = value
        }
        return nil
    }
}
