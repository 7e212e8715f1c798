import LifelineCore
import LifelineStore
import PostgresNIO

/// Ledger reads, in the same order as SQLiteStore's so both stores list the same rows alike.
extension PostgresStore {
    public func summary() async throws -> LedgerSummary {
        try await read { session in
            func counts(_ query: PostgresQuery) async throws -> [String: Int] {
                var out: [String: Int] = [:]
                for row in try await session.rows(query) { out[try row[0].decode(String.self)] = try row[1].decode(Int.self) }
                return out
            }
            func count(_ query: PostgresQuery) async throws -> Int { try await session.scalar(query, as: Int.self) ?? 0 }
            var mrr: [String: Int64] = [:]
            for row in try await session.rows("SELECT currency, SUM(mrr)::BIGINT FROM subscriptions GROUP BY currency") {
                mrr[try row[0].decode(String.self)] = try row[1].decode(Int64.self)
            }
            return LedgerSummary(
                events: try await count("SELECT COUNT(*) FROM events"),
                ignoredEvents: try await count("SELECT COUNT(*) FROM events WHERE type IS NULL"),
                customers: try await count("SELECT COUNT(*) FROM customers"),
                activeSubscriptions: try await count("SELECT COUNT(*) FROM subscriptions WHERE mrr > 0"),
                mrrByCurrency: mrr,
                invoicesByStatus: try await counts("SELECT status, COUNT(*) FROM invoices GROUP BY status"),
                failuresByCategory: try await counts("SELECT category, COUNT(*) FROM payment_failures GROUP BY category"),
                movementsByKind: try await counts("SELECT kind, COUNT(*) FROM mrr_movements GROUP BY kind")
            )
        }
    }

    public func customers() async throws -> [CustomerRecord] {
        try await read { try await $0.all("SELECT * FROM customers ORDER BY id COLLATE \"C\"", PostgresRecords.customer) }
    }

    public func subscriptions() async throws -> [SubscriptionRecord] {
        try await read { try await $0.all("SELECT * FROM subscriptions ORDER BY id COLLATE \"C\"", PostgresRecords.subscription) }
    }

    public func invoices() async throws -> [InvoiceRecord] {
        try await read { try await $0.all("SELECT * FROM invoices ORDER BY id COLLATE \"C\"", PostgresRecords.invoice) }
    }

    public func paymentFailures() async throws -> [PaymentFailureRecord] {
        try await read {
            try await $0.all("SELECT * FROM payment_failures ORDER BY occurred_at, id COLLATE \"C\"", PostgresRecords.failure)
        }
    }

    public func movements() async throws -> [MRRMovement] {
        try await read { try await $0.all("SELECT * FROM mrr_movements ORDER BY occurred_at, id", PostgresRecords.movement) }
    }

    public func storedEvents() async throws -> [StoredEvent] {
        try await read {
            try await $0.all("SELECT * FROM events ORDER BY seq", PostgresRecords.storedEvent)
        }
    }
}
