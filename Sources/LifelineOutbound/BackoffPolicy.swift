/// When to try again after a temporary failure, and when to stop trying.
public struct BackoffPolicy: Sendable, Hashable {
    /// How the exponential delay is randomised so failed actions do not retry in lockstep.
    public enum Jitter: String, Sendable, Hashable {
        /// The exact exponential delay.
        case none
        /// Anywhere in 0…delay.
        case full
        /// Half the delay plus a random share of the other half.
        case equal
    }

    public var baseSeconds: Int64
    public var maxSeconds: Int64
    public var maxAttempts: Int
    public var jitter: Jitter

    public init(baseSeconds: Int64, maxSeconds: Int64, maxAttempts: Int, jitter: Jitter = .equal) {
        self.baseSeconds = max(0, baseSeconds)
        self.maxSeconds = max(0, maxSeconds)
        self.maxAttempts = max(1, maxAttempts)
        self.jitter = jitter
    }

    public init(settings: OutboundSettings, jitter: Jitter = .equal) {
        self.init(
            baseSeconds: settings.backoffBaseSeconds, maxSeconds: settings.backoffMaxSeconds,
            maxAttempts: settings.maxAttempts, jitter: jitter
        )
    }

    /// min(max, base × 2^(n−1)), jittered, and never sooner than the peer's `Retry-After`.
    public func delay(afterAttempt attempt: Int, retryAfter: Int64?, random: inout some RandomNumberGenerator) -> Int64 {
        let ceiling = exponentialDelay(afterAttempt: attempt)
        let jittered: Int64
        switch jitter {
        case .none: jittered = ceiling
        case .full: jittered = Int64.random(in: 0...ceiling, using: &random)
        case .equal:
            let half = ceiling / 2
            jittered = half + Int64.random(in: 0...(ceiling - half), using: &random)
        }
        return max(jittered, max(0, retryAfter ?? 0))
    }

    /// The un-jittered delay, saturating at `maxSeconds` instead of overflowing.
    public func exponentialDelay(afterAttempt attempt: Int) -> Int64 {
        let exponent = max(0, attempt - 1)
        guard baseSeconds > 0 else { return 0 }
        guard exponent < 62, baseSeconds <= (maxSeconds >> exponent) else { return maxSeconds }
        return min(maxSeconds, baseSeconds << exponent)
    }

    /// True once `attempts` tries have been made and no more are allowed.
    public func shouldGiveUp(attempts: Int) -> Bool {
        attempts >= maxAttempts
    }
}
