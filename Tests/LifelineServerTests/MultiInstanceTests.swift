import AsyncHTTPClient
import Foundation
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import LifelineStorePostgres
import LifelineTestSupport
import Logging
import NIOCore
import Synchronization
import Testing

/// Several `lifeline serve` processes behind a load balancer on one PostgreSQL: each instance
/// is a real server on its own port, with its own store (connection pool) and dispatcher.
@Suite(
    "Two instances on one PostgreSQL", .serialized,
    .enabled(if: MultiInstance.databaseURL != nil, "LIFELINE_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL 15 and sets it")
)
struct MultiInstanceTests {
    @Test func webhooksSpreadOverBothAreStoredOnceAndEachActionReachesThePartnerOnce() async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try MultiInstance.demoEvents()
            let cluster = try await MultiInstance.Cluster.make(stubURL: url, start: events[0].time)
            do {
                // Both start at once: the migration lock lets one migrate and the other find it done.
                async let first = cluster.start("a")
                async let second = cluster.start("b")
                let instances = try await [first, second]
                var pairs: [[MultiInstance.Answer]] = []
                for (index, event) in events.enumerated() {
                    cluster.clock.set(max(cluster.clock.nowSeconds(), event.time))
                    if index % 5 == 0 {
                        // The provider's retry races its first delivery, each to a different instance.
                        async let viaA = instances[0].post(event.body, clock: cluster.clock)
                        async let viaB = instances[1].post(event.body, clock: cluster.clock)
                        pairs.append(try await [viaA, viaB])
                    } else {
                        let answer = try await instances[index % 2].post(event.body, clock: cluster.clock)
                        #expect(answer.stored.count == 1, "\(event.name): \(answer)")
                    }
                    // The dispatchers (each polling every second) deliver what is due before time moves on.
                    #expect(try await MultiInstance.eventually { try await cluster.outboxIsSettled() }, "\(event.name): outbox stuck")
                }
                for pair in pairs {
                    #expect(pair.filter { $0.stored.count == 1 }.count == 1, "\(pair)")
                    #expect(pair.filter { $0.duplicates.count == 1 }.count == 1, "\(pair)")
                }
                // Far enough ahead for every remaining step; both dispatchers drain the outbox.
                cluster.clock.advance(by: 60 * 86_400)
                #expect(try await MultiInstance.eventually { try await cluster.outboxIsSettled() }, "outbox did not drain")

                let observer = cluster.observer
                #expect(try await observer.storedEvents().count == events.count)
                try await MultiInstance.expectLedgerOfOneInstance(observer, events: events, configuration: cluster.configuration)
                let cases = try await observer.cases(status: nil, category: nil)
                #expect(cases.count == 4)
                #expect(cases.allSatisfy { $0.status.isTerminal })

                let calls = stub.requests.compactMap { $0.headers["idempotency-key"] }
                #expect(!calls.isEmpty)
                #expect(Dictionary(grouping: calls, by: { $0 }).values.allSatisfy { $0.count == 1 }, "an action was sent twice: \(calls)")
                let delivered = try await observer.actions(status: .delivered).filter { $0.kind != .notifyOps }
                #expect(Set(calls) == Set(delivered.map(\.id)))
                for action in delivered {
                    #expect(try await observer.attempts(actionID: action.id).count == 1)
                }
                for instance in instances { await instance.kill() }
                await cluster.close()
            } catch {
                await cluster.close()
                throw error
            }
        }
    }

    @Test func actionsLeasedByAKilledInstanceAreFinishedByTheOtherOnceTheLeaseExpires() async throws {
        try await PartnerStub.run(replies: []) { stub, url in
            let events = try MultiInstance.demoEvents().filter { $0.name.contains("-boulangerie-") && $0.time <= 1_790_838_000 }
            let cluster = try await MultiInstance.Cluster.make(stubURL: url, start: events[0].time)
            do {
                // A serves webhooks only; B's dispatcher claims the offer and hangs in the call.
                let parked = ParkedDeliverer()
                let a = try await cluster.start("a", runsDispatcher: false)
                let b = try await cluster.start("b", deliverer: parked)
                for (index, event) in events.enumerated() {
                    cluster.clock.set(max(cluster.clock.nowSeconds(), event.time))
                    _ = try await [a, b][index % 2].post(event.body, clock: cluster.clock)
                }
                #expect(try await MultiInstance.eventually { parked.count > 0 }, "B never claimed the offer")
                let offer = try #require(try await cluster.observer.actions(status: .leased).first)
                #expect(offer.kind == .financingOffer)

                // B dies: its connections are gone before its call could return or be recorded.
                await b.kill(releasing: parked)
                #expect(try await cluster.observer.actions(status: .leased).map(\.id) == [offer.id])

                let dispatcher = makeDispatcher(configuration: cluster.configuration, dependencies: a.dependencies)
                #expect(try await dispatcher.drain() == 0)  // still B's until the lease expires
                cluster.clock.advance(by: 61)
                #expect(try await dispatcher.drain() == 1)
                let offers = stub.requests.filter { $0.path == "/partner/offers" }
                #expect(offers.map { $0.headers["idempotency-key"] } == [offer.id])
                let finished = try #require(try await cluster.observer.actions(status: .delivered).first)
                #expect(finished.id == offer.id)
                #expect(try await cluster.observer.attempts(actionID: offer.id).map(\.httpStatus) == [201])
                #expect(try await cluster.observer.cases(status: .acting, category: nil).count == 1)
                await a.kill()
                await cluster.close()
            } catch {
                await cluster.close()
                throw error
            }
        }
    }
}

