import Foundation
import GRDB
import LifelineCore
import LifelineStore

/// Recovery runs inside the ingest transaction: the case and its outbox actions are committed
/// with the event that caused them, or not at all.
extension SQLiteStore {
    static func applyRecovery(_ event: BillingEvent, ledger: LedgerChanges, reducer: RecoveryReducer, now: Int64, in db: Database) throws {
        guard EventPipeline.recoveryEventTypes.contains(event.type) else { return }
        let state = try loadRecoveryState(for: event, ledger: ledger, in: db)
        let changes = reducer.apply(event, ledger: ledger, state: state, now: now)
        try save(changes, now: now, in: db)
    }

    static func loadRecoveryState(for event: BillingEvent, ledger: LedgerChanges, in db: Database) throws -> RecoveryState {
        let customerID = event.customer.id
        let running = try db.fetchAll(RecoveryCase.self, cachedSQL: LoadSQL.runningCases, values: [customerID])
        let readsHistory = RecoveryReducer.readsHistory(event.type)
        guard RecoveryReads(customerID: customerID, history: readsHistory, currency: event.currency).needsCaseContext(runningCases: running.count) else {
            return RecoveryState(customer: ledger.customer, runningCases: [], caseActions: [], pastFailures: [], invoices: [], customerMRR: 0, paydays: [])
        }
        var actions: [RecoveryAction] = []
        for recoveryCase in running {
            actions += try db.fetchAll(RecoveryAction.self, cachedSQL: LoadSQL.caseActions, values: [recoveryCase.id])
        }
        let failures = readsHistory ? try db.fetchAll(PaymentFailureRecord.self, cachedSQL: LoadSQL.recentFailures, values: [customerID]) : []
        let invoices = try db.fetchAll(InvoiceRecord.self, cachedSQL: LoadSQL.recentInvoices, values: [customerID])
        var mrr: Int64 = 0
        if readsHistory, let currency = event.currency {
            mrr = try db.fetchFirst(cachedSQL: LoadSQL.customerMRR, values: [customerID, currency]) {
                Int64.fromStatement($0, atUncheckedIndex: 0)
            } ?? 0
        }
        let paydays = PaydayScheduler.paydays(of: invoices)
        return RecoveryState(
            customer: ledger.customer, runningCases: running, caseActions: actions, pastFailures: failures,
            invoices: invoices, customerMRR: mrr, paydays: paydays
        )
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
