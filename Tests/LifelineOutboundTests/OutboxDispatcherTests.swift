import LifelineTestSupport
import AsyncHTTPClient
import LifelineCore
import LifelineOutbound
import Logging
import ServiceLifecycle
import Testing

@Suite struct OutboxDispatcherTests {
    func dispatcher(_ store: FakeOutboxStore, settings: OutboundSettings, clock: any WallClock) -> OutboxDispatcher {
        OutboxDispatcher(
            store: store, deliverer: HTTPActionDeliverer(client: .shared, settings: settings, clock: clock),
            settings: settings, clock: clock, random: SeededRandomNumberGenerator(seed: 2024), logger: Fixtures.quietLogger
        )
    }

    @Test func partnerFailingThreeTimesIsDeliveredOnTheFourthTry() async throws {
        let action = Fixtures.financingAction()
        let store = FakeOutboxStore([action])
        let replies = [StubReply(status: 503), StubReply(status: 503), StubReply(status: 503), StubReply(status: 201)]
        try await PartnerStub.run(replies: replies) { stub, url in
            let clock = FixedClock(seconds: Fixtures.now)
            let processed = try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: clock).drain()
            #expect(processed == 4)
            #expect(stub.requests.count == 4)
            #expect(Set(stub.requests.map(\.bodyText)) == [action.payload])
            #expect(Set(stub.requests.compactMap { $0.headers["idempotency-key"] }) == [action.id])
        }
        let attempts = await store.attempts
        #expect(attempts.map(\.attempt) == [1, 2, 3, 4])
        #expect(attempts.map(\.outcome) == [.retry, .retry, .retry, .delivered])
        #expect(attempts.map(\.httpStatus) == [503, 503, 503, 201])
        #expect(attempts.allSatisfy { $0.latencyMilliseconds >= 0 && $0.startedAt == Fixtures.now })
        let final = try #require(await store.action(action.id))
        #expect(final.status == .delivered)
        #expect(final.attempts == 4)
        #expect(final.lastError == nil)
    }

    @Test func badRequestIsDeadAfterOneAttempt() async throws {
        let store = FakeOutboxStore([Fixtures.financingAction()])
        try await PartnerStub.run(replies: [StubReply(status: 400, body: "unknown currency")]) { stub, url in
            let processed = try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now)).drain()
            #expect(processed == 1)
            #expect(stub.requests.count == 1)
        }
        let attempts = await store.attempts
        #expect(attempts.count == 1)
        #expect(attempts.first?.outcome == .dead)
        let final = try #require(await store.action("act_fin_1"))
        #expect(final.status == .dead)
        #expect(final.lastError == "HTTP 400 from partner acme: unknown currency")
    }

    @Test func conflictIsDelivered() async throws {
        let store = FakeOutboxStore([Fixtures.financingAction()])
        try await PartnerStub.run(replies: [StubReply(status: 409)]) { _, url in
            try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now)).drain()
        }
        #expect(await store.action("act_fin_1")?.status == .delivered)
    }

    @Test func reachingMaxAttemptsIsDead() async throws {
        let store = FakeOutboxStore([Fixtures.financingAction()])
        try await PartnerStub.run(replies: [], fallback: StubReply(status: 503)) { stub, url in
            let settings = Fixtures.settings(baseURL: url, maxAttempts: 3)
            try await dispatcher(store, settings: settings, clock: FixedClock(seconds: Fixtures.now)).drain()
            #expect(stub.requests.count == 3)
        }
        let attempts = await store.attempts
        #expect(attempts.map(\.outcome) == [.retry, .retry, .dead])
        let final = try #require(await store.action("act_fin_1"))
        #expect(final.status == .dead)
        #expect(final.lastError == "gave up after 3 attempts: HTTP 503 from partner acme")
    }

    @Test func retryWaitsForBackoffAndRetryAfter() async throws {
        let store = FakeOutboxStore([Fixtures.financingAction()])
        let clock = ManualClock(Fixtures.now)
        try await PartnerStub.run(replies: [StubReply(status: 503, retryAfter: "120"), StubReply(status: 201)]) { stub, url in
            let dispatcher = dispatcher(store, settings: Fixtures.settings(baseURL: url, backoffBaseSeconds: 1), clock: clock)
            #expect(try await dispatcher.runOnce() == 1)
            let waiting = try #require(await store.action("act_fin_1"))
            #expect(waiting.status == .pending)
            #expect(waiting.nextAttemptAt == Fixtures.now + 120)
            clock.advance(by: 119)
            #expect(try await dispatcher.drain() == 0)
            clock.advance(by: 1)
            #expect(try await dispatcher.drain() == 1)
            #expect(stub.requests.count == 2)
        }
        #expect(await store.action("act_fin_1")?.status == .delivered)
    }

    @Test func stripeKeyNeverReachesTheRecordedError() async throws {
        let action = Fixtures.action(.retryPayment, id: "act_retry")
        let store = FakeOutboxStore([action])
        let echo = StubReply(status: 500, body: "Authorization: Bearer \(Fixtures.stripeKey)")
        try await PartnerStub.run(replies: [echo, StubReply(status: 200)]) { stub, url in
            try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now)).drain()
            #expect(stub.requests.map(\.path) == ["/v1/invoices/in_1001/pay", "/v1/invoices/in_1001/pay"])
            #expect(stub.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(Fixtures.stripeKey)" })
        }
        let attempts = await store.attempts
        #expect(attempts.map(\.outcome) == [.retry, .delivered])
        let firstError = try #require(attempts.first?.error)
        #expect(firstError == "HTTP 500 from Stripe: Authorization: Bearer [redacted]")
        #expect(!attempts.contains { ($0.error ?? "").contains(Fixtures.stripeKey) })
    }

    @Test func notifyOpsIsDeliveredWithoutHTTP() async throws {
        let store = FakeOutboxStore([Fixtures.action(.notifyOps, id: "act_ops")])
        try await PartnerStub.run(replies: []) { stub, url in
            try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now)).drain()
            #expect(stub.requests.isEmpty)
        }
        let attempts = await store.attempts
        #expect(attempts.count == 1)
        #expect(attempts.first?.outcome == .delivered)
        #expect(attempts.first?.httpStatus == nil)
    }

    @Test func batchIsDeliveredConcurrentlyAndOnce() async throws {
        let actions = (1...10).map { Fixtures.financingAction(id: "act_\($0)") }
        let store = FakeOutboxStore(actions)
        try await PartnerStub.run(replies: []) { stub, url in
            let processed = try await dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now)).drain()
            #expect(processed == 10)
            #expect(Set(stub.requests.compactMap { $0.headers["idempotency-key"] }).count == 10)
            #expect(stub.requests.count == 10)
        }
    }

    @Test func serviceDeliversUntilGracefulShutdown() async throws {
        let store = FakeOutboxStore([Fixtures.financingAction()])
        try await PartnerStub.run(replies: []) { _, url in
            let dispatcher = dispatcher(store, settings: Fixtures.settings(baseURL: url), clock: FixedClock(seconds: Fixtures.now))
            let group = ServiceGroup(
                configuration: .init(services: [dispatcher], gracefulShutdownSignals: [], logger: Fixtures.quietLogger)
            )
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                // Poll (bounded) until the service has delivered, then stop it gracefully.
                for _ in 0..<500 where await store.attempts.isEmpty {
                    try await Task.sleep(for: .milliseconds(10))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        #expect(await store.action("act_fin_1")?.status == .delivered)
    }
}
