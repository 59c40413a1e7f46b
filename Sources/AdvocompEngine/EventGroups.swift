/// Event indices grouped by a small number (an advocate, a person), each group in the
/// order the indices were given: a compressed table (one array of starts, one of
/// indices) built in two passes, so grouping a million events allocates two arrays,
/// not a dictionary entry and an array per advocate.
public struct EventGroups: Sendable {
    /// Group g is items[starts[g] ..< starts[g + 1]].
    private var starts: [Int]
    private var items: [Int]

    /// Groups `order` by `key` (0..<groups; a negative key leaves the index out).
    public init(groups: Int, order: [Int], key: (Int) -> Int32) {
        var counts = [Int](repeating: 0, count: groups + 1)
        var keys = [Int32](repeating: -1, count: order.count)
        for (n, i) in order.enumerated() {
            let k = key(i)
            keys[n] = k
            if k >= 0 { counts[Int(k) + 1] += 1 }
        }
        for g in 0..<groups { counts[g + 1] += counts[g] }
        starts = counts
        var next = counts
        items = [Int](repeating: 0, count: counts[groups])
        for (n, i) in order.enumerated() where keys[n] >= 0 {
            items[next[Int(keys[n])]] = i
            next[Int(keys[n])] += 1
        }
    }

    /// Groups already laid out: `starts` has one more entry than there are groups.
    init(starts: [Int], items: [Int]) {
        self.starts = starts
        self.items = items
    }

    /// The number of groups.
    public var count: Int { starts.count - 1 }

    /// Group `g`'s indices (empty for a group number out of range).
    public subscript(g: Int) -> ArraySlice<Int> {
        guard g >= 0, g < count else { return [] }
        return items[starts[g]..<starts[g + 1]]
    }
}
