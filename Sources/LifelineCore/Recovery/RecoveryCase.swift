/// Where a recovery case stands.
public enum CaseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A failure was seen; nothing delivered yet.
    case open
    /// At least one action was delivered.
    case acting
    /// The money came in (invoice paid, or financing funded).
    case recovered
    /// The subscription ended for non-payment, or the invoice was written off.
    case lost
    /// Ended without recovery or loss (invoice voided, dispute handled elsewhere).
    case closed

    public var isTerminal: Bool { self == .recovered || self == .lost || self == .closed }
}

/// One customer's unpaid money in one currency, followed from first failure to its outcome.
public struct RecoveryCase: Sendable, Hashable, Codable {
    public var id: String
    public var customerID: String
    public var currency: String
    public var status: CaseStatus
    public var category: FailureCategory
    /// The customer's MRR when the case opened: what churn would cost.
    public var mrrAtRisk: Int64
    /// Sum of what the case's invoices still owe.
    public var amountDue: Int64
    public var stressScore: Int
    public var stressReasons: [String]
    public var invoiceIDs: [String]
    public var openedAt: Int64
    public var actingAt: Int64?
    public var recoveredAt: Int64?
    public var lostAt: Int64?
    public var closedAt: Int64?
    /// The last action delivered before the payment: what saved the revenue.
    public var attributedActionID: String?
    public var attributedActionKind: ActionKind?
    public var updatedAt: Int64

    public init(
        id: String, customerID: String, currency: String, status: CaseStatus = .open, category: FailureCategory,
        mrrAtRisk: Int64, amountDue: Int64, stressScore: Int, stressReasons: [String], invoiceIDs: [String],
        openedAt: Int64, actingAt: Int64? = nil, recoveredAt: Int64? = nil, lostAt: Int64? = nil,
        closedAt: Int64? = nil, attributedActionID: String? = nil, attributedActionKind: ActionKind? = nil,
        updatedAt: Int64
    ) {
        self.id = id
        self.customerID = customerID
        self.currency = currency
        self.status = status
        self.category = category
        self.mrrAtRisk = mrrAtRisk
        self.amountDue = amountDue
        self.stressScore = stressScore
        self.stressReasons = stressReasons
        self.invoiceIDs = invoiceIDs
        self.openedAt = openedAt
        self.actingAt = actingAt
        self.recoveredAt = recoveredAt
        self.lostAt = lostAt
        self.closedAt = closedAt
        self.attributedActionID = attributedActionID
        self.attributedActionKind = attributedActionKind
        self.updatedAt = updatedAt
    }
}
