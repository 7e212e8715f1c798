/// What the scorer looks at: one failure and the customer's history before it.
public struct StressInput: Sendable {
    /// The failure being assessed.
    public var current: PaymentFailureRecord
    /// The same customer's earlier failures; `current` and later ones are ignored if present.
    public var pastFailures: [PaymentFailureRecord]
    /// The customer's invoices, paid or not, in any order.
    public var invoices: [InvoiceRecord]
    /// Whether the subscription is still active (not cancelled) at the time of the failure.
    public var subscriptionActive: Bool

    public init(current: PaymentFailureRecord, pastFailures: [PaymentFailureRecord] = [], invoices: [InvoiceRecord] = [], subscriptionActive: Bool) {
        self.current = current
        self.pastFailures = pastFailures
        self.invoices = invoices
        self.subscriptionActive = subscriptionActive
    }
}

/// A cash-flow stress score with the reasons behind it, in the order the signals were checked,
/// so finance ops can see why a customer was (or was not) offered financing.
public struct StressAssessment: Sendable, Equatable, Codable {
    /// 0–100.
    public var score: Int
    public var reasons: [String]

    public init(score: Int, reasons: [String]) {
        self.score = score
        self.reasons = reasons
    }
}
