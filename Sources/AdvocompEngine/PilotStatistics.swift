import AdvocompModel

/// A pilot's comparison on one KPI: each member's change from the periods before to the
/// periods after, the mean change of the pilot and control groups, the difference of the
/// two (difference-in-differences), and a bootstrap confidence interval for it. Exact
/// decimals throughout; the bootstrap only chooses which members are drawn.
public struct DiffInDiff: Sendable {
    public struct Member: Sendable, Equatable {
        public var id: String
        /// Mean of the member's values over the before periods, and over the after periods.
        public var before: FixedDecimal
        public var after: FixedDecimal
        public var change: FixedDecimal
    }
    public var pilot: [Member]
    public var control: [Member]
    /// Members left out for lack of a value before or after (ids).
    public var incomplete: [String]
    /// Mean before and after of each group, and the mean change.
    public var pilotBefore: FixedDecimal?, pilotAfter: FixedDecimal?, pilotChange: FixedDecimal?
    public var controlBefore: FixedDecimal?, controlAfter: FixedDecimal?, controlChange: FixedDecimal?
    /// pilotChange - controlChange.
    public var difference: FixedDecimal?
    /// The bootstrap interval (percentile, nearest rank); nil when there are too few members.
    public var low: FixedDecimal?, high: FixedDecimal?
    public var resamples: Int
    public var confidence: FixedDecimal
    public var seed: UInt64
    public var minimumPerGroup: Int
    /// Fewer than `minimumPerGroup` members with values before and after in a group.
    public var tooFew: Bool { pilot.count < minimumPerGroup || control.count < minimumPerGroup }

    /// What the figures say, in words.
    public var verdict: String {
        if tooFew {
            return "too few observations to say anything (\(pilot.count) pilot, \(control.count) control; at least \(minimumPerGroup) in each group needed)"
        }
        guard let low, let high else { return "no interval" }
        let level = confidence.percentString(maxPlaces: 2)
        if low > .zero { return "the pilot's change is above the control's (\(level) interval above 0)" }
        if high < .zero { return "the pilot's change is below the control's (\(level) interval below 0)" }
        return "no difference the data can tell from chance (\(level) interval includes 0)"
    }
}

public enum PilotStatistics {
    /// The exact mean (sum / count, 18 decimals, the engine's division).
    public static func mean(_ xs: [FixedDecimal]) throws -> FixedDecimal {
        var s = FixedDecimal.zero
        for x in xs { s = try s + x }
        return try s / FixedDecimal(xs.count)
    }

    /// The difference-in-differences of `pilot` and `control` (each member's values in the
    /// before and after periods), with a bootstrap interval: `resamples` times, each group's
    /// members are drawn with replacement (as many as it has) from a seeded stream
    /// (xoshiro256**, the simulation's), the statistic worked out exactly, and the
    /// interval's ends are the nearest-rank percentiles (1 - confidence) / 2 and
    /// (1 + confidence) / 2 of the sorted statistics. The same seed gives the same interval.
    public static func diffInDiff(pilot: [(id: String, before: [FixedDecimal], after: [FixedDecimal])],
                                  control: [(id: String, before: [FixedDecimal], after: [FixedDecimal])],
                                  resamples: Int = 2000, confidence: FixedDecimal = FixedDecimal(raw: 900_000_000_000_000_000),
                                  seed: UInt64 = 1, minimumPerGroup: Int = 3) throws -> DiffInDiff {
        var incomplete: [String] = []
        func members(_ list: [(id: String, before: [FixedDecimal], after: [FixedDecimal])]) throws -> [DiffInDiff.Member] {
            var out: [DiffInDiff.Member] = []
            for m in list {
                guard !m.before.isEmpty, !m.after.isEmpty else { incomplete.append(m.id); continue }
                let b = try mean(m.before), a = try mean(m.after)
                out.append(.init(id: m.id, before: b, after: a, change: try a - b))
            }
            return out
        }
        let p = try members(pilot), c = try members(control)
        var d = DiffInDiff(pilot: p, control: c, incomplete: incomplete, resamples: resamples, confidence: confidence,
                           seed: seed, minimumPerGroup: max(1, minimumPerGroup))
        if !p.isEmpty {
            d.pilotBefore = try mean(p.map(\.before)); d.pilotAfter = try mean(p.map(\.after)); d.pilotChange = try mean(p.map(\.change))
        }
        if !c.isEmpty {
            d.controlBefore = try mean(c.map(\.before)); d.controlAfter = try mean(c.map(\.after)); d.controlChange = try mean(c.map(\.change))
        }
        if let a = d.pilotChange, let b = d.controlChange { d.difference = try a - b }
        guard !d.tooFew, resamples > 0 else { return d }
        let stats = try bootstrap(p.map(\.change), c.map(\.change), resamples: resamples, seed: seed)
        d.low = stats[rank(try (FixedDecimal.one - confidence) / FixedDecimal(2), resamples) - 1]
        d.high = stats[rank(try (FixedDecimal.one + confidence) / FixedDecimal(2), resamples) - 1]
        return d
    }

    /// The sorted bootstrap statistics: mean of drawn pilot changes - mean of drawn control changes.
    public static func bootstrap(_ pilot: [FixedDecimal], _ control: [FixedDecimal], resamples: Int, seed: UInt64) throws -> [FixedDecimal] {
        var random = Sampler.Stream(seed: seed)
        var out: [FixedDecimal] = []
        out.reserveCapacity(resamples)
        func draw(_ xs: [FixedDecimal]) throws -> FixedDecimal {
            var s = FixedDecimal.zero
            for _ in xs.indices { s = try s + xs[Int(random.next() % UInt64(xs.count))] }
            return try s / FixedDecimal(xs.count)
        }
        for _ in 0..<resamples { out.append(try draw(pilot) - draw(control)) }
        return out.sorted()
    }

    /// Nearest rank of percentile `p` (0..1) among `n`: ceil(p x n), at least 1, at most n.
    static func rank(_ p: FixedDecimal, _ n: Int) -> Int {
        let x = (try? p * FixedDecimal(n)) ?? .zero
        var r = (try? x.rounded(places: 0, mode: .down))?.exactInt ?? 0
        if let whole = try? x.rounded(places: 0, mode: .down), whole < x { r += 1 }
        return min(max(r, 1), n)
    }
}
