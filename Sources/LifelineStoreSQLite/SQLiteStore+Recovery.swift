import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// Recovery runs inside the projection's transaction: the case and its outbox actions are
/// committed with the event that caused them, or not at all.
extension SQLiteStore {
    /// What `RecoveryReads` asks for; the case context only when the pipeline needs it.
    static func loadRecovery(_ reads: RecoveryReads, in db: Database) throws -> RecoveryLoad {
        let customerID = reads.customerID
        let running = try db.fetchAll(RecoveryCase.self, cachedSQL: LoadSQL.runningCases, values: [customerID])
        guard reads.needsCaseContext(runningCases: running.count) else { return RecoveryLoad(runningCases: running) }
        var actions: [RecoveryAction] = []
        for recoveryCase in running {
            actions += try db.fetchAll(RecoveryAction.self, cachedSQL: LoadSQL.caseActions, values: [recoveryCase.id])
        }
        let failures = reads.history ? try db.fetchAll(PaymentFailureRecord.self, cachedSQL: LoadSQL.recentFailures, values: [customerID]) : []
        let invoices = try db.fetchAll(InvoiceRecord.self, cachedSQL: LoadSQL.recentInvoices, values: [customerID])
        var mrr: Int64 = 0
        if reads.history, let currency = reads.currency {
            mrr = try db.fetchFirst(cachedSQL: LoadSQL.customerMRR, values: [customerID, currency]) {
                Int64.fromStatement($0, atUncheckedIndex: 0)
            } ?? 0
        }
        return RecoveryLoad(runningCases: running, caseActions: actions, pastFailures: failures, invoices: invoices, customerMRR: mrr)
    }

    /// `+status` keeps the planner on the id index: on `status` it would walk every pending action.
    static let cancelActionsSQL = """
        UPDATE actions SET status = 'cancelled', leaseExpiresAt = NULL, updatedAt = ?
        WHERE id IN (SELECT value FROM json_each(?)) AND +status IN ('pending', 'leased')
        """

    static func save(_ changes: RecoveryChanges, now: Int64, in db: Database) throws {
        for recoveryCase in changes.cases { try db.upsertColumns(recoveryCase) }
        for action in changes.newActions { try db.insertColumns(action) }
        if !changes.cancelledActionIDs.isEmpty {
            // One statement for all of them (a paid invoice cancels a case's three pending actions).
            try db.execute(cachedSQL: cancelActionsSQL, values: [now, JSONText.array(changes.cancelledActionIDs)])
        }
        for entry in changes.timeline { try db.insertColumns(entry) }
    }
}
