import Foundation
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineServer
import LifelineStore
import LifelineStorePostgres
import LifelineTestSupport
import Logging
import Testing

/// `outbox.max_attempts` on the real stores: the dispatcher calls a partner on loopback that
/// answers 500 every time; the action goes to the dead letter after the last try, and stays there.
@Suite("Dead letter on the real stores", .serialized)
struct DeadLetterTests {
    @Test func sqlite() async throws {
        try await Self.partnerFailingEveryTimeGoesDead(postgres: false)
    }

    @Test(.enabled(if: MultiInstance.databaseURL != nil, "LIFELINE_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL 15 and sets it"))
    func postgres() async throws {
        try await Self.partnerFailingEveryTimeGoesDead(postgres: true)
    }

    static let offer = "act_evt_demo_041_cash-flow-financing_offer"

    static func partnerFailingEveryTimeGoesDead(postgres: Bool) async throws {
        try await PartnerStub.run(replies: [], fallback: StubReply(status: 500, body: "partner down")) { stub, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            var configuration = fixture.server.configuration
            configuration.recovery.maxAttempts = 3
            // The app shuts a PostgreSQL store down with itself: the webhooks go through one
            // instance, the dispatcher runs on another, like two processes on one database.
            let store: any LifelineStore
            let webhookStore: any LifelineStore
            var postgresStores: [PostgresStore] = []
            if postgres {
                let url = try Self.postgresURL()
                for _ in 0..<2 {
                    postgresStores.append(try PostgresStore(url: url, reasonCodes: configuration.reasonCodes, policy: configuration.recovery.policy))
                }
                try await postgresStores[0].migrate()
                store = postgresStores[0]
                webhookStore = postgresStores[1]
            } else {
                store = fixture.store
                webhookStore = fixture.store
            }
            do {
                var logger = Logger(label: "lifeline.test")
                logger.logLevel = .critical
                let app = buildApplication(configuration: configuration, dependencies: AppDependencies(
                    store: webhookStore, clock: fixture.clock, logger: logger, runsDispatcher: false, projectsBeforeAcknowledging: true
                ))
                try await app.test(.live) { client in
                    for event in events {
                        let response = try await client.post(event, clock: fixture.clock)
                        #expect(response.status == .ok, "\(event.name): \(response.text)")
                    }
                }
                let dependencies = AppDependencies(store: store, clock: fixture.clock, logger: logger, runsDispatcher: false)
                let dispatcher = makeDispatcher(configuration: configuration, dependencies: dependencies)
                // An hour between polls is past any backoff (backoff_max_seconds: 3600) and short of
                // the plan's next step (two days): only the offer is due.
                for _ in 0..<6 {
                    try await dispatcher.drain()
                    fixture.clock.advance(by: 3_600)
                }
                let offers = stub.requests.filter { $0.path == "/partner/offers" }
                #expect(offers.count == 3, "max_attempts is 3")
                #expect(Set(offers.compactMap { $0.headers["idempotency-key"] }) == [Self.offer])
                #expect(stub.requests.count == 3, "\(stub.requests.map(\.path))")

                let action = try #require(try await store.actions(status: nil).first { $0.id == Self.offer })
                #expect(action.status == .dead)
                #expect(action.attempts == 3)
                #expect(action.lastError == "gave up after 3 attempts: HTTP 500 from partner sandbox: partner down")
                #expect(try await store.actions(status: .dead).map(\.id) == [Self.offer])
                let attempts = try await store.attempts(actionID: Self.offer)
                #expect(attempts.map(\.attempt) == [1, 2, 3])
                #expect(attempts.map(\.outcome) == [.retry, .retry, .dead])
                #expect(attempts.map(\.httpStatus) == [500, 500, 500])
                // Nothing was delivered: the case waits for ops, still open.
                let recoveryCase = try #require(try await store.caseDetail(id: "case_evt_demo_041"))
                #expect(recoveryCase.recoveryCase.status == .open)
                #expect(recoveryCase.timeline.filter { $0.kind == "attempt" }.map(\.summary).last?.hasPrefix("financing_offer attempt 3: dead (HTTP 500") == true)

                // Dead is final: later polls never call the partner again.
                try await dispatcher.drain()
                #expect(stub.requests.count == 3)
                #expect(try await store.actions(status: .dead).map(\.id) == [Self.offer])
            } catch {
                await Self.close(postgresStores)
                throw error
            }
            await Self.close(postgresStores)
        }
    }

    static func close(_ stores: [PostgresStore]) async {
        if let first = stores.first { try? await first.dropSchema() }
        for store in stores { await store.shutdown() }
    }

    /// The test server's URL with a schema of this test's own.
    static func postgresURL() throws -> String {
        guard let base = MultiInstance.databaseURL, var components = URLComponents(string: base) else { throw CancellationError() }
        let schema = "lifeline_dead_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" } + [URLQueryItem(name: "schema", value: schema)]
        return try #require(components.string)
    }
}
