import GRDB
import LifelineCore
import LifelineStore

/// The outbox as a table: a lease marks a claimed action, so a dispatcher that dies leaves it
/// to the next claim once the lease expires.
extension SQLiteStore {
    public func claimDueActions(now: Int64, limit: Int, leaseSeconds: Int64) async throws -> [RecoveryAction] {
        try await pool.write { db in
            // Two indexed reads instead of one OR, which made SQLite sort every due action per claim.
            let pending = try db.fetchAll(RecoveryAction.self, cachedSQL: OutboxSQL.duePending, values: [now, limit])
            let expired = try db.fetchAll(RecoveryAction.self, cachedSQL: OutboxSQL.expiredLeases, values: [now, limit])
            let due = (pending + expired).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(limit)
            var claimed: [RecoveryAction] = []
            for var action in due {
                action.status = .leased
                action.leaseExpiresAt = now + leaseSeconds
                action.updatedAt = now
                try db.execute(cachedSQL: OutboxSQL.lease, values: [action.leaseExpiresAt, now, action.id])
                claimed.append(action)
            }
            return claimed
        }
    }

    /// Group-committed: the attempts of one dispatcher batch share a transaction.
    public func recordAttempt(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) async throws {
        try await writer.submit { db in
            try db.insertColumns(attempt)
            guard let stored = try db.fetchFirst(RecoveryAction.self, cachedSQL: OutboxSQL.action, values: [attempt.actionID]) else { return }
            let action = stored.recording(attempt, nextAttemptAt: nextAttemptAt, lastError: lastError)
            let now = RecoveryAction.finishedAt(attempt)
            try db.upsertColumns(action)
            try Self.recordOnCase(action, attempt: attempt, now: now, in: db)
        }
    }

    /// Puts the attempt on the case's timeline; the first delivery moves the case to acting.
    static func recordOnCase(_ action: RecoveryAction, attempt: DeliveryAttempt, now: Int64, in db: Database) throws {
        try db.insertColumns(TimelineEntry(caseID: action.caseID, at: now, kind: "attempt", summary: action.attemptSummary(attempt), reference: action.id))
        guard attempt.outcome == .delivered,
              var recoveryCase = try db.fetchFirst(RecoveryCase.self, cachedSQL: OutboxSQL.recoveryCase, values: [action.caseID]),
              recoveryCase.status == .open else { return }
        recoveryCase.status = .acting
        recoveryCase.actingAt = now
        recoveryCase.updatedAt = now
        try db.upsertColumns(recoveryCase)
        try db.insertColumns(TimelineEntry(
            caseID: recoveryCase.id, at: now, kind: "status", summary: "acting: \(action.kind.rawValue) delivered", reference: action.id
        ))
    }
}

/// The outbox's statements, reading rows by position (see `StatementColumns`).
enum OutboxSQL {
    static let duePending = "SELECT \(RecoveryAction.columnSQL.selection) FROM actions "
        + "WHERE status = 'pending' AND nextAttemptAt <= ? ORDER BY nextAttemptAt, id LIMIT ?"
    static let expiredLeases = "SELECT \(RecoveryAction.columnSQL.selection) FROM actions "
        + "WHERE status = 'leased' AND leaseExpiresAt <= ? ORDER BY nextAttemptAt, id LIMIT ?"
    static let lease = "UPDATE actions SET status = 'leased', leaseExpiresAt = ?, updatedAt = ? WHERE id = ?"
    static let action = "SELECT \(RecoveryAction.columnSQL.selection) FROM actions WHERE id = ?"
    static let recoveryCase = "SELECT \(RecoveryCase.columnSQL.selection) FROM cases WHERE id = ?"
}
