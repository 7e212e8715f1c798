import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit
/// survives power loss before the webhook is acknowledged.
public final class SQLiteStore: LifelineStore {
    let pool: DatabasePool
    let reducer: LedgerReducer
    let recovery: RecoveryReducer
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
        reducer = LedgerReducer(reasonCodes: reasonCodes)
        recovery = RecoveryReducer(policy: policy)
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

    /// Acknowledged once the group-commit transaction holding this delivery is durable.
    public func ingest(_ delivery: IncomingDelivery) async throws -> IngestResult {
        let reducer = self.reducer
        let recovery = self.recovery
        // JSON columns that depend only on the delivery are encoded here, in the caller's task,
        // so the single writer spends its time on SQL alone.
        let encoded = try EncodedDelivery(delivery)
        return try await writer.submit { db in try Self.ingest(delivery, encoded: encoded, reducer: reducer, recovery: recovery, in: db) }
    }

    /// Runs inside the caller's transaction: everything or nothing is written.
    static func ingest(
        _ delivery: IncomingDelivery, encoded: EncodedDelivery, reducer: LedgerReducer, recovery: RecoveryReducer, in db: Database
    ) throws -> IngestResult {
        var result = IngestResult()
        let provider = delivery.provider.rawValue
        /// Indexes into `delivery.events` of the events stored for the first time.
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
            var notes: [String] = []
            if let normalized = event.normalized {
                notes = try apply(
                    normalized, snapshotJSON: encoded.snapshotJSON[index], reducer: reducer, recovery: recovery,
                    now: delivery.receivedAt, in: db
                )
            } else {
                result.ignored.append(event.id)
            }
            let stored = StoredEvent(
                provider: provider, eventID: event.id, deliveryID: deliveryID, providerType: event.providerType,
                type: event.normalized?.type.rawValue, occurredAt: event.occurredAt, receivedAt: delivery.receivedAt,
                normalized: event.normalized, notes: notes.isEmpty ? nil : notes.joined(separator: "; ")
            )
            try db.insertColumns(stored, normalizedJSON: encoded.normalizedJSON[index])
            result.stored.append(event.id)
            result.notes += notes
        }
        return result
    }

    /// Loads what the event touches, reduces, and writes the changes back.
    /// `snapshotJSON` is the event's subscription already encoded, reused when the row keeps it.
    static func apply(
        _ event: BillingEvent, snapshotJSON: String?, reducer: LedgerReducer, recovery: RecoveryReducer, now: Int64, in db: Database
    ) throws -> [String] {
        let state = try loadState(for: event, in: db)
        let changes = reducer.apply(event, to: state)
        // Cached INSERT / UPSERT statements: same rows as `save` and `insert`, a fraction of the cost.
        try db.upsertColumns(changes.customer)
        if let subscription = changes.subscription {
            if let snapshotJSON, subscription.snapshot == event.subscription {
                try db.upsertColumns(subscription, snapshotJSON: snapshotJSON)
            } else {
                try db.upsertColumns(subscription)
            }
        }
        if let invoice = changes.invoice { try db.upsertColumns(invoice) }
        if let failure = changes.failure { try db.upsertColumns(failure) }
        if let movement = changes.movement { try db.insertColumns(movement) }
        try applyRecovery(event, ledger: changes, reducer: recovery, now: now, in: db)
        return EventPipeline.notes(of: changes)
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
