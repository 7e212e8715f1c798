/// How one segment behaves: prices, plans, and monthly rates in per mille.
public struct SegmentProfile: Sendable, Hashable {
    public var name: String
    /// Relative share of customers.
    public var weight: Int
    /// Monthly price of one seat (or of the plan, for single-seat plans), minor units.
    public var seatPrice: ClosedRange<Int64>
    public var seats: ClosedRange<Int64>
    /// Share of annual plans (billed yearly at ten months' price).
    public var annualShare: Int
    /// Share paying by SEPA direct debit rather than card.
    public var sepaShare: Int
    /// Share of new customers starting with a 14-day trial.
    public var trialShare: Int
    /// Monthly probabilities.
    public var churn: Int
    public var expansion: Int
    public var contraction: Int
    /// Probability that a churned customer comes back, each month.
    public var reactivation: Int
    /// Probability that a collection fails (before seasonality); the cash-flow stress rate.
    public var failure: Int
    /// Share of failures that are cash-flow (insufficient funds) rather than card or bank trouble.
    public var cashFlowShare: Int
    /// Probability that a failed invoice is eventually paid.
    public var recovery: Int
    /// Share of customers whose metadata names the segment (the rest are banded by MRR).
    public var taggedShare: Int

    /// TPE churn and fail most and expand least; enterprise the reverse. Rates are tuned so the
    /// yearly NRR lands near the published medians (~97 % SMB, ~108 % mid-market, ~118 % enterprise).
    public static let standard: [SegmentProfile] = [
        SegmentProfile(
            name: "TPE", weight: 50, seatPrice: 1_900...8_900, seats: 1...1, annualShare: 80, sepaShare: 400,
            trialShare: 200, churn: 10, expansion: 40, contraction: 8, reactivation: 12, failure: 45,
            cashFlowShare: 700, recovery: 800, taggedShare: 700
        ),
        SegmentProfile(
            name: "PME", weight: 32, seatPrice: 2_900...4_900, seats: 3...20, annualShare: 200, sepaShare: 500,
            trialShare: 150, churn: 6, expansion: 65, contraction: 12, reactivation: 8, failure: 35,
            cashFlowShare: 550, recovery: 820, taggedShare: 800
        ),
        SegmentProfile(
            name: "mid-market", weight: 14, seatPrice: 6_900...9_900, seats: 15...100, annualShare: 450, sepaShare: 600,
            trialShare: 0, churn: 4, expansion: 75, contraction: 12, reactivation: 5, failure: 20,
            cashFlowShare: 350, recovery: 850, taggedShare: 900
        ),
        SegmentProfile(
            name: "enterprise", weight: 4, seatPrice: 12_900...19_900, seats: 80...250, annualShare: 700, sepaShare: 700,
            trialShare: 0, churn: 2, expansion: 110, contraction: 10, reactivation: 2, failure: 10,
            cashFlowShare: 200, recovery: 900, taggedShare: 1_000
        ),
    ]
}

/// Month-of-year multipliers in per mille (January first).
public enum Seasonality {
    /// Payment failures peak after the holidays, in the summer closure and at year end.
    public static let failures = [1_300, 1_100, 1_000, 900, 950, 1_000, 1_200, 1_450, 1_100, 1_000, 1_000, 1_250]
    /// Sign-ups peak at the rentrée and in January.
    public static let signups = [1_250, 1_050, 1_000, 950, 900, 800, 650, 450, 1_350, 1_150, 1_050, 750]
    /// Voluntary cancellations cluster at the start of the year (budgets).
    public static let churn = [1_400, 1_050, 1_000, 950, 950, 950, 1_000, 900, 1_000, 950, 950, 1_100]

    public static func factor(_ table: [Int], at seconds: Int64) -> Int {
        table[UTCDate(unixSeconds: seconds).month - 1]
    }
}
