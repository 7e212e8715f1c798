import AsyncHTTPClient
import Foundation
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
@testable import LifelineStorePostgres
import LifelineTestSupport
import NIOCore
import PostgresNIO
import Testing

/// Two real `lifeline serve` processes on one PostgreSQL schema; the one holding the projector's
/// lock is SIGKILLed (or frozen) in the middle of a batch. The survivor must finish the log with nothing
/// applied twice or skipped, and end exactly where one SQLite store fed the same log ends.
@Suite(
    "An instance lost mid-projection on PostgreSQL", .serialized,
    .enabled(if: MultiInstance.databaseURL != nil, "LIFELINE_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL 15 and sets it")
)
struct ProjectorKillTests {
    /// 240 customers: 1,280 backlog events, so the projectors' batches of 512 take three turns.
    static let customers = 240

    /// Killed: the process is gone and the kernel closes its sockets. Frozen: SIGSTOP, and it
    /// stays stopped, its connection open, like a host that hangs or drops off the network
    /// without closing anything.
    @Test(.timeLimit(.minutes(5)), arguments: [ProjectorKill.Fate.killed, .frozen])
    func theSurvivorRedoesTheBatchOfAnInstanceLostMidProjection(_ fate: ProjectorKill.Fate) async throws {
        let scenario = ProjectorKill.events(customers: Self.customers, now: Int64(Date().timeIntervalSince1970))
        let backlog = scenario.backlog.flatMap { $0 }
        let bodies = Dictionary(uniqueKeysWithValues: (backlog + scenario.afterKill).map { ($0.id, $0.body) })
        let http = HTTPClient.shared
        try await PartnerStub.run(replies: []) { stub, stubURL in
            let cluster = try await ProjectorKill.Cluster.make(stubURL: stubURL)
            // The test takes the projector's lock first: both instances accept webhooks and log
            // them, and neither can project, so a backlog builds up.
            let hold = try await ProjectorKill.LockHold.take(cluster.observer)
            var instances: [ProjectorKill.Instance] = []
            do {
                instances = try await cluster.start(["a", "b"], client: http)
                let urls = instances.map(\.baseURL)
                // Eight senders, each posting its customers' histories in order, spread over both
                // instances: every batch holds whole histories (movements, failures, cases, actions).
                try await ProjectorKill.postHistories(scenario.backlog, to: urls, client: http)
                let held = try await cluster.observer.projectionStatus(now: Int64(Date().timeIntervalSince1970))
                #expect(held.lagEvents == backlog.count, "the backlog was projected while the test held the lock")
                try await hold.release()

                // Kill whichever instance holds the lock half way through a batch after the first.
                let kill = try #require(
                    try await ProjectorKill.killTheProjectorMidBatch(cluster: cluster, instances: instances, total: backlog.count, fate: fate),
                    "no instance was caught projecting a batch"
                )
                let survivor = instances[1 - kill.victim]
                print("""
                    projector \(fate): \(kill.instance) \(fate) holding the lock (backend \(kill.backend)) \(kill.batchSeconds) s into a batch \
                    (the first took \(kill.firstBatchSeconds) s), \(kill.committed) of \(backlog.count) events committed
                    """)

                // PostgreSQL ends the lost client's backend (at once when it was killed, after the
                // projector's idle-in-transaction timeout when it is frozen), rolling its batch back
                // and releasing its transaction's locks; the survivor's next poll takes over.
                let killedAt = ContinuousClock.now
                #expect(try await MultiInstance.eventually(timeout: .seconds(60)) {
                    try await !cluster.backendIsAlive(kill.backend)
                }, "PostgreSQL kept the lost instance's backend")
                let released = ContinuousClock.now
                #expect(try await MultiInstance.eventually(timeout: .seconds(60)) {
                    let holders = try await cluster.projectorLockHolders()
                    let committed = try await cluster.committed()
                    return holders.contains { $0.application == cluster.applicationName(survivor.name) } || committed > kill.committed
                }, "the survivor never took the projection over")
                let takenOver = ContinuousClock.now
                print("projector \(fate): backend gone \(released - killedAt) later, survivor projecting \(takenOver - released) after that")

                // Webhooks keep coming, to the survivor alone, while it catches up.
                try await ProjectorKill.postAll(scenario.afterKill, to: [survivor.server.baseURL], client: http)
                #expect(try await MultiInstance.eventually(timeout: .seconds(120)) {
                    try await ProjectorKill.readyLag(of: survivor.server.baseURL, client: http) == 0
                }, "the survivor's /ready never reported lag 0")
                if fate == .frozen {
                    // Woken, the frozen instance finds its connection closed: its batch is gone,
                    // and it answers again on new connections.
                    let frozen = instances[kill.victim]
                    frozen.server.resume()
                    #expect(try await MultiInstance.eventually(timeout: .seconds(60)) {
                        try await ProjectorKill.readyLag(of: frozen.baseURL, client: http) == 0
                    }, "the woken instance never got ready again")
                }

                try await ProjectorKill.expectEveryEventLoggedAndProjectedOnce(cluster.observer, sent: Set(bodies.keys))
                try await ProjectorKill.expectNothingAppliedTwice(cluster.observer, customers: Self.customers)
                try await ProjectorKill.expectSameAsOneSQLiteStore(cluster.observer, bodies: bodies, configuration: cluster.configuration)
                // Every action is planned days ahead: none was due, none was sent.
                #expect(stub.requests.isEmpty, "\(stub.requests.map(\.path))")
                for instance in instances { instance.kill() }
                await cluster.close()
            } catch {
                hold.release.finish()
                for instance in instances { instance.kill() }
                await cluster.close()
                throw error
            }
        }
    }
}

