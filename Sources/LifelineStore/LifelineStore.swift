import LifelineCore

/// One webhook delivery as received: raw bytes, the headers worth keeping, and its events.
public struct IncomingDelivery: Sendable {
    public var provider: ProviderName
    public var receivedAt: Int64
    public var headers: [String: String]
    public var body: [UInt8]
    public var events: [ProviderEvent]

    public init(provider: ProviderName, receivedAt: Int64, headers: [String: String], body: [UInt8], events: [ProviderEvent]) {
        self.provider = provider
        self.receivedAt = receivedAt
        self.headers = headers
        self.body = body
        self.events = events
    }
}

/// What happened to a delivery's events once appended to the log.
public struct IngestResult: Sendable, Equatable {
    /// Logged for the first time, to be projected.
    public var stored: [String] = []
    public var duplicates: [String] = []
    /// Logged (raw body kept) but of a type Lifeline does not act on; not also under `stored`.
    public var ignored: [String] = []

    public init() {}
}

/// Counts and totals of the ledger, for `demo`, `/ready` checks and tests.
public struct LedgerSummary: Sendable, Equatable, Codable {
    public var events: Int
    public var ignoredEvents: Int
    public var customers: Int
    public var activeSubscriptions: Int
    public var mrrByCurrency: [String: Int64]
    public var invoicesByStatus: [String: Int]
    public var failuresByCategory: [String: Int]
    public var movementsByKind: [String: Int]

    public init(
        events: Int, ignoredEvents: Int, customers: Int, activeSubscriptions: Int, mrrByCurrency: [String: Int64],
        invoicesByStatus: [String: Int], failuresByCategory: [String: Int], movementsByKind: [String: Int]
    ) {
        self.events = events
        self.ignoredEvents = ignoredEvents
        self.customers = customers
        self.activeSubscriptions = activeSubscriptions
        self.mrrByCurrency = mrrByCurrency
        self.invoicesByStatus = invoicesByStatus
        self.failuresByCategory = failuresByCategory
        self.movementsByKind = movementsByKind
    }
}

/// Durable storage: the event log (raw and normalized events), and the ledger projected from it.
public protocol LifelineStore: EventLogStore, OutboxStore, RecoveryLogStore, RebuildStore, LogMaintenanceStore, StoreGaugeSource {
    /// Creates or upgrades the schema.
    func migrate() async throws
    /// Throws when the store cannot be reached.
    func ping() async throws
    /// Commits a one-row write and throws when it fails (read-only or full disk, read-only
    /// database): `/ready` answers 503 then, since every webhook would.
    func probeWrite() async throws
    func summary() async throws -> LedgerSummary
    func customers() async throws -> [CustomerRecord]
    func subscriptions() async throws -> [SubscriptionRecord]
    func invoices() async throws -> [InvoiceRecord]
    func paymentFailures() async throws -> [PaymentFailureRecord]
    func movements() async throws -> [MRRMovement]
    func storedEvents() async throws -> [StoredEvent]
}

/// An event row as logged.
public struct StoredEvent: Sendable, Equatable, Codable {
    /// Position in the log: the projector applies events in this order.
    public var seq: Int64
    public var origin: EventOrigin
    public var provider: String
    public var eventID: String
    public var deliveryID: Int64
    public var providerType: String
    public var type: String?
    public var occurredAt: Int64
    public var receivedAt: Int64
    public var normalized: BillingEvent?
    public var notes: String?

    public init(
        seq: Int64 = 0, origin: EventOrigin = .live, provider: String, eventID: String, deliveryID: Int64, providerType: String,
        type: String?, occurredAt: Int64, receivedAt: Int64, normalized: BillingEvent?, notes: String?
    ) {
        self.seq = seq
        self.origin = origin
        self.provider = provider
        self.eventID = eventID
        self.deliveryID = deliveryID
        self.providerType = providerType
        self.type = type
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.normalized = normalized
        self.notes = notes
    }
}
