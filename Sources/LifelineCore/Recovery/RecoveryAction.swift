/// What Lifeline can do about a case.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Financing / factoring / instalment offer through a partner's API.
    case financingOffer = "financing_offer"
    /// A reminder or card/bank-update request through the dunning service.
    case dunningEmail = "dunning_email"
    /// Ask the provider to collect the invoice again.
    case retryPayment = "retry_payment"
    /// Tell finance ops; delivered by logging it on the case's timeline.
    case notifyOps = "notify_ops"
}

/// Where an outbox action stands.
public enum ActionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its due time (or its next retry).
    case pending
    /// Claimed by a dispatcher until its lease expires.
    case leased
    case delivered
    /// Gave up: a permanent refusal or too many tries. Finance ops can retry it.
    case dead
    /// No longer needed (invoice paid, case lost).
    case cancelled
}

/// One planned action in the transactional outbox.
public struct RecoveryAction: Sendable, Hashable, Codable {
    public var id: String
    public var caseID: String
    public var customerID: String
    public var invoiceID: String?
    public var kind: ActionKind
    /// The partner's name for financing offers.
    public var target: String?
    public var status: ActionStatus
    /// Step-specific settings from the playbook (terms, template, step …).
    public var parameters: [String: String]
    /// Why the playbook chose it: rule name and what matched.
    public var reason: String
    /// The JSON body sent on delivery, fixed when the action is planned so every retry sends
    /// the same bytes.
    public var payload: String
    public var dueAt: Int64
    public var attempts: Int
    public var nextAttemptAt: Int64
    public var leaseExpiresAt: Int64?
    public var lastError: String?
    public var deliveredAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(
        id: String, caseID: String, customerID: String, invoiceID: String?, kind: ActionKind, target: String?,
        status: ActionStatus = .pending, parameters: [String: String], reason: String, payload: String, dueAt: Int64,
        attempts: Int = 0, nextAttemptAt: Int64? = nil, leaseExpiresAt: Int64? = nil, lastError: String? = nil,
        deliveredAt: Int64? = nil, createdAt: Int64, updatedAt: Int64? = nil
    ) {
        self.id = id
        self.caseID = caseID
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.kind = kind
        self.target = target
        self.status = status
        self.parameters = parameters
        self.reason = reason
        self.payload = payload
        self.dueAt = dueAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? dueAt
        self.leaseExpiresAt = leaseExpiresAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// One try at delivering an action; secrets never appear in it.
public struct DeliveryAttempt: Sendable, Hashable, Codable {
    public var actionID: String
    public var attempt: Int
    public var startedAt: Int64
    public var latencyMilliseconds: Int64
    /// HTTP status, or nil when no answer came (timeout, refused connection).
    public var httpStatus: Int?
    public var outcome: DeliveryOutcomeKind
    public var error: String?

    public init(actionID: String, attempt: Int, startedAt: Int64, latencyMilliseconds: Int64, httpStatus: Int?, outcome: DeliveryOutcomeKind, error: String?) {
        self.actionID = actionID
        self.attempt = attempt
        self.startedAt = startedAt
        self.latencyMilliseconds = latencyMilliseconds
        self.httpStatus = httpStatus
        self.outcome = outcome
        self.error = error
    }
}

public enum DeliveryOutcomeKind: String, Sendable, Hashable, Codable {
    case delivered
    /// Temporary failure: tried again later.
    case retry
    /// Permanent failure: dead letter.
    case dead
}

/// The result of one delivery try, as the dispatcher reports it to the store.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered(httpStatus: Int?)
    /// - Parameter retryAfterSeconds: the peer's `Retry-After`, when it sent one.
    case retry(httpStatus: Int?, error: String, retryAfterSeconds: Int64?)
    case dead(httpStatus: Int?, error: String)
}
