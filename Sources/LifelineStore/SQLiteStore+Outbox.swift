import GRDB
import LifelineCore

/// The outbox as a table: a lease marks a claimed action, so a dispatcher that dies leaves it
/// to the next claim once the lease expires.
extension SQLiteStore {
    public func claimDueActions(now: Int64, limit: Int, leaseSeconds: Int64) async throws -> [RecoveryAction] {
        try await pool.write { db in
            // Two indexed reads instead of one OR, which made SQLite sort every due action per claim.
            let pending = try RecoveryAction.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM actions WHERE status = 'pending' AND nextAttemptAt <= ? ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now, limit])
            let expired = try RecoveryAction.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM actions WHERE status = 'leased' AND leaseExpiresAt <= ? ORDER BY nextAttemptAt, id LIMIT ?
                """), arguments: [now, limit])
            let due = (pending + expired).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(limit)
            var claimed: [RecoveryAction] = []
            for var action in due {
                action.status = .leased
                action.leaseExpiresAt = now + leaseSeconds
                action.updatedAt = now
                try action.update(db)
                claimed.append(action)
            }
            return claimed
        }
    }

    /// Group-committed: the attempts of one dispatcher batch share a transaction.
    public func recordAttempt(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) async throws {
        try await writer.submit { db in
            try attempt.insert(db)
            guard let stored = try RecoveryAction.fetchOne(db, key: attempt.actionID) else { return }
            let action = stored.recording(attempt, nextAttemptAt: nextAttemptAt, lastError: lastError)
            let now = RecoveryAction.finishedAt(attempt)
            try action.update(db)
            try Self.recordOnCase(action, attempt: attempt, now: now, in: db)
        }
    }

    /// Puts the attempt on the case's timeline; the first delivery moves the case to acting.
    static func recordOnCase(_ action: RecoveryAction, attempt: DeliveryAttempt, now: Int64, in db: Database) throws {
        try TimelineEntry(caseID: action.caseID, at: now, kind: "attempt", summary: action.attemptSummary(attempt), reference: action.id).insert(db)
        guard attempt.outcome == .delivered, var recoveryCase = try RecoveryCase.fetchOne(db, key: action.caseID),
              recoveryCase.status == .open else { return }
        recoveryCase.status = .acting
        recoveryCase.actingAt = now
        recoveryCase.updatedAt = now
        try recoveryCase.update(db)
        try TimelineEntry(caseID: recoveryCase.id, at: now, kind: "status", summary: "acting: \(action.kind.rawValue) delivered", reference: action.id).insert(db)
    }
}
