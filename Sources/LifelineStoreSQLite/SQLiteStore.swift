import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit
/// survives power loss before the webhook is acknowledged.
public final class SQLiteStore: LifelineStore {
    let pool: DatabasePool
    /// The domain steps from a logged event to its changes, shared with every store.
    let pipeline: EventPipeline
    /// The single writer of webhook deliveries and outbox attempts: concurrent ones share a commit.
    let writer: GroupCommitWriter

    public init(path: String, reasonCodes: ReasonCodeTable, policy: RecoveryPolicy = RecoveryPolicy()) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Savepoint sub-journals (one per group-committed write) stay in memory, not a temp file.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // 16 MiB of page cache a connection (SQLite's default is 2 MiB): the ledger rows a
            // webhook reads stay in memory instead of going back to the file.
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        configuration.busyMode = .timeout(10)
        // The single writer is the ingest bottleneck: its thread gets the highest priority so
        // HTTP and parsing threads do not preempt it (about +15 % webhooks/s on two cores).
        configuration.qos = .userInteractive
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets its writer to synchronous=NORMAL when it turns WAL on, after prepareDatabase:
        // put FULL back, or a commit acknowledged to a provider could vanish on power loss.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Checkpoints run beside the writer (WALCheckpointer); this one is only a backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 32000")
        }
        pipeline = EventPipeline(reasonCodes: reasonCodes, policy: policy)
        let checkpointer = try WALCheckpointer(path: path)
        writer = GroupCommitWriter(pool: pool) { writes in checkpointer.committed(writes: writes) }
    }

    public func migrate() async throws {
        try SQLiteMigrationLock.withLock(databasePath: pool.path) {
            try SQLiteSchema.migrator.migrate(pool)
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// Acknowledged once the group-commit transaction holding this delivery is durable; the
    /// events are applied later, by `project`.
    public func append(_ delivery: IncomingDelivery, origin: EventOrigin) async throws -> IngestResult {
        // JSON columns that depend only on the delivery are encoded here, in the caller's task,
        // so the single writer spends its time on SQL alone.
        let encoded = try EncodedDelivery(delivery)
        return try await writer.submit { db in try Self.append(delivery, origin: origin, encoded: encoded, in: db) }
    }

    public func append(contentsOf deliveries: [IncomingDelivery], origin: EventOrigin) async throws -> [IngestResult] {
        let encoded = try deliveries.map(EncodedDelivery.init)
        return try await writer.submit { db in
            try zip(deliveries, encoded).map { delivery, encoded in try Self.append(delivery, origin: origin, encoded: encoded, in: db) }
        }
    }

    /// Runs inside the caller's transaction: everything or nothing is written.
    static func append(_ delivery: IncomingDelivery, origin: EventOrigin, encoded: EncodedDelivery, in db: Database) throws -> IngestResult {
        var result = IngestResult()
        let provider = delivery.provider.rawValue
        /// Indexes into `delivery.events` of the events logged for the first time.
        var fresh: [Int] = []
        var seenInBody = Set<String>()
        for (index, event) in delivery.events.enumerated() {
            let exists = try db.fetchFirst(cachedSQL: LoadSQL.eventExists, values: [provider, event.id]) {
                Bool.fromStatement($0, atUncheckedIndex: 0)
            } ?? false
            if exists || !seenInBody.insert(event.id).inserted {
                result.duplicates.append(event.id)
            } else {
                fresh.append(index)
            }
        }
        guard !fresh.isEmpty else { return result }

        let deliveryID = try DeliveryRow.insert(
            provider: provider, receivedAt: delivery.receivedAt, headersJSON: encoded.headersJSON, body: delivery.body, in: db
        )
        for index in fresh {
            let event = delivery.events[index]
            let stored = StoredEvent(
                origin: origin, provider: provider, eventID: event.id, deliveryID: deliveryID, providerType: event.providerType,
                type: event.normalized?.type.rawValue, occurredAt: event.occurredAt, receivedAt: delivery.receivedAt,
                normalized: event.normalized, notes: nil
            )
            try db.insertColumns(stored, normalizedJSON: encoded.normalizedJSON[index])
            if event.normalized == nil {
                result.ignored.append(event.id)
            } else {
                result.stored.append(event.id)
            }
        }
        return result
    }

    /// Loads what the event touches, runs the pipeline, and writes the changes back.
    /// - Parameter rebuilding: a rebuild writes the ledger and the cases alone (`Rebuild.recorded`).
    static func apply(_ event: BillingEvent, origin: EventOrigin, receivedAt: Int64, pipeline: EventPipeline, rebuilding: Bool = false, in db: Database) throws -> [String] {
        let state = try loadState(for: event, in: db)
        let ledger = pipeline.applyLedger(event, to: state)
        // Cached INSERT / UPSERT statements: same rows as `save` and `insert`, a fraction of the cost.
        try db.upsertColumns(ledger.customer)
        if let subscription = ledger.subscription { try db.upsertColumns(subscription) }
        if let invoice = ledger.invoice { try db.upsertColumns(invoice) }
        if let failure = ledger.failure { try db.upsertColumns(failure) }
        if let movement = ledger.movement { try db.insertColumns(movement) }
        let loaded = try pipeline.recoveryReads(for: event).map { try loadRecovery($0, in: db) }
        var changes = pipeline.finish(event, origin: origin, receivedAt: receivedAt, ledger: ledger, recovery: loaded)
        if rebuilding { changes = Rebuild.recorded(changes) }
        try save(changes.recovery, now: receivedAt, in: db)
        return changes.notes
    }

    static func loadState(for event: BillingEvent, in db: Database) throws -> LedgerState {
        var state = LedgerState()
        // Cached statements, values bound and rows read by position (see `StatementColumns`).
        state.customer = try db.fetchFirst(CustomerRecord.self, cachedSQL: LoadSQL.customer, values: [event.customer.id])
        if let id = event.subscriptionID, LedgerReducer.subscriptionTypes.contains(event.type) {
            state.subscription = try db.fetchFirst(SubscriptionRecord.self, cachedSQL: LoadSQL.subscription, values: [id])
        }
        if let id = event.invoiceID {
            state.invoice = try db.fetchFirst(InvoiceRecord.self, cachedSQL: LoadSQL.invoice, values: [id])
        }
        if event.type == .paymentFailed || event.type == .paymentChargedBack {
            if let paymentID = event.payment?.id {
                state.relatedFailure = try db.fetchFirst(PaymentFailureRecord.self, cachedSQL: LoadSQL.latestFailureOfPayment, values: [paymentID])
            }
            if state.relatedFailure == nil, let invoiceID = event.invoiceID {
                state.relatedFailure = try db.fetchFirst(PaymentFailureRecord.self, cachedSQL: LoadSQL.latestFailureOfInvoice, values: [invoiceID])
            }
        }
        if let currency = event.subscription?.currency {
            let (mrr, hadMRR) = try db.fetchFirst(cachedSQL: LoadSQL.customerMRRAndHistory, values: [event.customer.id, currency]) {
                (Int64.fromStatement($0, atUncheckedIndex: 0) ?? 0, Bool.fromStatement($0, atUncheckedIndex: 1) ?? false)
            } ?? (0, false)
            state.customerMRR = mrr
            state.customerEverHadMRR = hadMRR
        }
        return state
    }
}
