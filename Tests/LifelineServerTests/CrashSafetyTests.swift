import AsyncHTTPClient
import Foundation
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import LifelineTestSupport
import Logging
import Testing

/// The real `lifeline serve` binary under a webhook load, SIGKILLed and restarted several times.
///
/// Delivery to the partner is at-least-once with an `Idempotency-Key`: every action reaches the
/// partner under its key, and a key repeats only when a kill fell between the partner's 2xx and
/// the commit of that attempt (the partner then sees the same key and body again, and dedups).
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static let customers = 30
    static let kills = 4

    @Test(.timeLimit(.minutes(2)))
    func acknowledgedEventsSurviveSIGKILLAndActionsReachThePartnerOncePerKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("lifeline.yaml").path
        try CrashScenario.configuration().write(toFile: configPath, atomically: true, encoding: .utf8)
        let streams = CrashScenario.events(customers: Self.customers, now: Int64(Date().timeIntervalSince1970))
        let bodies = Dictionary(uniqueKeysWithValues: streams.joined().map { ($0.id, $0.body) })
        let http = HTTPClient(eventLoopGroupProvider: .singleton)

        // The partner takes a moment to answer, so kills also fall while calls are in flight.
        try await PartnerStub.run(replies: [], fallback: StubReply(status: 201, delay: .milliseconds(150))) { stub, stubURL in
            let environment = CrashScenario.environment(directory: directory, stubURL: stubURL)
            let server = ServeProcess(configPath: configPath, environment: environment, directory: directory)
            defer { server.kill() }
            try await server.start(client: http)

            // Load from four senders while the server is killed now and then.
            let load = CrashLoad(total: bodies.count)
            let deadline = ContinuousClock.now + .seconds(60)
            let senders = Task { [baseURL = server.baseURL] in
                await withTaskGroup(of: Void.self) { group in
                    for sender in 0..<4 {
                        let mine = streams.enumerated().filter { $0.offset % 4 == sender }.flatMap(\.element)
                        group.addTask { await load.send(mine, to: baseURL, client: http, deadline: deadline) }
                    }
                }
            }
            // Each kill falls once a further share of the load is acknowledged, a few random ms later.
            var random = SeededRandomNumberGenerator(seed: 7)
            var killed = 0
            for round in 1...Self.kills {
                let threshold = bodies.count * round / (Self.kills + 1)
                while load.acknowledged.withLock({ $0.count }) < threshold, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...25, using: &random)))
                server.kill()
                killed += 1
                // The last process starts on a fresh second, so its leases tell apart from the killed ones'.
                if round == Self.kills { try await Self.sleepToNextSecond() }
                try await server.start(client: http)
            }
            await senders.value
            #expect(killed == Self.kills)
            #expect(load.refused.withLock { $0 }.isEmpty)
            #expect(load.acknowledged.withLock { $0.count } == bodies.count, "the load did not finish before its deadline")

            // Let the last process deliver what it can: everything but the actions a killed
            // process had leased (their lease expires `leaseSeconds` after its last claim, which
            // fell in an earlier second than the last start).
            let store = try await Self.openStore(configPath: configPath, environment: environment)
            let settled = ContinuousClock.now + .seconds(15)
            let leaseSeconds = OutboundSettings().leaseSeconds
            while ContinuousClock.now < settled {
                let waiting = try await store.actions(status: nil).filter {
                    $0.status == .pending || ($0.status == .leased && ($0.leaseExpiresAt ?? 0) >= server.startedAt + leaseSeconds)
                }
                if waiting.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Graceful stop: the dispatcher finishes the batch in flight.
            await server.terminate()
            // A process started later: leases left by the killed ones have expired by then.
            let later = ManualClock(Int64(Date().timeIntervalSince1970) + 120)
            let late = try await Self.dispatcher(store: store, configPath: configPath, environment: environment, clock: later).drain()
            let keys = stub.requests.compactMap { $0.headers["idempotency-key"] }
            print("crash test: \(killed) kills, \(load.unanswered.withLock { $0 }) unanswered tries, \(load.duplicates.withLock { $0 }) acks as duplicate, \(late) actions left leased and sent after restart, \(keys.count - Set(keys).count) repeated partner calls")

            try await Self.expectEveryAcknowledgedEventStoredOnce(store: store, acknowledged: load.acknowledged.withLock { $0 }, sent: Set(bodies.keys))
            try await Self.expectLedgerEqualsReplay(of: store, bodies: bodies, configPath: configPath, environment: environment, directory: directory)
            try await Self.expectOneDeliveryPerKey(store: store, requests: stub.requests, kills: killed)
        }
        try await http.shutdown()
        // The real process's logs (info level, every restart) never print a secret.
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }
        #expect(logs.count == Self.kills + 1)
        for name in logs {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(text.contains("outbox dispatcher started"), "\(name)")
            AdminSurfaceTests.expectNoSecret(in: text, name)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    static func sleepToNextSecond() async throws {
        let now = Date().timeIntervalSince1970
        try await Task.sleep(for: .milliseconds(Int((now.rounded(.down) + 1 - now) * 1_000) + 5))
    }

    static func expectEveryAcknowledgedEventStoredOnce(store: SQLiteStore, acknowledged: [String], sent: Set<String>) async throws {
        let stored = try await store.storedEvents().map(\.eventID)
        #expect(Set(stored).count == stored.count, "an event was stored twice")
        #expect(Set(acknowledged).isSubset(of: Set(stored)), "acknowledged but lost: \(Set(acknowledged).subtracting(stored).sorted())")
        #expect(Set(stored).isSubset(of: sent))
    }

    /// A fresh store fed the stored events, in commit order, must hold the very same ledger.
    static func expectLedgerEqualsReplay(
        of store: SQLiteStore, bodies: [String: [UInt8]], configPath: String, environment: [String: String], directory: URL
    ) async throws {
        var replayEnvironment = environment
        replayEnvironment["STORAGE_PATH"] = directory.appendingPathComponent("replay.sqlite").path
        let replay = try await openStore(configPath: configPath, environment: replayEnvironment)
        let provider = StandardProvider(signature: StandardWebhooksSignature(secrets: []))
        for event in try await store.storedEvents().sorted(by: { ($0.deliveryID, $0.eventID) < ($1.deliveryID, $1.eventID) }) {
            let body = try #require(bodies[event.eventID])
            _ = try await replay.ingest(IncomingDelivery(
                provider: .standard, receivedAt: event.receivedAt, headers: [:], body: body,
                events: try provider.normalize(body: body).events
            ))
        }
        #expect(Set(try await store.customers()) == Set(try await replay.customers()))
        #expect(Set(try await store.subscriptions()) == Set(try await replay.subscriptions()))
        #expect(Set(try await store.invoices()) == Set(try await replay.invoices()))
        #expect(Set(try await store.paymentFailures()) == Set(try await replay.paymentFailures()))
        #expect(try await store.movements().count == (try await replay.movements()).count)
        #expect(Set(try await store.movements()) == Set(try await replay.movements()))
        let plan = { (actions: [RecoveryAction]) in Set(actions.map { "\($0.id) \($0.kind.rawValue) \($0.dueAt) \($0.payload)" }) }
        #expect(plan(try await store.actions(status: nil)) == plan(try await replay.actions(status: nil)))
        #expect(try await store.paymentFailures().count == customers)
    }

    /// Every action delivered and recorded as delivered once; the partner saw each key, repeated
    /// only after a kill or after a try that timed out (a slow partner on a busy machine: the
    /// request may have reached it, so it is retried under the same key and body).
    static func expectOneDeliveryPerKey(store: SQLiteStore, requests: [RecordedRequest], kills: Int) async throws {
        let actions = try await store.actions(status: nil)
        let calls = actions.filter { $0.kind != .notifyOps }
        #expect(calls.count == customers * 2)
        #expect(actions.allSatisfy { $0.status == .delivered }, "\(actions.filter { $0.status != .delivered }.map { "\($0.id): \($0.status)" })")
        var retried = 0
        for action in calls {
            let attempts = try await store.attempts(actionID: action.id)
            let summary = "\(action.id): \(attempts.map { "\($0.attempt) \($0.outcome) \($0.error ?? "")" })"
            #expect(attempts.last?.outcome == .delivered, "\(summary)")
            #expect(attempts.filter { $0.outcome == .delivered }.count == 1, "\(summary)")
            let earlier = attempts.dropLast()
            #expect(earlier.allSatisfy { $0.outcome == .retry && $0.httpStatus == nil && ($0.error ?? "").contains("timed out") }, "\(summary)")
            #expect(attempts.map(\.attempt) == Array(1...max(1, attempts.count)), "\(summary)")
            retried += earlier.count
        }
        let keys = requests.compactMap { $0.headers["idempotency-key"] }
        #expect(keys.count == requests.count, "a call without an Idempotency-Key")
        #expect(Set(keys) == Set(calls.map(\.id)))
        // Repeats come only from a kill between the partner's answer and the commit (at most a
        // batch per kill) or from a timed-out try.
        let repeats = keys.count - Set(keys).count
        #expect(repeats <= kills * OutboundSettings().batchSize + retried)
        for key in Set(keys) {
            #expect(Set(requests.filter { $0.headers["idempotency-key"] == key }.map(\.body)).count == 1, "\(key): another body on a retry")
        }
    }

    static func configuration(configPath: String, environment: [String: String]) async throws -> LifelineConfiguration {
        try await ConfigurationLoader.load(path: configPath, environment: environment)
    }

    static func openStore(configPath: String, environment: [String: String]) async throws -> SQLiteStore {
        let configuration = try await configuration(configPath: configPath, environment: environment)
        let policy = configuration.recovery.policy
        let store = try SQLiteStore(path: configuration.storage.path, reasonCodes: configuration.reasonCodes, policy: policy)
        try await store.migrate()
        return store
    }

    static func dispatcher(store: SQLiteStore, configPath: String, environment: [String: String], clock: ManualClock) async throws -> OutboxDispatcher {
        var logger = Logger(label: "lifeline.crash-test")
        logger.logLevel = .critical
        let configuration = try await configuration(configPath: configPath, environment: environment)
        return makeDispatcher(configuration: configuration, dependencies: AppDependencies(store: store, clock: clock, logger: logger, runsDispatcher: false))
    }
}
