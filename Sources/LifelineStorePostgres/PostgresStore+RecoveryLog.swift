import LifelineCore
import LifelineStore
import PostgresNIO

/// The recovery log for finance ops; text ids sort with `COLLATE "C"` so every instance (and
/// SQLite) lists them in the same order whatever the database's locale.
extension PostgresStore {
    public func caseDetail(id: String) async throws -> CaseDetail? {
        try await read { session in
            guard let recoveryCase = try await session.first("SELECT * FROM cases WHERE id = \(id)", PostgresRecords.recoveryCase) else {
                return nil
            }
            let actions = try await session.all("""
                SELECT * FROM actions WHERE case_id = \(id) ORDER BY created_at, id COLLATE "C"
                """, PostgresRecords.action)
            let attempts = try await session.all("""
                SELECT a.* FROM delivery_attempts a JOIN actions x ON x.id = a.action_id
                WHERE x.case_id = \(id) ORDER BY x.created_at, x.id COLLATE "C", a.id
                """, PostgresRecords.attempt)
            let failures = try await session.all("""
                SELECT * FROM payment_failures WHERE customer_id = \(recoveryCase.customerID) AND currency = \(recoveryCase.currency)
                  AND occurred_at >= \(recoveryCase.openedAt) ORDER BY occurred_at
                """, PostgresRecords.failure).filter { $0.invoiceID.map(recoveryCase.invoiceIDs.contains) ?? true }
            return CaseDetail(
                recoveryCase: recoveryCase,
                customer: try await session.first("SELECT * FROM customers WHERE id = \(recoveryCase.customerID)", PostgresRecords.customer),
                failures: failures, actions: actions, attempts: attempts,
                timeline: try await session.all("SELECT * FROM timeline WHERE case_id = \(id) ORDER BY at, id", PostgresRecords.timeline)
            )
        }
    }

    public func customerDetail(id: String) async throws -> CustomerDetail? {
        try await read { session in
            guard let customer = try await session.first("SELECT * FROM customers WHERE id = \(id)", PostgresRecords.customer) else {
                return nil
            }
            return CustomerDetail(
                customer: customer,
                subscriptions: try await session.all(
                    "SELECT * FROM subscriptions WHERE customer_id = \(id) ORDER BY id COLLATE \"C\"", PostgresRecords.subscription),
                invoices: try await session.all(
                    "SELECT * FROM invoices WHERE customer_id = \(id) ORDER BY created_at, id COLLATE \"C\"", PostgresRecords.invoice),
                failures: try await session.all(
                    "SELECT * FROM payment_failures WHERE customer_id = \(id) ORDER BY occurred_at, id COLLATE \"C\"", PostgresRecords.failure),
                movements: try await session.all(
                    "SELECT * FROM mrr_movements WHERE customer_id = \(id) ORDER BY occurred_at, id", PostgresRecords.movement),
                cases: try await session.all(
                    "SELECT * FROM cases WHERE customer_id = \(id) ORDER BY opened_at, id COLLATE \"C\"", PostgresRecords.recoveryCase)
            )
        }
    }

    public func retryAction(id: String, now: Int64) async throws -> RetryResult {
        try await write { session in
            guard let customerID = try await session.scalar("SELECT customer_id FROM actions WHERE id = \(id)", as: String.self) else {
                return .notFound
            }
            try await session.lockCustomer(customerID)
            guard let action = try await session.first("SELECT * FROM actions WHERE id = \(id) FOR UPDATE", PostgresRecords.action) else {
                return .notFound
            }
            guard let retry = action.sentBack(at: now) else { return .notRetryable(action.status) }
            try await session.update(retry.action)
            try await session.insert(retry.entry)
            return .scheduled(retry.action)
        }
    }

    /// Stored like a webhook (provider `partner:<name>`), so a resent callback is a duplicate;
    /// the customer's lock is taken before the claim, as ingestion would.
    public func ingestPartnerCallback(_ incoming: IncomingPartnerCallback) async throws -> PartnerCallbackResult {
        try await write { session in
            let provider = PartnerCallbackLog.provider(partner: incoming.partner)
            let callback = incoming.callback
            let exists = try await session.scalar("""
                SELECT EXISTS (SELECT 1 FROM events WHERE provider = \(provider) AND event_id = \(callback.id))
                """, as: Bool.self) ?? false
            if exists { return .duplicate }
            guard let customerID = try await session.scalar(
                "SELECT customer_id FROM actions WHERE id = \(callback.offerID)", as: String.self
            ) else { return .unknownOffer }
            try await session.lockCustomer(customerID)
            guard let action = try await session.first("SELECT * FROM actions WHERE id = \(callback.offerID)", PostgresRecords.action),
                  action.kind == .financingOffer, action.target == incoming.partner,
                  let recoveryCase = try await session.first("SELECT * FROM cases WHERE id = \(action.caseID)", PostgresRecords.recoveryCase)
            else { return .unknownOffer }
            let deliveryID = try await session.insertDelivery(
                provider: provider, receivedAt: incoming.receivedAt, headers: incoming.headers, body: incoming.body
            )
            let claimed = try await session.claimEvent(
                provider: provider, eventID: callback.id, deliveryID: deliveryID, providerType: callback.type.rawValue, type: nil,
                occurredAt: callback.occurredAt, receivedAt: incoming.receivedAt, normalized: nil,
                notes: "offer \(callback.offerID) on \(recoveryCase.id)"
            )
            guard claimed else {
                try await session.execute("DELETE FROM deliveries WHERE id = \(deliveryID)")
                return .duplicate
            }
            let caseActions = try await session.all("SELECT * FROM actions WHERE case_id = \(recoveryCase.id)", PostgresRecords.action)
            let changes = PartnerCallbackReducer.apply(
                callback, partner: incoming.partner, action: action, recoveryCase: recoveryCase, caseActions: caseActions
            )
            try await Self.save(changes, now: incoming.receivedAt, in: session)
            return .applied(caseID: recoveryCase.id)
        }
    }
}
