/// Recovery rates with their uncertainty: the statistics behind a measured saving (treated cases
/// against a holdout). Pure functions; probabilities as `Double` (never money).
public struct Proportion: Sendable, Hashable {
    public var successes: Int
    public var trials: Int

    public init(successes: Int, trials: Int) {
        precondition(trials >= 0 && (0...max(trials, 0)).contains(successes), "0 ≤ successes ≤ trials")
        self.successes = successes
        self.trials = trials
    }

    /// successes / trials; nil without a trial.
    public var estimate: Double? { trials == 0 ? nil : Double(successes) / Double(trials) }

    /// z of a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    /// Wilson's score interval (no continuity correction); nil without a trial. Unlike the
    /// textbook p ± z·√(p(1−p)/n), it stays inside [0, 1] and has a width at 0 % and 100 %.
    public func wilson(z: Double = Proportion.z95) -> Interval? {
        guard trials > 0, let p = estimate else { return nil }
        let n = Double(trials), z2 = z * z
        let denominator = 1 + z2 / n
        let centre = p + z2 / (2 * n)
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return Interval(lower: max(0, (centre - half) / denominator), upper: min(1, (centre + half) / denominator))
    }
}

/// A confidence interval.
public struct Interval: Sendable, Hashable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// Both bounds on one side of zero: the difference is significant at the interval's level.
    public var excludesZero: Bool { lower > 0 || upper < 0 }
}

/// The uplift of one recovery rate over another (treated − holdout), with Newcombe's hybrid
/// score interval (his method 10, from the two Wilson intervals), or why there is none.
public enum Uplift: Sendable, Hashable {
    case measured(estimate: Double, interval: Interval)
    /// Too few cases in a group for an interval worth showing.
    case insufficient(treated: Int, holdout: Int, minimum: Int)

    /// Groups smaller than `minimumCases` give `.insufficient` rather than a number.
    public static func measure(treated: Proportion, holdout: Proportion, minimumCases: Int = 10, z: Double = Proportion.z95) -> Uplift {
        guard treated.trials >= max(1, minimumCases), holdout.trials >= max(1, minimumCases),
              let p1 = treated.estimate, let p2 = holdout.estimate,
              let w1 = treated.wilson(z: z), let w2 = holdout.wilson(z: z)
        else { return .insufficient(treated: treated.trials, holdout: holdout.trials, minimum: minimumCases) }
        let difference = p1 - p2
        let lower = difference - ((p1 - w1.lower) * (p1 - w1.lower) + (w2.upper - p2) * (w2.upper - p2)).squareRoot()
        let upper = difference + ((w1.upper - p1) * (w1.upper - p1) + (p2 - w2.lower) * (p2 - w2.lower)).squareRoot()
        return .measured(estimate: difference, interval: Interval(lower: lower, upper: upper))
    }

    /// Incremental recovered MRR: the uplift applied to the treated cases' MRR at risk, in minor
    /// units rounded to the nearest, with its interval; nil when the uplift was not measured.
    public func incrementalMRR(atRisk: Int64) -> (estimate: Int64, lower: Int64, upper: Int64)? {
        guard case .measured(let estimate, let interval) = self else { return nil }
        func scaled(_ rate: Double) -> Int64 { Int64((rate * Double(atRisk)).rounded()) }
        return (scaled(estimate), scaled(interval.lower), scaled(interval.upper))
    }
}
