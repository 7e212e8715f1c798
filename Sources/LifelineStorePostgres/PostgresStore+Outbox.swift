import LifelineCore
import LifelineStore
import PostgresNIO

/// The outbox shared by every instance: `FOR UPDATE SKIP LOCKED` lets concurrent claimers
/// pass each other without ever taking the same row; a lease that expires hands the actions
/// of a dead instance to the next claim.
extension PostgresStore {
    public func claimDueActions(now: Int64, limit: Int, leaseSeconds: Int64) async throws -> [RecoveryAction] {
        try await write { session in
            // Two reads that each walk a partial index in claim order, instead of one OR that
            // made PostgreSQL sort every due action per claim (as SQLite did before its split).
            let pending = try await session.all("""
                SELECT * FROM actions WHERE status = 'pending' AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id COLLATE "C" LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, PostgresRecords.action)
            let expired = try await session.all("""
                SELECT * FROM actions WHERE status = 'leased' AND lease_expires_at <= \(now)
                ORDER BY next_attempt_at, id COLLATE "C" LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, PostgresRecords.action)
            let due = (pending + expired).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }.prefix(limit)
            guard !due.isEmpty else { return [] }
            let ids = due.map(\.id)
            let claimed = try await session.all("""
                UPDATE actions SET status = 'leased', lease_expires_at = \(now + leaseSeconds), updated_at = \(now)
                WHERE id = ANY(\(ids)) RETURNING *
                """, PostgresRecords.action)
            // RETURNING has no order of its own.
            return claimed.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        }
    }

    public func recordAttempt(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) async throws {
        try await write { session in
            try await session.insert(attempt)
            guard let customerID = try await session.scalar(
                "SELECT customer_id FROM actions WHERE id = \(attempt.actionID)", as: String.self
            ) else { return }
            // Same lock as ingestion: a payment recorded meanwhile cannot lose this update, nor we its.
            try await session.lockCustomer(customerID)
            guard let stored = try await session.first(
                "SELECT * FROM actions WHERE id = \(attempt.actionID) FOR UPDATE", PostgresRecords.action
            ) else { return }
            let action = stored.recording(attempt, nextAttemptAt: nextAttemptAt, lastError: lastError)
            let now = RecoveryAction.finishedAt(attempt)
            try await session.update(action)
            try await Self.recordOnCase(action, attempt: attempt, now: now, in: session)
        }
    }

    /// Puts the attempt on the case's timeline; the first delivery moves the case to acting.
    static func recordOnCase(_ action: RecoveryAction, attempt: DeliveryAttempt, now: Int64, in session: PostgresSession) async throws {
        try await session.insert(TimelineEntry(caseID: action.caseID, at: now, kind: "attempt", summary: action.attemptSummary(attempt), reference: action.id))
        guard attempt.outcome == .delivered,
              var recoveryCase = try await session.first("SELECT * FROM cases WHERE id = \(action.caseID)", PostgresRecords.recoveryCase),
              recoveryCase.status == .open else { return }
        recoveryCase.status = .acting
        recoveryCase.actingAt = now
        recoveryCase.updatedAt = now
        try await session.save(recoveryCase)
        try await session.insert(TimelineEntry(
            caseID: recoveryCase.id, at: now, kind: "status", summary: "acting: \(action.kind.rawValue) delivered", reference: action.id
        ))
    }
}
