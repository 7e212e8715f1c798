import LifelineCore
import LifelineOutbound
import Testing

@Suite struct BackoffPolicyTests {
    @Test func delayDoublesAndCaps() {
        let policy = BackoffPolicy(baseSeconds: 2, maxSeconds: 60, maxAttempts: 5, jitter: .none)
        var random = SeededRandomNumberGenerator(seed: 1)
        let delays = (1...7).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: &random) }
        #expect(delays == [2, 4, 8, 16, 32, 60, 60])
        #expect(policy.exponentialDelay(afterAttempt: 10_000) == 60)
    }

    @Test func jitterStaysWithinItsBand() {
        var random = SeededRandomNumberGenerator(seed: 42)
        let full = BackoffPolicy(baseSeconds: 10, maxSeconds: 1_000, maxAttempts: 5, jitter: .full)
        let equal = BackoffPolicy(baseSeconds: 10, maxSeconds: 1_000, maxAttempts: 5, jitter: .equal)
        for _ in 0..<200 {
            #expect((0...40).contains(full.delay(afterAttempt: 3, retryAfter: nil, random: &random)))
            #expect((20...40).contains(equal.delay(afterAttempt: 3, retryAfter: nil, random: &random)))
        }
    }

    @Test func seededJitterIsRepeatable() {
        let policy = BackoffPolicy(baseSeconds: 10, maxSeconds: 1_000, maxAttempts: 5, jitter: .full)
        var first = SeededRandomNumberGenerator(seed: 7)
        var second = SeededRandomNumberGenerator(seed: 7)
        let a = (1...5).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: &first) }
        let b = (1...5).map { policy.delay(afterAttempt: $0, retryAfter: nil, random: &second) }
        #expect(a == b)
    }

    @Test func retryAfterIsNeverUndercut() {
        let policy = BackoffPolicy(baseSeconds: 1, maxSeconds: 60, maxAttempts: 5, jitter: .full)
        var random = SeededRandomNumberGenerator(seed: 3)
        for attempt in 1...4 {
            #expect(policy.delay(afterAttempt: attempt, retryAfter: 120, random: &random) == 120)
        }
        #expect(policy.delay(afterAttempt: 6, retryAfter: 1, random: &random) >= 1)
    }

    @Test func givesUpAtMaxAttempts() {
        let policy = BackoffPolicy(baseSeconds: 1, maxSeconds: 60, maxAttempts: 3)
        #expect(!policy.shouldGiveUp(attempts: 2))
        #expect(policy.shouldGiveUp(attempts: 3))
    }

    @Test func lastAllowedRetryBecomesDead() {
        let policy = BackoffPolicy(baseSeconds: 1, maxSeconds: 60, maxAttempts: 3, jitter: .none)
        var random = SeededRandomNumberGenerator(seed: 1)
        let retry = DeliveryOutcome.retry(httpStatus: 503, error: "HTTP 503", retryAfterSeconds: nil)
        let second = AttemptResolution.resolve(retry, attempt: 2, finishedAt: 100, policy: policy, random: &random)
        #expect(second == AttemptResolution(outcome: .retry, httpStatus: 503, error: "HTTP 503", nextAttemptAt: 102))
        let third = AttemptResolution.resolve(retry, attempt: 3, finishedAt: 100, policy: policy, random: &random)
        #expect(third.outcome == .dead)
        #expect(third.nextAttemptAt == nil)
        #expect(third.error == "gave up after 3 attempts: HTTP 503")
    }

    @Test func retryAfterParsesSecondsAndHTTPDates() {
        #expect(RetryAfter.seconds(from: "120", now: 0) == 120)
        #expect(RetryAfter.seconds(from: " 5 ", now: 0) == 5)
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_747) == 30)
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: 784_111_800) == 0)
        #expect(RetryAfter.seconds(from: "soon", now: 0) == nil)
        #expect(RetryAfter.seconds(from: "99999999999999999999", now: 0) == RetryAfter.ceilingSeconds)
    }
}
