import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineOutbound
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Testing

/// The peers are down (connection refused), then too slow (timeouts), then back: every action
/// is delivered, never before its backoff, and nothing goes to the dead letter. The clock only
/// moves by hand; the only real waiting is the 1 s request timeout of the slow phase.
@Suite("Partner outage", .serialized)
struct PartnerOutageTests {
    /// The bakery (cash flow → financing offer) and the studio (expired card → dunning), up to their failures.
    static func events() throws -> [(name: String, body: [UInt8], time: Int64)] {
        let bakery = try RecoveryFixture.demoEvents(customer: "boulangerie", through: "041-boulangerie-payment.failed.json")
        let studio = try RecoveryFixture.demoEvents(customer: "studio", through: "043-studio-payment.failed.json")
        return (bakery + studio).sorted { $0.name < $1.name }
    }

    @Test func everyActionIsDeliveredAfterTheOutageWithBackoffAndNoDeadLetter() async throws {
        let partner = FlakyPartner()
        let events = try Self.events()
        let fixture = try await RecoveryFixture.make(stubURL: partner.baseURL, start: events[0].time)
        try await fixture.server.run { client in
            for event in events {
                let response = try await client.post(event, clock: fixture.clock)
                #expect(response.status == .ok, "\(event.name): \(response.text)")
            }
        }
        var settings = makeOutboundSettings(fixture.server.configuration)
        settings.requestTimeoutSeconds = 1
        let dispatcher = OutboxDispatcher(
            store: fixture.store, deliverer: HTTPActionDeliverer(client: outboundHTTPClient, settings: settings, clock: fixture.clock),
            settings: settings, clock: fixture.clock, random: SeededRandomNumberGenerator(seed: 42)
        )
        let outage = Outage(store: fixture.store, clock: fixture.clock, dispatcher: dispatcher)

        // Down: nothing listens on the partner's port.
        try await outage.rounds(3)
        try await partner.serve {
            // Slow: the answer comes after the request timeout.
            partner.answer(after: .seconds(3))
            try await outage.rounds(2)
            // Back: every action, due or scheduled later, goes through.
            partner.answer(after: .zero)
            try await outage.untilSettled()
        }

        let actions = try await fixture.store.actions(status: nil)
        #expect(actions.count == 6)
        #expect(actions.allSatisfy { $0.status == .delivered }, "\(actions.map { "\($0.id): \($0.status)" })")
        #expect(try await fixture.store.actions(status: .dead).isEmpty)
        let policy = BackoffPolicy(settings: settings)
        var sawRefused = false, sawTimeout = false
        for action in actions {
            let attempts = try await fixture.store.attempts(actionID: action.id).sorted { $0.attempt < $1.attempt }
            #expect(attempts.map(\.attempt) == Array(1...attempts.count))
            #expect(attempts.dropLast().allSatisfy { $0.outcome == .retry }, "\(action.id)")
            #expect(attempts.last?.outcome == .delivered)
            #expect(attempts.count < policy.maxAttempts)
            for (earlier, later) in zip(attempts, attempts.dropFirst()) {
                // Equal jitter waits at least half the exponential delay.
                let minimum = policy.exponentialDelay(afterAttempt: earlier.attempt) / 2
                #expect(later.startedAt - earlier.startedAt >= minimum, "\(action.id) attempt \(later.attempt)")
            }
            sawRefused = sawRefused || attempts.contains { $0.httpStatus == nil && ($0.error ?? "").contains("could not reach") }
            sawTimeout = sawTimeout || attempts.contains { ($0.error ?? "").contains("timed out") }
        }
        #expect(sawRefused && sawTimeout)
        // At-least-once on the wire, once per idempotency key for the partner, same body every try.
        let offers = partner.received.filter { $0.path == "/partner/offers" }
        let financing = actions.filter { $0.kind == .financingOffer }.map(\.id)
        #expect(Set(offers.compactMap(\.idempotencyKey)) == Set(financing))
        for key in financing {
            #expect(Set(offers.filter { $0.idempotencyKey == key }.map(\.body)).count == 1)
        }
        #expect(Set(partner.received.compactMap(\.idempotencyKey)) == Set(actions.map(\.id)))
    }
}

/// Drives the dispatcher the way a quiet server would: drain, then jump to the next due time,
/// checking first that nothing is sent a second before it.
struct Outage {
    let store: SQLiteStore
    let clock: ManualClock
    let dispatcher: OutboxDispatcher

    func rounds(_ count: Int) async throws {
        for _ in 0..<count { try await round() }
    }

    func untilSettled(maxRounds: Int = 60) async throws {
        for _ in 0..<maxRounds {
            guard try await round() else { return }
        }
        Issue.record("outbox still busy after \(maxRounds) rounds")
    }

    /// Returns false once nothing is pending any more.
    @discardableResult
    func round() async throws -> Bool {
        try await dispatcher.drain()
        let pending = try await store.actions(status: .pending)
        guard let next = pending.map(\.nextAttemptAt).min() else { return false }
        if next > clock.nowSeconds() + 1 {
            clock.set(next - 1)
            #expect(try await dispatcher.drain() == 0, "an action went out before its next attempt time")
        }
        clock.set(max(clock.nowSeconds(), next))
        return true
    }
}
