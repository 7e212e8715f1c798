/// How a customer's MRR changed.
public enum MovementKind: String, Sendable, Hashable, Codable, CaseIterable {
    case new
    case expansion
    case contraction
    case voluntaryChurn = "churn_voluntary"
    case involuntaryChurn = "churn_involuntary"
    case reactivation
}

/// One change of a customer's MRR in one currency.
public struct MRRMovement: Sendable, Hashable, Codable {
    public var customerID: String
    public var subscriptionID: String
    public var currency: String
    public var kind: MovementKind
    public var mrrBefore: Int64
    public var mrrAfter: Int64
    public var occurredAt: Int64
    public var eventID: String

    public var delta: Int64 { mrrAfter - mrrBefore }

    public init(
        customerID: String, subscriptionID: String, currency: String, kind: MovementKind,
        mrrBefore: Int64, mrrAfter: Int64, occurredAt: Int64, eventID: String
    ) {
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.currency = currency
        self.kind = kind
        self.mrrBefore = mrrBefore
        self.mrrAfter = mrrAfter
        self.occurredAt = occurredAt
        self.eventID = eventID
    }
}

/// Names the movement between two customer MRR totals.
public enum MovementClassifier {
    /// - Parameters:
    ///   - everHadMRR: the customer had MRR before (so a return is a reactivation, not new).
    ///   - involuntary: the drop to zero came from non-payment rather than a choice.
    public static func kind(before: Int64, after: Int64, everHadMRR: Bool, involuntary: Bool) -> MovementKind? {
        if after == before { return nil }
        if before == 0 { return everHadMRR ? .reactivation : .new }
        if after == 0 { return involuntary ? .involuntaryChurn : .voluntaryChurn }
        return after > before ? .expansion : .contraction
    }
}
