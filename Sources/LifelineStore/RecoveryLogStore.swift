import LifelineCore

/// Everything about one case, for finance ops.
public struct CaseDetail: Sendable, Codable, Equatable {
    public var recoveryCase: RecoveryCase
    public var customer: CustomerRecord?
    public var failures: [PaymentFailureRecord]
    public var actions: [RecoveryAction]
    public var attempts: [DeliveryAttempt]
    public var timeline: [TimelineEntry]

    public init(
        recoveryCase: RecoveryCase, customer: CustomerRecord?, failures: [PaymentFailureRecord], actions: [RecoveryAction],
        attempts: [DeliveryAttempt], timeline: [TimelineEntry]
    ) {
        self.recoveryCase = recoveryCase
        self.customer = customer
        self.failures = failures
        self.actions = actions
        self.attempts = attempts
        self.timeline = timeline
    }
}

/// Everything the ledger and the recovery log hold about one customer.
public struct CustomerDetail: Sendable, Codable, Equatable {
    public var customer: CustomerRecord
    public var subscriptions: [SubscriptionRecord]
    public var invoices: [InvoiceRecord]
    public var failures: [PaymentFailureRecord]
    public var movements: [MRRMovement]
    public var cases: [RecoveryCase]

    public init(
        customer: CustomerRecord, subscriptions: [SubscriptionRecord], invoices: [InvoiceRecord],
        failures: [PaymentFailureRecord], movements: [MRRMovement], cases: [RecoveryCase]
    ) {
        self.customer = customer
        self.subscriptions = subscriptions
        self.invoices = invoices
        self.failures = failures
        self.movements = movements
        self.cases = cases
    }
}

/// A partner callback as received.
public struct IncomingPartnerCallback: Sendable {
    public var partner: String
    public var receivedAt: Int64
    public var headers: [String: String]
    public var body: [UInt8]
    public var callback: PartnerCallback

    public init(partner: String, receivedAt: Int64, headers: [String: String], body: [UInt8], callback: PartnerCallback) {
        self.partner = partner
        self.receivedAt = receivedAt
        self.headers = headers
        self.body = body
        self.callback = callback
    }
}

public enum PartnerCallbackResult: Sendable, Equatable {
    case applied(caseID: String)
    case duplicate
    /// No financing offer with that id was sent to that partner.
    case unknownOffer
}

public enum RetryResult: Sendable, Equatable {
    case scheduled(RecoveryAction)
    case notFound
    /// Only dead (or cancelled) actions can be sent again.
    case notRetryable(ActionStatus)
}

/// The recovery log: cases, actions and their attempts (paged, `PagedListStore`), for the admin
/// API and the CLI.
public protocol RecoveryLogStore: PagedListStore {
    func caseDetail(id: String) async throws -> CaseDetail?
    func customerDetail(id: String) async throws -> CustomerDetail?
    /// Puts a dead action back in the outbox, due now, with a fresh budget of tries.
    func retryAction(id: String, now: Int64) async throws -> RetryResult
    func ingestPartnerCallback(_ incoming: IncomingPartnerCallback) async throws -> PartnerCallbackResult
}
