import Foundation
import LifelineCore
import PostgresNIO

/// Recovery runs inside the ingest transaction, under the customer's lock: the case and its
/// outbox actions are committed with the event that caused them, or not at all.
extension PostgresStore {
    static func applyRecovery(_ event: BillingEvent, ledger: LedgerChanges, reducer: RecoveryReducer, now: Int64, in session: PostgresSession) async throws {
        guard EventPipeline.recoveryEventTypes.contains(event.type) else { return }
        let state = try await loadRecoveryState(for: event, ledger: ledger, in: session)
        let changes = reducer.apply(event, ledger: ledger, state: state, now: now)
        try await save(changes, now: now, in: session)
    }

    static func loadRecoveryState(for event: BillingEvent, ledger: LedgerChanges, in session: PostgresSession) async throws -> RecoveryState {
        let customerID = event.customer.id
        let running = try await session.all("""
            SELECT * FROM cases WHERE customer_id = \(customerID) AND status IN ('open', 'acting') ORDER BY opened_at
            """, PostgresRecords.recoveryCase)
        let readsHistory = RecoveryReducer.readsHistory(event.type)
        guard RecoveryReads(customerID: customerID, history: readsHistory, currency: event.currency).needsCaseContext(runningCases: running.count) else {
            return RecoveryState(customer: ledger.customer, runningCases: [], caseActions: [], pastFailures: [], invoices: [], customerMRR: 0, paydays: [])
        }
        var actions: [RecoveryAction] = []
        for recoveryCase in running {
            actions += try await session.all("""
                SELECT * FROM actions WHERE case_id = \(recoveryCase.id) ORDER BY created_at, id COLLATE "C"
                """, PostgresRecords.action)
        }
        let failures = readsHistory ? try await session.all("""
            SELECT * FROM payment_failures WHERE customer_id = \(customerID) ORDER BY occurred_at DESC LIMIT 50
            """, PostgresRecords.failure) : []
        let invoices = try await session.all("""
            SELECT * FROM invoices WHERE customer_id = \(customerID) ORDER BY created_at DESC LIMIT 50
            """, PostgresRecords.invoice)
        var mrr: Int64 = 0
        if readsHistory, let currency = event.currency {
            mrr = try await customerMRR(customerID, currency: currency, in: session)
        }
        let paydays = PaydayScheduler.paydays(of: invoices)
        return RecoveryState(
            customer: ledger.customer, runningCases: running, caseActions: actions, pastFailures: failures,
            invoices: invoices, customerMRR: mrr, paydays: paydays
        )
    }

    /// Writes a reducer's verdict: cases, new actions, cancellations (only of what is still
    /// pending or leased: a delivered action stays delivered), timeline.
    static func save(_ changes: RecoveryChanges, now: Int64, in session: PostgresSession) async throws {
        for recoveryCase in changes.cases { try await session.save(recoveryCase) }
        for action in changes.newActions { try await session.insert(action) }
        for id in changes.cancelledActionIDs {
            try await session.execute("""
                UPDATE actions SET status = 'cancelled', lease_expires_at = NULL, updated_at = \(now)
                WHERE id = \(id) AND status IN ('pending', 'leased')
                """)
        }
        for entry in changes.timeline { try await session.insert(entry) }
    }
}
