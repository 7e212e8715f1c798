import LifelineCore
import Testing

/// The worked examples of Newcombe, "Two-sided confidence intervals for the single proportion"
/// and "Interval estimation for the difference between independent proportions" (Statistics in
/// Medicine 17, 1998): Wilson's interval (method 3) and the hybrid score interval (method 10),
/// to the four decimals the papers print.
@Suite("Recovery-rate statistics")
struct ProportionTests {
    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    @Test("Wilson's interval: 81/263, 15/148, 0/20, 1/29")
    func wilson() throws {
        let cases: [(Int, Int, Double, Double)] = [
            (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718),
        ]
        for (successes, trials, lower, upper) in cases {
            let interval = try #require(Proportion(successes: successes, trials: trials).wilson())
            #expect(Self.rounded(interval.lower) == lower, "\(successes)/\(trials)")
            #expect(Self.rounded(interval.upper) == upper, "\(successes)/\(trials)")
        }
        #expect(Proportion(successes: 0, trials: 0).wilson() == nil)
    }

    @Test("Newcombe's method 10 on his six examples")
    func newcombe() throws {
        let cases: [(Int, Int, Int, Int, Double, Double)] = [
            (56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090), (6, 7, 2, 7, 0.0582, 0.8062),
            (5, 56, 0, 29, -0.0381, 0.1926), (0, 10, 0, 20, -0.1611, 0.2775), (10, 10, 0, 20, 0.6791, 1.0000),
        ]
        for (r1, n1, r2, n2, lower, upper) in cases {
            let uplift = Uplift.measure(treated: Proportion(successes: r1, trials: n1), holdout: Proportion(successes: r2, trials: n2), minimumCases: 1)
            guard case .measured(let estimate, let interval) = uplift else {
                Issue.record("no interval for \(r1)/\(n1) − \(r2)/\(n2)")
                continue
            }
            #expect(Self.rounded(estimate) == Self.rounded(Double(r1) / Double(n1) - Double(r2) / Double(n2)))
            #expect(Self.rounded(interval.lower) == lower, "\(r1)/\(n1) − \(r2)/\(n2)")
            #expect(Self.rounded(interval.upper) == upper, "\(r1)/\(n1) − \(r2)/\(n2)")
        }
    }

    @Test func aWinnerOnlyWhenTheIntervalExcludesZero() throws {
        let clear = Uplift.measure(treated: Proportion(successes: 56, trials: 70), holdout: Proportion(successes: 48, trials: 80))
        let unclear = Uplift.measure(treated: Proportion(successes: 5, trials: 56), holdout: Proportion(successes: 0, trials: 29))
        guard case .measured(_, let yes) = clear, case .measured(_, let no) = unclear else {
            Issue.record("both groups are large enough")
            return
        }
        #expect(yes.excludesZero)
        #expect(!no.excludesZero)
    }

    @Test func tooFewCasesSaySoInsteadOfANumber() {
        let uplift = Uplift.measure(treated: Proportion(successes: 9, trials: 10), holdout: Proportion(successes: 3, trials: 9), minimumCases: 10)
        #expect(uplift == .insufficient(treated: 10, holdout: 9, minimum: 10))
        #expect(uplift.incrementalMRR(atRisk: 100_000) == nil)
    }

    @Test func incrementalMRRIsTheUpliftTimesTheMRRAtRisk() throws {
        let uplift = Uplift.measure(treated: Proportion(successes: 56, trials: 70), holdout: Proportion(successes: 48, trials: 80))
        let mrr = try #require(uplift.incrementalMRR(atRisk: 1_000_000))
        #expect(mrr.estimate == 200_000)
        // 0.0524… and 0.3339… of 10,000.00 at risk, to the cent.
        #expect(mrr.lower == 52_431)
        #expect(mrr.upper == 333_873)
    }
}
