/// Points each cash-flow stress signal adds to the 0–100 score, and the score that counts as
/// cash-flow stress; read from `stress:` in config so finance ops can tune them without a build.
public struct StressWeights: Sendable, Equatable {
    /// The failure says the money is not there (`insufficient_funds`, AM04, MS03, `refer_to_payer`).
    public var insufficientFunds: Int
    /// Several soft declines (cash flow or technical) within `softDeclineWindowDays`.
    public var repeatedSoftDeclines: Int
    /// The customer takes longer and longer to pay its invoices.
    public var lengtheningDaysToPay: Int
    /// An invoice was paid in part and still owes the rest.
    public var partialPayments: Int
    /// Failures happen around the turn of the month, before clients pay the customer.
    public var monthEndClustering: Int
    /// The customer still uses the product: it wants to pay, it cannot right now.
    public var accountStillActive: Int
    /// A score at or above this is cash-flow stress (the financing rules' `min_score`).
    public var cashFlowThreshold: Int
    /// How far back soft declines count as "repeated".
    public var softDeclineWindowDays: Int

    /// Defaults sum to 100: insufficient funds on an active account alone reaches the threshold.
    public init(
        insufficientFunds: Int = 35, repeatedSoftDeclines: Int = 15, lengtheningDaysToPay: Int = 15,
        partialPayments: Int = 10, monthEndClustering: Int = 10, accountStillActive: Int = 15,
        cashFlowThreshold: Int = 50, softDeclineWindowDays: Int = 60
    ) {
        self.insufficientFunds = insufficientFunds
        self.repeatedSoftDeclines = repeatedSoftDeclines
        self.lengtheningDaysToPay = lengtheningDaysToPay
        self.partialPayments = partialPayments
        self.monthEndClustering = monthEndClustering
        self.accountStillActive = accountStillActive
        self.cashFlowThreshold = cashFlowThreshold
        self.softDeclineWindowDays = softDeclineWindowDays
    }

    /// Whether an assessment counts as cash-flow stress under these weights.
    public func isCashFlowStress(_ assessment: StressAssessment) -> Bool {
        assessment.score >= cashFlowThreshold
    }
}