/// The kill test's scenario, cluster and checks.
enum ProjectorKill {
    typealias Webhook = (id: String, body: [UInt8])

    /// Cash-flow failures plan a financing offer, an email and an ops note, all days ahead: the
    /// outbox holds them pending, so delivery does not change what is compared.
    static let playbook = """
        playbooks:
          kill-financing:
            match: { categories: [cash_flow] }
            steps:
              offer: { action: financing_offer, partner: sandbox, terms: instalments_3, delay: 10d }
              plan-email: { action: dunning_email, template: payment_plan, step: 1, delay: 11d }
              ops: { action: notify_ops, delay: 12d }

        """

    /// Customers who subscribe, pay a first invoice, then fail the second for insufficient funds;
    /// every third fails it a second time: the backlog, one history per customer. After the kill,
    /// every second customer pays.
    static func events(customers: Int, now: Int64) -> (backlog: [[Webhook]], afterKill: [Webhook]) {
        let start = now - 30 * 86_400 - 2 * 3_600
        var histories: [[Webhook]] = []
        var afterKill: [Webhook] = []
        for index in 0..<customers {
            let amount = 4_900 + Int64(index)
            let customer = CustomerInfo(id: "cus_kill_\(index)", name: "Kill \(index)", metadata: ["segment": "TPE"])
            let subscription = SubscriptionInfo(
                id: "sub_kill_\(index)", status: .active, currency: "eur", items: [SubscriptionItem(unitAmount: amount, interval: .month)]
            )
            func invoice(_ number: Int, _ status: InvoiceStatus) -> InvoiceInfo {
                InvoiceInfo(
                    id: "in_kill_\(index)_\(number)", subscriptionID: subscription.id, currency: "eur", amountDue: amount,
                    amountPaid: status == .paid ? amount : 0, amountRemaining: status == .paid ? 0 : amount, status: status,
                    dueAt: start + Int64(number - 1) * 30 * 86_400
                )
            }
            func payment(_ id: String, attempt: Int, failure: String?) -> PaymentInfo {
                PaymentInfo(id: "py_kill_\(index)_\(id)", amount: amount, currency: "eur", attempt: attempt, failureCode: failure)
            }
            let prefix = "evt_kill_\(index)"
            var events = [
                BillingEvent(id: "\(prefix)_1", type: .subscriptionCreated, occurredAt: start, customer: customer, subscription: subscription),
                BillingEvent(id: "\(prefix)_2", type: .invoiceFinalized, occurredAt: start + 60, customer: customer, invoice: invoice(1, .open)),
                BillingEvent(id: "\(prefix)_3", type: .paymentSucceeded, occurredAt: start + 3_600, customer: customer,
                             invoice: invoice(1, .paid), payment: payment("1", attempt: 1, failure: nil)),
                BillingEvent(id: "\(prefix)_4", type: .invoiceFinalized, occurredAt: start + 30 * 86_400, customer: customer, invoice: invoice(2, .open)),
                BillingEvent(id: "\(prefix)_5", type: .paymentFailed, occurredAt: now - 3_600, customer: customer,
                             invoice: invoice(2, .open), payment: payment("2a", attempt: 1, failure: "insufficient_funds")),
            ]
            if failedTwice(index) {
                events.append(BillingEvent(id: "\(prefix)_6", type: .paymentFailed, occurredAt: now - 3_000, customer: customer,
                                           invoice: invoice(2, .open), payment: payment("2b", attempt: 2, failure: "insufficient_funds")))
            }
            histories.append(events.map { ($0.id, GenericEvents.json($0)) })
            if pays(index) {
                let paid = BillingEvent(id: "\(prefix)_7", type: .paymentSucceeded, occurredAt: now - 1_800, customer: customer,
                                        invoice: invoice(2, .paid), payment: payment("2c", attempt: failures(index) + 1, failure: nil))
                afterKill.append((paid.id, GenericEvents.json(paid)))
            }
        }
        return (histories, afterKill)
    }

