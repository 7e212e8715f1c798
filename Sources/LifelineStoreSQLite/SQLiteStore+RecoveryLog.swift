import Foundation
import GRDB
import LifelineCore
import LifelineStore

extension SQLiteStore {
    public func caseDetail(id: String) async throws -> CaseDetail? {
        try await pool.read { db in
            guard let recoveryCase = try RecoveryCase.fetchOne(db, key: id) else { return nil }
            let actions = try RecoveryAction.filter(Column("caseID") == id).order(Column("createdAt"), Column("id")).fetchAll(db)
            var attempts: [DeliveryAttempt] = []
            for action in actions {
                attempts += try DeliveryAttempt.fetchAll(db, sql: "SELECT * FROM deliveryAttempts WHERE actionID = ? ORDER BY id", arguments: [action.id])
            }
            let failures = try PaymentFailureRecord.fetchAll(
                db, sql: "SELECT * FROM paymentFailures WHERE customerID = ? AND currency = ? AND occurredAt >= ? ORDER BY occurredAt",
                arguments: [recoveryCase.customerID, recoveryCase.currency, recoveryCase.openedAt]
            ).filter { $0.invoiceID.map(recoveryCase.invoiceIDs.contains) ?? true }
            return CaseDetail(
                recoveryCase: recoveryCase,
                customer: try CustomerRecord.fetchOne(db, key: recoveryCase.customerID),
                failures: failures, actions: actions, attempts: attempts,
                timeline: try TimelineEntry.fetchAll(db, sql: "SELECT * FROM timeline WHERE caseID = ? ORDER BY at, id", arguments: [id])
            )
        }
    }

    public func customerDetail(id: String) async throws -> CustomerDetail? {
        try await pool.read { db in
            guard let customer = try CustomerRecord.fetchOne(db, key: id) else { return nil }
            let byCustomer = Column("customerID") == id
            return CustomerDetail(
                customer: customer,
                subscriptions: try SubscriptionRecord.filter(byCustomer).order(Column("id")).fetchAll(db),
                invoices: try InvoiceRecord.filter(byCustomer).order(Column("createdAt")).fetchAll(db),
                failures: try PaymentFailureRecord.filter(byCustomer).order(Column("occurredAt")).fetchAll(db),
                movements: try MRRMovement.fetchAll(db, sql: "SELECT * FROM mrrMovements WHERE customerID = ? ORDER BY occurredAt, id", arguments: [id]),
                cases: try RecoveryCase.filter(byCustomer).order(Column("openedAt")).fetchAll(db)
            )
        }
    }

    public func retryAction(id: String, now: Int64) async throws -> RetryResult {
        try await pool.write { db in
            guard let action = try RecoveryAction.fetchOne(db, key: id) else { return .notFound }
            guard let retry = action.sentBack(at: now) else { return .notRetryable(action.status) }
            try retry.action.update(db)
            try retry.entry.insert(db)
            return .scheduled(retry.action)
        }
    }

    public func ingestPartnerCallback(_ incoming: IncomingPartnerCallback) async throws -> PartnerCallbackResult {
        try await pool.write { db in
            let provider = PartnerCallbackLog.provider(partner: incoming.partner)
            let callback = incoming.callback
            let exists = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM events WHERE provider = ? AND eventID = ?)", arguments: [provider, callback.id]
            ) ?? false
            if exists { return .duplicate }
            guard let action = try RecoveryAction.fetchOne(db, key: callback.offerID),
                  action.kind == .financingOffer, action.target == incoming.partner,
                  let recoveryCase = try RecoveryCase.fetchOne(db, key: action.caseID) else { return .unknownOffer }
            var row = DeliveryRow(provider: provider, receivedAt: incoming.receivedAt, headers: incoming.headers, body: incoming.body)
            try row.insert(db)
            // Logged like any event (the projector skips it: it is applied here, with its offer).
            try db.insertColumns(StoredEvent(
                provider: provider, eventID: callback.id, deliveryID: row.id ?? 0, providerType: callback.type.rawValue,
                type: nil, occurredAt: callback.occurredAt, receivedAt: incoming.receivedAt, normalized: nil,
                notes: "offer \(callback.offerID) on \(recoveryCase.id)"
            ), normalizedJSON: nil)
            let caseActions = try RecoveryAction.filter(Column("caseID") == recoveryCase.id).fetchAll(db)
            let changes = PartnerCallbackReducer.apply(
                callback, partner: incoming.partner, action: action, recoveryCase: recoveryCase, caseActions: caseActions
            )
            try Self.save(changes, now: incoming.receivedAt, in: db)
            return .applied(caseID: recoveryCase.id)
        }
    }
}
