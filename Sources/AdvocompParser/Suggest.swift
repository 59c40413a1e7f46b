/// "Did you mean" suggestions for misspelt keys and names.
public enum Suggest {
    /// `"; did you mean 'curve'?"` when a candidate is close enough, else "".
    public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String {
        guard let best = closest(word, in: candidates) else { return "" }
        return "; did you mean '\(best)'?"
    }

    public static func closest(_ word: String, in candidates: some Sequence<String>) -> String? {
        // Closest by edit distance; among equals, the longest common prefix, then the first.
        var best: (word: String, distance: Int, prefix: Int)?
        let limit = max(1, min(3, word.count / 3 + 1))
        for c in candidates where c != word {
            let d = distance(word, c)
            guard d <= limit else { continue }
            let p = zip(word, c).prefix { $0 == $1 }.count
            if let b = best, d > b.distance || (d == b.distance && p <= b.prefix) { continue }
            best = (c, d, p)
        }
        return best?.word
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = Swift.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
