import Foundation
import LifelineCore
import PostgresNIO

/// Recovery runs inside the projection's transaction, under the customer's lock: the case and
/// its outbox actions are committed with the event that caused them, or not at all.
extension PostgresStore {
    /// What `RecoveryReads` asks for; the case context only when the pipeline needs it.
    static func loadRecovery(_ reads: RecoveryReads, in session: PostgresSession) async throws -> RecoveryLoad {
        let customerID = reads.customerID
        let running = try await session.all("""
            SELECT * FROM cases WHERE customer_id = \(customerID) AND status IN ('open', 'acting') ORDER BY opened_at
            """, PostgresRecords.recoveryCase)
        guard reads.needsCaseContext(runningCases: running.count) else { return RecoveryLoad(runningCases: running) }
        var actions: [RecoveryAction] = []
        for recoveryCase in running {
            actions += try await session.all("""
                SELECT * FROM actions WHERE case_id = \(recoveryCase.id) ORDER BY created_at, id COLLATE "C"
                """, PostgresRecords.action)
        }
        let limit = RecoveryLoad.historyLimit
        let failures = reads.history ? try await session.all("""
            SELECT * FROM payment_failures WHERE customer_id = \(customerID) ORDER BY occurred_at DESC LIMIT \(limit)
            """, PostgresRecords.failure) : []
        let invoices = try await session.all("""
            SELECT * FROM invoices WHERE customer_id = \(customerID) ORDER BY created_at DESC LIMIT \(limit)
            """, PostgresRecords.invoice)
        var mrr: Int64 = 0
        if reads.history, let currency = reads.currency {
            mrr = try await customerMRR(customerID, currency: currency, in: session)
        }
        return RecoveryLoad(runningCases: running, caseActions: actions, pastFailures: failures, invoices: invoices, customerMRR: mrr)
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
