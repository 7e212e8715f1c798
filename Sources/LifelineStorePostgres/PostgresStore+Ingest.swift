import LifelineCore
import LifelineStore
import PostgresNIO

/// Webhook ingestion: the raw delivery, its events, the ledger and the recovery engine's
/// changes commit in one transaction, exactly as in SQLiteStore.
extension PostgresStore {
    public func ingest(_ delivery: IncomingDelivery) async throws -> IngestResult {
        let reducer = self.reducer
        let recovery = self.recovery
        return try await write { session in
            try await Self.ingest(delivery, reducer: reducer, recovery: recovery, in: session)
        }
    }

    /// Claims every event first (the unique key decides which instance stores it), then locks
    /// the customers concerned in a fixed order, then applies the fresh events in body order.
    static func ingest(_ delivery: IncomingDelivery, reducer: LedgerReducer, recovery: RecoveryReducer, in session: PostgresSession) async throws -> IngestResult {
        var result = IngestResult()
        let provider = delivery.provider.rawValue
        let deliveryID = try await session.insertDelivery(
            provider: provider, receivedAt: delivery.receivedAt, headers: delivery.headers, body: delivery.body
        )
        var fresh: [ProviderEvent] = []
        var seenInBody = Set<String>()
        for event in delivery.events {
            let claimed = seenInBody.insert(event.id).inserted ? try await session.claimEvent(
                provider: provider, eventID: event.id, deliveryID: deliveryID, providerType: event.providerType,
                type: event.normalized?.type.rawValue, occurredAt: event.occurredAt, receivedAt: delivery.receivedAt,
                normalized: event.normalized, notes: nil
            ) : false
            if claimed { fresh.append(event) } else { result.duplicates.append(event.id) }
        }
        guard !fresh.isEmpty else {
            // Nothing new: the delivery row goes too, as SQLite never writes it.
            try await session.execute("DELETE FROM deliveries WHERE id = \(deliveryID)")
            return result
        }
        for customerID in Set(fresh.compactMap { $0.normalized?.customer.id }).sorted() {
            try await session.lockCustomer(customerID)
        }
        for event in fresh {
            var notes: [String] = []
            if let normalized = event.normalized {
                notes = try await apply(normalized, reducer: reducer, recovery: recovery, now: delivery.receivedAt, in: session)
            } else {
                result.ignored.append(event.id)
            }
            if !notes.isEmpty {
                try await session.execute("""
                    UPDATE events SET notes = \(notes.joined(separator: "; ")) WHERE provider = \(provider) AND event_id = \(event.id)
                    """)
            }
            result.stored.append(event.id)
            result.notes += notes
        }
        return result
    }

    /// Loads what the event touches, reduces, and writes the changes back.
    static func apply(_ event: BillingEvent, reducer: LedgerReducer, recovery: RecoveryReducer, now: Int64, in session: PostgresSession) async throws -> [String] {
        let state = try await loadState(for: event, in: session)
        let changes = reducer.apply(event, to: state)
        try await session.save(changes.customer)
        if let subscription = changes.subscription { try await session.save(subscription) }
        if let invoice = changes.invoice { try await session.save(invoice) }
        if let failure = changes.failure { try await session.save(failure) }
        if let movement = changes.movement { try await session.insert(movement) }
        try await applyRecovery(event, ledger: changes, reducer: recovery, now: now, in: session)
        return EventPipeline.notes(of: changes)
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
