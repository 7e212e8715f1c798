import LifelineCore
import LifelineStore

/// The outbox in memory, following the `OutboxStore` contract, for dispatcher tests.
actor FakeOutboxStore: OutboxStore {
    private(set) var actions: [String: RecoveryAction]
    private(set) var attempts: [DeliveryAttempt] = []

    init(_ actions: [RecoveryAction]) {
        self.actions = Dictionary(uniqueKeysWithValues: actions.map { ($0.id, $0) })
    }

    func action(_ id: String) -> RecoveryAction? { actions[id] }

    func claimDueActions(now: Int64, limit: Int, leaseSeconds: Int64) async throws -> [RecoveryAction] {
        let due = actions.values
            .filter { action in
                (action.status == .pending && action.nextAttemptAt <= now)
                    || (action.status == .leased && (action.leaseExpiresAt ?? 0) <= now)
            }
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
            .prefix(limit)
        return due.map { action in
            var leased = action
            leased.status = .leased
            leased.leaseExpiresAt = now + leaseSeconds
            leased.updatedAt = now
            actions[leased.id] = leased
            return leased
        }
    }

    func recordAttempt(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) async throws {
        guard var action = actions[attempt.actionID] else { throw FakeStoreError.unknownAction(attempt.actionID) }
        action.attempts = attempt.attempt
        action.lastError = lastError
        action.leaseExpiresAt = nil
        switch attempt.outcome {
        case .delivered:
            action.status = .delivered
            action.deliveredAt = attempt.startedAt
        case .retry:
            action.status = .pending
            action.nextAttemptAt = nextAttemptAt ?? attempt.startedAt
        case .dead:
            action.status = .dead
        }
        actions[action.id] = action
        attempts.append(attempt)
    }

    enum FakeStoreError: Error { case unknownAction(String) }
}
