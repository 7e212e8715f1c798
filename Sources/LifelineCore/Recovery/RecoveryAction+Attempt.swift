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

extension RecoveryAction {
    /// Finance ops send an action again: only a dead or cancelled one, back to pending now with
    /// its attempts reset, and the timeline entry that says so; nil for any other status.
    public func sentBack(at now: Int64) -> (action: RecoveryAction, entry: TimelineEntry)? {
        guard status == .dead || status == .cancelled else { return nil }
        var action = self
        action.status = .pending
        action.attempts = 0
        action.nextAttemptAt = now
        action.leaseExpiresAt = nil
        action.updatedAt = now
        let entry = TimelineEntry(
            caseID: caseID, at: now, kind: "action",
            summary: "\(kind.rawValue) \(id) sent back to the outbox by finance ops (was \(status.rawValue))", reference: id
        )
        return (action, entry)
    }
}