    static func failedTwice(_ index: Int) -> Bool { index % 3 == 0 }
    static func pays(_ index: Int) -> Bool { index % 2 == 0 }
    static func failures(_ index: Int) -> Int { failedTwice(index) ? 2 : 1 }

    /// Posts every webhook (eight at a time, round robin over `urls`); each must be acknowledged.
    static func postAll(_ webhooks: [Webhook], to urls: [String], client: HTTPClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, webhook) in webhooks.enumerated() {
                if index >= 8 { try await group.next() }
                let url = urls[index % urls.count]
                group.addTask { try await post(webhook, to: url, client: client) }
            }
            try await group.waitForAll()
        }
    }

    /// Eight senders; sender k posts the histories k, k + 8, … one event after the other, each
    /// event to the next instance in turn.
    static func postHistories(_ histories: [[Webhook]], to urls: [String], client: HTTPClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<8 {
                group.addTask {
                    var turn = sender
                    for history in histories.enumerated().filter({ $0.offset % 8 == sender }).map(\.element) {
                        for webhook in history {
                            try await post(webhook, to: urls[turn % urls.count], client: client)
                            turn += 1
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func post(_ webhook: Webhook, to baseURL: String, client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: "\(baseURL)/webhooks/standard")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let headers = WebhookSigner.headers(
            provider: .standard, body: webhook.body, secret: TestSecrets.standard, timestamp: Int64(Date().timeIntervalSince1970), eventID: webhook.id
        )
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: webhook.body))
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 16))
        #expect(response.status.code == 200, "\(webhook.id) via \(baseURL): \(response.status.code) \(text)")
        #expect(text.contains("\"stored\":[\"\(webhook.id)\"]"), "\(webhook.id) via \(baseURL): \(text)")
    }

    /// `lag_events` from an instance's `/ready`.
    static func readyLag(of baseURL: String, client: HTTPClient) async throws -> Int? {
        struct Ready: Decodable {
            struct Projection: Decodable { var lag_events: Int }
            var projection: Projection
        }
        let response = try await client.execute(HTTPClientRequest(url: "\(baseURL)/ready"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 16)
        guard response.status.code == 200 else { return nil }
        return try JSONDecoder().decode(Ready.self, from: Data(body.readableBytesView)).projection.lag_events
    }

    /// How the instance holding the projector's lock is lost.
    enum Fate: String, Sendable, CustomTestStringConvertible {
        case killed, frozen
        var testDescription: String { rawValue }
    }

    /// A backend holding the projector's advisory lock, and the instance it serves.
    struct LockHolder: Sendable {
        var backend: Int32
        var application: String
        var inTransaction: Bool
        /// How long its transaction has been open.
        var transactionSeconds: Double
    }

    /// What the freeze-and-kill found.
    struct Kill {
        var victim: Int
        var instance: String
        var backend: Int32
        var committed: Int
        var firstBatchSeconds: Double
        var batchSeconds: Double
    }

    /// Times the first batch (how long its holder kept the lock before its events showed as
    /// projected), then, in a later batch, waits until its transaction has run half as long:
    /// freezes the holder's process (SIGSTOP) and checks it still holds the lock in that open
    /// transaction. If so the process is killed (or left frozen) right there, half way through
    /// the batch; else it is let go and caught again.
    static func killTheProjectorMidBatch(cluster: Cluster, instances: [Instance], total: Int, fate: Fate) async throws -> Kill? {
        let deadline = ContinuousClock.now + .seconds(120)
        var firstBatch = 0.0
        while ContinuousClock.now < deadline {
            let holders = try await cluster.projectorLockHolders()
            let committed = try await cluster.committed()
            guard committed > 0 else {
                firstBatch = max(firstBatch, holders.map(\.transactionSeconds).max() ?? 0)
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            guard committed < total else { return nil }  // the whole backlog went before it could be caught
            guard let holder = holders.first, holder.inTransaction, holder.transactionSeconds >= firstBatch / 2,
                  let victim = instances.firstIndex(where: { cluster.applicationName($0.name) == holder.application }) else {
                try await Task.sleep(for: .milliseconds(2))
                continue
            }
            instances[victim].server.pause()
            let still = try await cluster.projectorLockHolders().contains { $0.backend == holder.backend && $0.inTransaction }
            if still {
                let committedAtKill = try await cluster.committed()
                if fate == .killed { instances[victim].server.kill() }
                return Kill(
                    victim: victim, instance: instances[victim].name, backend: holder.backend, committed: committedAtKill,
                    firstBatchSeconds: firstBatch, batchSeconds: holder.transactionSeconds
                )
            }
            instances[victim].server.resume()
        }
        return nil
    }

    /// Every sent event is in the log once, projected, and none failed.
    static func expectEveryEventLoggedAndProjectedOnce(_ store: PostgresStore, sent: Set<String>) async throws {
        let logged = try await store.storedEvents().map(\.eventID)
        #expect(logged.count == sent.count)
        #expect(Set(logged) == sent, "missing \(sent.subtracting(logged).sorted().prefix(10)), unexpected \(Set(logged).subtracting(sent).sorted().prefix(10))")
        let status = try await store.projectionStatus(now: Int64(Date().timeIntervalSince1970))
        #expect(status.lagEvents == 0)
        #expect(status.failures == 0)
        #expect(try await store.projectionFailures().isEmpty)
        let unprojected = try await store.read { session in
            try await session.scalar("SELECT COUNT(*)::BIGINT FROM events WHERE projected_at IS NULL", as: Int64.self)
        }
        #expect(unprojected == 0)
    }

    /// An event applied twice shows as a second movement of one event, a second "case opened",
    /// a timeline entry twice, a failure recorded twice or an attempt count too high.
    static func expectNothingAppliedTwice(_ store: PostgresStore, customers: Int) async throws {
        let movements = try await store.movements()
        #expect(!movements.isEmpty)
        let repeatedMovements = Dictionary(grouping: movements, by: \.eventID).filter { $0.value.count > 1 }
        #expect(repeatedMovements.isEmpty, "movements applied twice: \(repeatedMovements.keys.sorted().prefix(10))")

        let cases = try await store.cases(status: nil, category: nil)
        #expect(cases.count == customers)
        for recoveryCase in cases {
            let timeline = try #require(try await store.caseDetail(id: recoveryCase.id)).timeline
            #expect(timeline.filter { $0.summary.hasPrefix("case opened") }.count == 1, "\(recoveryCase.id): \(timeline.map(\.summary))")
            let events = timeline.filter { $0.kind == "event" }.compactMap(\.reference)
            #expect(Set(events).count == events.count, "\(recoveryCase.id): an event's entry twice: \(events)")
        }

        let failures = Dictionary(grouping: try await store.paymentFailures(), by: \.customerID)
        let invoices = Dictionary(uniqueKeysWithValues: try await store.invoices().map { ($0.id, $0) })
        for index in 0..<customers {
            #expect(failures["cus_kill_\(index)"]?.count == Self.failures(index), "cus_kill_\(index)")
            let expectedAttempts = Self.failures(index) + (pays(index) ? 1 : 0)
            #expect(invoices["in_kill_\(index)_2"]?.attempts == expectedAttempts, "in_kill_\(index)_2")
            #expect(invoices["in_kill_\(index)_2"]?.status == (pays(index) ? .paid : .open), "in_kill_\(index)_2")
        }
    }

    /// One SQLite store fed the same log (in its order, with the times it was received) holds
    /// the same ledger, cases, timelines and actions. Nothing is left out of the comparison:
    /// every time these rows hold is the event's own or its `received_at`, which the SQLite store
    /// is given; the one time that differs, `projected_at`, is the log's and no read API returns it.
    static func expectSameAsOneSQLiteStore(_ store: PostgresStore, bodies: [String: [UInt8]], configuration: LifelineConfiguration) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-kill-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let reference = try SQLiteStore(path: path, reasonCodes: configuration.reasonCodes, policy: configuration.recovery.policy)
        try await reference.migrate()
        let provider = StandardProvider(signature: StandardWebhooksSignature(secrets: []))
        for event in try await store.storedEvents().sorted(by: { $0.seq < $1.seq }) {
            let body = try #require(bodies[event.eventID])
            _ = try await reference.ingest(IncomingDelivery(
                provider: .standard, receivedAt: event.receivedAt, headers: [:], body: body, events: try provider.normalize(body: body).events
            ))
        }
        // Rows of different customers may be applied in another order on two instances (batches
        // follow `seq`, which is not commit order): compared as sorted sets of their JSON.
        #expect(try await canonical(store.customers()) == canonical(reference.customers()))
        #expect(try await canonical(store.subscriptions()) == canonical(reference.subscriptions()))
        #expect(try await canonical(store.invoices()) == canonical(reference.invoices()))
        #expect(try await canonical(store.paymentFailures()) == canonical(reference.paymentFailures()))
        #expect(try await canonical(store.movements()) == canonical(reference.movements()))
        let cases = try await store.cases(status: nil, category: nil)
        #expect(try await canonical(cases) == canonical(reference.cases(status: nil, category: nil)))
        let actions = try await store.actions(status: nil)
        #expect(actions.contains { $0.kind == .financingOffer && $0.status == .pending })
        #expect(actions.contains { $0.status == .cancelled }, "the payments after the kill cancelled no action")
        #expect(try await canonical(actions) == canonical(reference.actions(status: nil)))
        for recoveryCase in cases {
            let timeline = try await store.caseDetail(id: recoveryCase.id)?.timeline ?? []
            let expected = try await reference.caseDetail(id: recoveryCase.id)?.timeline ?? []
            #expect(!timeline.isEmpty)
            #expect(try canonical(timeline) == canonical(expected), "\(recoveryCase.id)")
        }
    }

    static func canonical<T: Encodable>(_ rows: [T]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try rows.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.sorted()
    }

    /// One `lifeline serve` process of the cluster.
    struct Instance {
        var name: String
        var server: ServeProcess
        var baseURL: String { server.baseURL }
        func kill() { server.kill() }
    }

    /// A fresh schema, the configuration the instances share, and an observer store.
    struct Cluster {
        let directory: URL
        let configPath: String
        let schemaURL: String
        /// What every instance's environment holds but its `STORAGE_URL`.
        let environment: [String: String]
        let configuration: LifelineConfiguration
        let observer: PostgresStore
        /// Every instance's connections carry `application_name=<prefix>-<name>`.
        let prefix: String

        static func make(stubURL: String) async throws -> Cluster {
            guard let base = MultiInstance.databaseURL, var components = URLComponents(string: base) else { throw CancellationError() }
            let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" && $0.name != "application_name" }
                + [URLQueryItem(name: "schema", value: "lifeline_kill_\(suffix)")]
            let schemaURL = try #require(components.string)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-kill-\(suffix)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let configPath = directory.appendingPathComponent("lifeline.yaml").path
            try CrashScenario.configuration(playbook: playbook).write(toFile: configPath, atomically: true, encoding: .utf8)
            let environment = CrashScenario.environment(directory: directory, stubURL: stubURL)
            let configuration = try await ConfigurationLoader.load(path: configPath, environment: environment.merging(["STORAGE_URL": schemaURL]) { _, new in new })
            let prefix = "lifeline-kill-\(suffix.prefix(6))"
            let observer = try PostgresStore(url: schemaURL + "&application_name=\(prefix)-observer", reasonCodes: configuration.reasonCodes, policy: configuration.recovery.policy)
            try await observer.migrate()
            return Cluster(directory: directory, configPath: configPath, schemaURL: schemaURL, environment: environment, configuration: configuration, observer: observer, prefix: prefix)
        }

        func applicationName(_ instance: String) -> String { "\(prefix)-\(instance)" }

        /// Starts one real `lifeline serve` per name, each naming its connections after itself.
        func start(_ names: [String], client: HTTPClient) async throws -> [Instance] {
            var instances: [Instance] = []
            for name in names {
                var environment = self.environment
                environment["STORAGE_URL"] = schemaURL + "&application_name=\(applicationName(name))"
                let logs = directory.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
                let server = ServeProcess(configPath: configPath, environment: environment, directory: logs)
                do {
                    try await server.start(client: client)
                } catch {
                    for instance in instances { instance.kill() }
                    server.kill()
                    throw error
                }
                instances.append(Instance(name: name, server: server))
            }
            return instances
        }

        /// Backends holding the projector's advisory lock of this schema (`pg_locks` shows a
        /// two-key advisory lock as classid, objid and objsubid 2).
        func projectorLockHolders() async throws -> [LockHolder] {
            let schema = observer.schema ?? ""
            return try await observer.read { session in
                try await session.all("""
                    SELECT l.pid, a.application_name, a.xact_start IS NOT NULL AS in_transaction,
                           COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - a.xact_start), 0)::float8 AS transaction_seconds
                    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.classid = \(Int64(PostgresLocks.projectorSpace))::oid AND l.objid = hashtext(\(schema))::oid
                    """) { row in
                    LockHolder(backend: try row.value("pid"), application: try row.value("application_name"), inTransaction: try row.value("in_transaction"),
                               transactionSeconds: try row.value("transaction_seconds"))
                }
            }
        }

        func backendIsAlive(_ backend: Int32) async throws -> Bool {
            try await observer.read { session in
                try await session.scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = \(backend))", as: Bool.self) ?? false
            }
        }

        /// Events whose projection is committed.
        func committed() async throws -> Int {
            Int(try await observer.read { session in
                try await session.scalar("SELECT COUNT(*)::BIGINT FROM events WHERE projected_at IS NOT NULL", as: Int64.self)
            } ?? 0)
        }

        func close() async {
            try? await observer.dropSchema()
            await observer.shutdown()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// The projector's lock held by the test on a connection of its own, as a projector holds it.
    struct LockHold {
        let task: Task<Void, any Error>
        let release: AsyncStream<Void>.Continuation

        static func take(_ store: PostgresStore) async throws -> LockHold {
            let (taken, taking) = AsyncStream.makeStream(of: Void.self)
            let (released, releasing) = AsyncStream.makeStream(of: Void.self)
            let schema = store.schema ?? ""
            let logger = store.logger
            let task = Task {
                defer { taking.finish() }
                try await store.client.withConnection { connection in
                    let session = PostgresSession(connection: connection, logger: logger)
                    try await session.execute("SELECT pg_advisory_lock(\(PostgresLocks.projectorSpace), hashtext(\(schema)))")
                    taking.yield()
                    for await _ in released { break }
                    try await session.execute("SELECT pg_advisory_unlock(\(PostgresLocks.projectorSpace), hashtext(\(schema)))")
                }
            }
            var iterator = taken.makeAsyncIterator()
            guard await iterator.next() != nil else {
                try await task.value
                throw CancellationError()
            }
            return LockHold(task: task, release: releasing)
        }

        func release() async throws {
            release.yield()
            release.finish()
            try await task.value
        }
    }
}
