/// What the ledger already holds that one event can touch; the store loads it, the reducer reads it.
public struct LedgerState: Sendable, Equatable {
    public var customer: CustomerRecord?
    public var subscription: SubscriptionRecord?
    public var invoice: InvoiceRecord?
    /// The failure this event may be another report of (same invoice, or same payment).
    public var relatedFailure: PaymentFailureRecord?
    /// Sum of the customer's subscriptions' MRR in the event's currency.
    public var customerMRR: Int64
    /// Whether the customer ever had MRR in that currency (a return is then a reactivation).
    public var customerEverHadMRR: Bool

    public init(
        customer: CustomerRecord? = nil, subscription: SubscriptionRecord? = nil, invoice: InvoiceRecord? = nil,
        relatedFailure: PaymentFailureRecord? = nil, customerMRR: Int64 = 0, customerEverHadMRR: Bool = false
    ) {
        self.customer = customer
        self.subscription = subscription
        self.invoice = invoice
        self.relatedFailure = relatedFailure
        self.customerMRR = customerMRR
        self.customerEverHadMRR = customerEverHadMRR
    }
}

/// What to write back after one event.
public struct LedgerChanges: Sendable, Equatable {
    public var customer: CustomerRecord
    public var subscription: SubscriptionRecord?
    public var invoice: InvoiceRecord?
    /// A new failure, or the related one enriched with this event's codes.
    public var failure: PaymentFailureRecord?
    public var movement: MRRMovement?
    /// Why parts of the event were not applied (stale, missing data), for the log.
    public var notes: [String]

    public init(customer: CustomerRecord) {
        self.customer = customer
        self.notes = []
    }
}

extension BillingEvent {
    /// The subscription this event is about, if any.
    public var subscriptionID: String? { subscription?.id ?? invoice?.subscriptionID }
    /// The invoice this event is about, if any.
    public var invoiceID: String? { invoice?.id ?? dispute?.invoiceID }
    /// The currency the event's money is in.
    public var currency: String? {
        subscription?.currency ?? invoice?.currency ?? payment?.currency ?? dispute?.currency
    }
}
