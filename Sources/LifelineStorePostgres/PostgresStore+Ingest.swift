import LifelineCore
import LifelineStore
import PostgresNIO

/// The event log on PostgreSQL: appends commit the raw delivery and its events alone; the
/// projector applies them later. `seq` comes from a sequence, so its order is not commit order:
/// each event carries its own `projected_at` instead of one cursor, and none is ever skipped.
extension PostgresStore {
    public func append(_ delivery: IncomingDelivery, origin: EventOrigin) async throws -> IngestResult {
        try await write { session in try await Self.append(delivery, origin: origin, in: session) }
    }

    public func append(contentsOf deliveries: [IncomingDelivery], origin: EventOrigin) async throws -> [IngestResult] {
        try await write { session in
            var results: [IngestResult] = []
            for delivery in deliveries { results.append(try await Self.append(delivery, origin: origin, in: session)) }
            return results
        }
    }

    /// Claims every event (the unique key decides which instance logs it); a delivery with
    /// nothing new leaves no row behind.
    static func append(_ delivery: IncomingDelivery, origin: EventOrigin, in session: PostgresSession) async throws -> IngestResult {
        var result = IngestResult()
        let provider = delivery.provider.rawValue
        let deliveryID = try await session.insertDelivery(
            provider: provider, receivedAt: delivery.receivedAt, headers: delivery.headers, body: delivery.body
        )
        var seenInBody = Set<String>()
        var claimedAny = false
        for event in delivery.events {
            let claimed = seenInBody.insert(event.id).inserted ? try await session.claimEvent(
                provider: provider, eventID: event.id, deliveryID: deliveryID, providerType: event.providerType,
                type: event.normalized?.type.rawValue, occurredAt: event.occurredAt, receivedAt: delivery.receivedAt,
                normalized: event.normalized, notes: nil, origin: origin
            ) : false
            if !claimed {
                result.duplicates.append(event.id)
            } else if event.normalized == nil {
                result.ignored.append(event.id)
            } else {
                result.stored.append(event.id)
            }
            claimedAny = claimedAny || claimed
        }
        if !claimedAny { try await session.execute("DELETE FROM deliveries WHERE id = \(deliveryID)") }
        return result
    }

    /// Loads what the event touches, runs the pipeline, and writes the changes back.
    /// - Parameter rebuilding: a rebuild writes the ledger and the cases alone (`Rebuild.recorded`).
    static func apply(
        _ event: BillingEvent, origin: EventOrigin, receivedAt: Int64, pipeline: EventPipeline, rebuilding: Bool = false, in session: PostgresSession
    ) async throws -> [String] {
        let state = try await loadState(for: event, in: session)
        let ledger = pipeline.applyLedger(event, to: state)
        try await session.save(ledger.customer)
        if let subscription = ledger.subscription { try await session.save(subscription) }
        if let invoice = ledger.invoice { try await session.save(invoice) }
        if let failure = ledger.failure { try await session.save(failure) }
        if let movement = ledger.movement { try await session.insert(movement) }
        var loaded: RecoveryLoad?
        if let reads = pipeline.recoveryReads(for: event) { loaded = try await loadRecovery(reads, in: session) }
        var changes = pipeline.finish(event, origin: origin, receivedAt: receivedAt, ledger: ledger, recovery: loaded)
        if rebuilding { changes = Rebuild.recorded(changes) }
        try await save(changes.recovery, now: receivedAt, in: session)
        return changes.notes
    }

    static func loadState(for event: BillingEvent, in session: PostgresSession) async throws -> LedgerState {
        var state = LedgerState()
        let customerID = event.customer.id
        state.customer = try await session.first("SELECT * FROM customers WHERE id = \(customerID)", PostgresRecords.customer)
        if let id = event.subscriptionID, LedgerReducer.subscriptionTypes.contains(event.type) {
            state.subscription = try await session.first("SELECT * FROM subscriptions WHERE id = \(id)", PostgresRecords.subscription)
        }
        if let id = event.invoiceID {
            state.invoice = try await session.first("SELECT * FROM invoices WHERE id = \(id)", PostgresRecords.invoice)
        }
        if event.type == .paymentFailed || event.type == .paymentChargedBack {
            if let paymentID = event.payment?.id {
                state.relatedFailure = try await session.first("""
                    SELECT * FROM payment_failures WHERE payment_id = \(paymentID) ORDER BY occurred_at DESC LIMIT 1
                    """, PostgresRecords.failure)
            }
            if state.relatedFailure == nil, let invoiceID = event.invoiceID {
                state.relatedFailure = try await session.first("""
                    SELECT * FROM payment_failures WHERE invoice_id = \(invoiceID) ORDER BY occurred_at DESC LIMIT 1
                    """, PostgresRecords.failure)
            }
        }
        if let currency = event.subscription?.currency {
            state.customerMRR = try await customerMRR(customerID, currency: currency, in: session)
            state.customerEverHadMRR = try await session.scalar("""
                SELECT EXISTS (SELECT 1 FROM mrr_movements WHERE customer_id = \(customerID) AND currency = \(currency))
                """, as: Bool.self) ?? false
        }
        return state
    }

    static func customerMRR(_ customerID: String, currency: String, in session: PostgresSession) async throws -> Int64 {
        try await session.scalar("""
            SELECT COALESCE(SUM(mrr), 0)::BIGINT FROM subscriptions WHERE customer_id = \(customerID) AND currency = \(currency)
            """, as: Int64.self) ?? 0
    }
}
