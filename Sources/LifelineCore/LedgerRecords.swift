/// A customer as the ledger knows it.
public struct CustomerRecord: Sendable, Hashable, Codable {
    public var id: String
    public var email: String?
    public var name: String?
    public var metadata: [String: String]
    /// From metadata `segment`; nil means "use MRR bands".
    public var segment: String?
    public var firstSeenAt: Int64
    /// First successful payment; its month is the customer's cohort.
    public var firstPaidAt: Int64?
    public var lastEventAt: Int64

    public init(
        id: String, email: String? = nil, name: String? = nil, metadata: [String: String] = [:],
        segment: String? = nil, firstSeenAt: Int64, firstPaidAt: Int64? = nil, lastEventAt: Int64
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.metadata = metadata
        self.segment = segment
        self.firstSeenAt = firstSeenAt
        self.firstPaidAt = firstPaidAt
        self.lastEventAt = lastEventAt
    }
}

/// A subscription's latest known state and its current MRR.
public struct SubscriptionRecord: Sendable, Hashable, Codable {
    public var id: String
    public var customerID: String
    public var status: SubscriptionStatus
    public var currency: String
    public var mrr: Int64
    public var snapshot: SubscriptionInfo
    public var cancellationReason: CancellationReason?
    public var canceledAt: Int64?
    /// Time of the event that produced this state; older events never overwrite it.
    public var lastEventAt: Int64

    public init(
        id: String, customerID: String, status: SubscriptionStatus, currency: String, mrr: Int64,
        snapshot: SubscriptionInfo, cancellationReason: CancellationReason? = nil,
        canceledAt: Int64? = nil, lastEventAt: Int64
    ) {
        self.id = id
        self.customerID = customerID
        self.status = status
        self.currency = currency
        self.mrr = mrr
        self.snapshot = snapshot
        self.cancellationReason = cancellationReason
        self.canceledAt = canceledAt
        self.lastEventAt = lastEventAt
    }
}

/// An invoice with its status and how many times collection was tried.
public struct InvoiceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var customerID: String
    public var subscriptionID: String?
    public var currency: String
    public var amountDue: Int64
    public var amountPaid: Int64
    public var amountRemaining: Int64
    public var status: InvoiceStatus
    public var attempts: Int
    public var dueAt: Int64?
    public var paidAt: Int64?
    public var createdAt: Int64
    public var lastEventAt: Int64

    public init(
        id: String, customerID: String, subscriptionID: String?, currency: String, amountDue: Int64,
        amountPaid: Int64, amountRemaining: Int64, status: InvoiceStatus, attempts: Int,
        dueAt: Int64?, paidAt: Int64?, createdAt: Int64, lastEventAt: Int64
    ) {
        self.id = id
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.currency = currency
        self.amountDue = amountDue
        self.amountPaid = amountPaid
        self.amountRemaining = amountRemaining
        self.status = status
        self.attempts = attempts
        self.dueAt = dueAt
        self.paidAt = paidAt
        self.createdAt = createdAt
        self.lastEventAt = lastEventAt
    }
}

/// One failed collection attempt and its category.
public struct PaymentFailureRecord: Sendable, Hashable, Codable {
    /// The first event that reported this failure.
    public var id: String
    public var customerID: String
    public var invoiceID: String?
    public var subscriptionID: String?
    public var paymentID: String?
    public var amount: Int64
    public var currency: String
    public var attempt: Int?
    public var failureCode: String?
    public var declineCode: String?
    public var adviceCode: String?
    public var bankReasonCode: String?
    public var category: FailureCategory
    public var decidedBy: String?
    public var isUnknownCode: Bool
    public var nextAttemptAt: Int64?
    public var occurredAt: Int64

    public init(
        id: String, customerID: String, invoiceID: String?, subscriptionID: String?, paymentID: String?,
        amount: Int64, currency: String, attempt: Int?, failureCode: String?, declineCode: String?,
        adviceCode: String?, bankReasonCode: String?, category: FailureCategory, decidedBy: String?,
        isUnknownCode: Bool, nextAttemptAt: Int64?, occurredAt: Int64
    ) {
        self.id = id
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.subscriptionID = subscriptionID
        self.paymentID = paymentID
        self.amount = amount
        self.currency = currency
        self.attempt = attempt
        self.failureCode = failureCode
        self.declineCode = declineCode
        self.adviceCode = adviceCode
        self.bankReasonCode = bankReasonCode
        self.category = category
        self.decidedBy = decidedBy
        self.isUnknownCode = isUnknownCode
        self.nextAttemptAt = nextAttemptAt
        self.occurredAt = occurredAt
    }

    /// The codes as a payment, for (re)classification.
    public var codes: PaymentInfo {
        PaymentInfo(
            id: paymentID, amount: amount, currency: currency, attempt: attempt, failureCode: failureCode,
            declineCode: declineCode, adviceCode: adviceCode, bankReasonCode: bankReasonCode
        )
    }
}
