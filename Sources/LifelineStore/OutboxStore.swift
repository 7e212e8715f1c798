import LifelineCore

/// The outbox as the dispatcher sees it: claim what is due, report how delivery went.
public protocol OutboxStore: Sendable {
    /// Leases up to `limit` actions that are pending and due (`nextAttemptAt <= now`), or leased
    /// by someone whose lease has expired; each is returned with status `.leased`.
    func claimDueActions(now: Int64, limit: Int, leaseSeconds: Int64) async throws -> [RecoveryAction]
    /// Records one attempt and moves the action: delivered, back to pending at `nextAttemptAt`,
    /// or dead. Also updates the case (first delivery → acting) and its timeline.
    func recordAttempt(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) async throws
}
