import GRDB
import LifelineCore
import LifelineStore

extension SQLiteStore {
    public func summary() async throws -> LedgerSummary {
        try await pool.read { db in
            func counts(_ sql: String) throws -> [String: Int] {
                var out: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: sql) { out[row[0]] = row[1] }
                return out
            }
            var mrr: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT currency, SUM(mrr) FROM subscriptions GROUP BY currency") {
                mrr[row[0]] = row[1]
            }
            return LedgerSummary(
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                ignoredEvents: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type IS NULL") ?? 0,
                customers: try CustomerRecord.fetchCount(db),
                activeSubscriptions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM subscriptions WHERE mrr > 0") ?? 0,
                mrrByCurrency: mrr,
                invoicesByStatus: try counts("SELECT status, COUNT(*) FROM invoices GROUP BY status"),
                failuresByCategory: try counts("SELECT category, COUNT(*) FROM paymentFailures GROUP BY category"),
                movementsByKind: try counts("SELECT kind, COUNT(*) FROM mrrMovements GROUP BY kind")
            )
        }
    }

    public func customers() async throws -> [CustomerRecord] {
        try await pool.read { db in try CustomerRecord.order(Column("id")).fetchAll(db) }
    }

    public func subscriptions() async throws -> [SubscriptionRecord] {
        try await pool.read { db in try SubscriptionRecord.order(Column("id")).fetchAll(db) }
    }

    public func invoices() async throws -> [InvoiceRecord] {
        try await pool.read { db in try InvoiceRecord.order(Column("id")).fetchAll(db) }
    }

    public func paymentFailures() async throws -> [PaymentFailureRecord] {
        try await pool.read { db in try PaymentFailureRecord.order(Column("occurredAt"), Column("id")).fetchAll(db) }
    }

    public func movements() async throws -> [MRRMovement] {
        try await pool.read { db in
            try MRRMovement.fetchAll(db, sql: "SELECT * FROM mrrMovements ORDER BY occurredAt, id")
        }
    }

    public func storedEvents() async throws -> [StoredEvent] {
        try await pool.read { db in try StoredEvent.order(Column("seq")).fetchAll(db) }
    }

    /// Raw deliveries, newest last; their bytes are exactly what the provider sent.
    public func deliveries() async throws -> [DeliveryRow] {
        try await pool.read { db in try DeliveryRow.order(Column("id")).fetchAll(db) }
    }
}
