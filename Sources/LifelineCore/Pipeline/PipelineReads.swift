/// What the ledger reducer reads for one event; a store loads exactly this, nothing more.
public struct LedgerReads: Sendable, Equatable {
    public var customerID: String
    /// The subscription row, for the events that carry a snapshot (`LedgerReducer.subscriptionTypes`).
    public var subscriptionID: String?
    public var invoiceID: String?
    /// The failure this event may be another report of: the newest of the payment, else of the invoice.
    public var relatedFailure: RelatedFailureKey?
    /// The customer's MRR in this currency and whether they ever had any (for movements).
    public var mrrCurrency: String?

    public init(customerID: String, subscriptionID: String? = nil, invoiceID: String? = nil, relatedFailure: RelatedFailureKey? = nil, mrrCurrency: String? = nil) {
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.invoiceID = invoiceID
        self.relatedFailure = relatedFailure
        self.mrrCurrency = mrrCurrency
    }
}

/// How to find the failure an event may report again: by payment first, else by invoice.
public struct RelatedFailureKey: Sendable, Equatable {
    public var paymentID: String?
    public var invoiceID: String?

    public init(paymentID: String?, invoiceID: String?) {
        self.paymentID = paymentID
        self.invoiceID = invoiceID
    }
}

/// What the recovery reducer reads for one event, once the ledger has been applied.
public struct RecoveryReads: Sendable, Equatable {
    public var customerID: String
    /// Past failures and the MRR in `currency`: read only to score and plan a case (failures).
    public var history: Bool
    public var currency: String?

    public init(customerID: String, history: Bool, currency: String?) {
        self.customerID = customerID
        self.history = history
        self.currency = currency
    }

    /// Whether, with this many running cases found, the reducer needs their actions and the
    /// customer's invoices: a failure always does, another event only to move a running case.
    public func needsCaseContext(runningCases: Int) -> Bool {
        history || runningCases > 0
    }
}

/// What a store loaded for `RecoveryReads`.
public struct RecoveryLoad: Sendable {
    /// The customer's running (open or acting) cases, oldest first.
    public var runningCases: [RecoveryCase]
    /// The actions of those cases.
    public var caseActions: [RecoveryAction]
    /// The customer's latest failures, newest first (with `history`).
    public var pastFailures: [PaymentFailureRecord]
    /// The customer's latest invoices, newest first.
    public var invoices: [InvoiceRecord]
    /// The customer's MRR in the event's currency (with `history`).
    public var customerMRR: Int64

    public init(runningCases: [RecoveryCase] = [], caseActions: [RecoveryAction] = [], pastFailures: [PaymentFailureRecord] = [], invoices: [InvoiceRecord] = [], customerMRR: Int64 = 0) {
        self.runningCases = runningCases
        self.caseActions = caseActions
        self.pastFailures = pastFailures
        self.invoices = invoices
        self.customerMRR = customerMRR
    }

    /// How many past failures and invoices a store loads at most (newest first).
    public static let historyLimit = 50
}