/// Helpers for the suite: the shared database, the instances, waiting.
enum MultiInstance {
    static let databaseURL = ProcessInfo.processInfo.environment["LIFELINE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Every demo webhook in file order, with the time it happened.
    static func demoEvents() throws -> [(name: String, body: [UInt8], time: Int64)] {
        try ServerFixture.samples("demo").map { sample in
            (sample.name, sample.body, try JSONDecoder().decode(BillingEvent.self, from: Data(sample.body)).occurredAt)
        }
    }

    /// A webhook answer's body.
    struct Answer: Sendable, Decodable, CustomStringConvertible {
        var stored: [String]
        var duplicates: [String]
        var ignored: [String]
        var description: String { "stored \(stored), duplicates \(duplicates), ignored \(ignored)" }
    }

    static func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// What both instances wrote equals what one SQLite store makes of the same webhooks.
    static func expectLedgerOfOneInstance(
        _ store: any LifelineStore, events: [(name: String, body: [UInt8], time: Int64)], configuration: LifelineConfiguration
    ) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-multi-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reference = try SQLiteStore(path: path, reasonCodes: configuration.reasonCodes)
        try await reference.migrate()
        let provider = try #require(makeProviders(configuration)[.standard])
        for event in events {
            let normalized = try provider.normalize(body: event.body)
            _ = try await reference.ingest(IncomingDelivery(provider: .standard, receivedAt: event.time, headers: [:], body: event.body, events: normalized.events))
        }
        #expect(try await store.customers() == reference.customers())
        #expect(try await store.subscriptions() == reference.subscriptions())
        #expect(try await store.invoices() == reference.invoices())
        #expect(try await store.paymentFailures() == reference.paymentFailures())
        #expect(try await store.movements() == reference.movements())
    }

    /// One schema for the test, the configuration every instance shares, an observer store.
    struct Cluster {
        let configuration: LifelineConfiguration
        let clock: ManualClock
        let observer: PostgresStore

        static func make(stubURL: String, start: Int64) async throws -> Cluster {
            guard let base = databaseURL, var components = URLComponents(string: base) else { throw CancellationError() }
            let schema = "lifeline_multi_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" } + [URLQueryItem(name: "schema", value: schema)]
            let configuration = try await ConfigurationLoader.load(
                path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path,
                environment: [
                    "HTTP_HOST": "127.0.0.1", "HTTP_PORT": "0",
                    "STORAGE_URL": try #require(components.string),
                    "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard,
                    "PARTNERS_NAMES": "sandbox",
                    "PARTNERS_SANDBOX_URL": "\(stubURL)/partner",
                    "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret,
                    "DUNNING_URL": "\(stubURL)/dunning",
                    "STRIPE_API_BASE": "\(stubURL)/stripe",
                    "STRIPE_API_KEY": RecoveryFixture.stripeKey,
                    "ADMIN_TOKENS": RecoveryFixture.adminToken,
                ]
            )
            let observer = try PostgresStore(url: try #require(configuration.storage.url), reasonCodes: configuration.reasonCodes)
            return Cluster(configuration: configuration, clock: ManualClock(start), observer: observer)
        }

