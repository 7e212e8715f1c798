/// How one delivery attempt moves an action, shared by every store so they cannot drift apart.
extension RecoveryAction {
    /// When the attempt ended: what the action and timeline are stamped with.
    public static func finishedAt(_ attempt: DeliveryAttempt) -> Int64 {
        attempt.startedAt + attempt.latencyMilliseconds / 1_000
    }

    /// The action after `attempt`: delivered always wins (the peer has it); a retry or a dead
    /// letter never brings back an action that was cancelled meanwhile.
    public func recording(_ attempt: DeliveryAttempt, nextAttemptAt: Int64?, lastError: String?) -> RecoveryAction {
        var action = self
        let now = Self.finishedAt(attempt)
        action.attempts = max(action.attempts, attempt.attempt)
        action.leaseExpiresAt = nil
        action.updatedAt = now
        action.lastError = lastError
        let wasCancelled = action.status == .cancelled
        switch attempt.outcome {
        case .delivered:
            action.status = .delivered
            action.deliveredAt = now
        case .retry where !wasCancelled:
            action.status = .pending
            action.nextAttemptAt = nextAttemptAt ?? now
        case .dead where !wasCancelled:
            action.status = .dead
        default:
            break
        }
        return action
    }

    /// The timeline line for `attempt` on this (already updated) action.
    public func attemptSummary(_ attempt: DeliveryAttempt) -> String {
        let status = attempt.httpStatus.map { "HTTP \($0)" } ?? "no HTTP answer"
        var summary = "\(kind.rawValue) attempt \(attempt.attempt): \(attempt.outcome.rawValue) (\(status), \(attempt.latencyMilliseconds) ms)"
        if let error = attempt.error { summary += ": \(error)" }
        if attempt.outcome == .retry, self.status == .pending { summary += "; next try at \(UTCDate.text(nextAttemptAt))" }
        return summary
    }
}
