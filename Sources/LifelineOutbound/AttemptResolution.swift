import LifelineCore

/// What one try means for the action: the attempt to record and when (if ever) to try again.
public struct AttemptResolution: Sendable, Equatable {
    public var outcome: DeliveryOutcomeKind
    public var httpStatus: Int?
    public var error: String?
    public var nextAttemptAt: Int64?

    public init(outcome: DeliveryOutcomeKind, httpStatus: Int?, error: String?, nextAttemptAt: Int64?) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.error = error
        self.nextAttemptAt = nextAttemptAt
    }

    /// A retry that used the last allowed try becomes a dead letter instead.
    public static func resolve(
        _ result: DeliveryOutcome, attempt: Int, finishedAt: Int64, policy: BackoffPolicy,
        random: inout some RandomNumberGenerator
    ) -> AttemptResolution {
        switch result {
        case .delivered(let status):
            return AttemptResolution(outcome: .delivered, httpStatus: status, error: nil, nextAttemptAt: nil)
        case .dead(let status, let error):
            return AttemptResolution(outcome: .dead, httpStatus: status, error: error, nextAttemptAt: nil)
        case .retry(let status, let error, let retryAfter):
            if policy.shouldGiveUp(attempts: attempt) {
                let reason = "gave up after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(error)"
                return AttemptResolution(outcome: .dead, httpStatus: status, error: reason, nextAttemptAt: nil)
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, random: &random)
            return AttemptResolution(outcome: .retry, httpStatus: status, error: error, nextAttemptAt: finishedAt + delay)
        }
    }
}