        /// A new instance: `openStore` (PostgreSQL from `storage.url`) and `buildApplication`.
        func start(_ name: String, runsDispatcher: Bool = true, deliverer: (any ActionDeliverer)? = nil) async throws -> Instance {
            try await Instance.start(name: name, configuration: configuration, clock: clock, runsDispatcher: runsDispatcher, deliverer: deliverer)
        }

        /// Nothing due is left pending, and nothing is leased.
        func outboxIsSettled() async throws -> Bool {
            let now = clock.nowSeconds()
            // Every acknowledged event applied first (by either instance's projector), so the
            // actions it plans are there to be seen.
            guard try await observer.projectionStatus(now: now).lagEvents == 0 else { return false }
            // One query, so one snapshot: with two, an action claimed between them was neither
            // pending nor leased, the outbox looked settled while its call was in flight, and the
            // clock moved past its lease.
            let actions = try await observer.actions(status: nil)
            return actions.allSatisfy { $0.status != .leased && ($0.status != .pending || $0.nextAttemptAt > now) }
        }

        func close() async {
            try? await observer.dropSchema()
            await observer.shutdown()
        }
    }

    /// One running Lifeline: its server task, port and store.
    struct Instance {
        let name: String
        let dependencies: AppDependencies
        let port: Int
        let task: Task<Void, any Error>

        static func start(name: String, configuration: LifelineConfiguration, clock: ManualClock, runsDispatcher: Bool, deliverer: (any ActionDeliverer)?) async throws -> Instance {
            var logger = Logger(label: "lifeline.\(name)")
            logger.logLevel = .critical
            let store = try await openStore(configuration)
            #expect(store is PostgresStore)
            let dependencies = AppDependencies(store: store, clock: clock, logger: logger, deliverer: deliverer, runsDispatcher: runsDispatcher)
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = buildApplication(configuration: configuration, dependencies: dependencies) { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }
            let task = Task { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                task.cancel()
                throw CancellationError()
            }
            return Instance(name: name, dependencies: dependencies, port: port, task: task)
        }

        /// Posts a Standard webhook signed at the clock's time.
        func post(_ body: [UInt8], clock: ManualClock) async throws -> Answer {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/webhooks/standard")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            let headers = WebhookSigner.headers(
                provider: .standard, body: body, secret: TestSecrets.standard, timestamp: clock.nowSeconds(),
                eventID: WebhookSigner.eventID(in: body, fallback: "msg")
            )
            for (field, value) in headers { request.headers.add(name: field, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            #expect(response.status.code == 200, "\(name): \(String(buffer: bytes))")
            return try JSONDecoder().decode(Answer.self, from: Data(bytes.readableBytesView))
        }

        /// The process dies: its pool closes first, so a call still in flight is never recorded.
        func kill(releasing parked: ParkedDeliverer? = nil) async {
            await (dependencies.store as? PostgresStore)?.shutdown()
            task.cancel()
            parked?.release()
            _ = await task.result
        }
    }
}

/// A deliverer that never gets an answer until released: a dispatcher stuck mid-call holding
/// its lease, as when its process is about to die.
final class ParkedDeliverer: ActionDeliverer {
    private let state = Mutex<(count: Int, released: Bool, waiters: [CheckedContinuation<Void, Never>])>((0, false, []))

    var count: Int { state.withLock { $0.count } }

    func deliver(_ action: RecoveryAction) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                state.count += 1
                if !state.released { state.waiters.append(continuation) }
                return state.released
            }
            if resumeNow { continuation.resume() }
        }
        return .retry(httpStatus: nil, error: "connection reset: the process died", retryAfterSeconds: nil)
    }

    func release() {
        let waiters = state.withLock { state in
            state.released = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
