import LifelineCore
import LifelineStore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The scale-out store: the same protocols as SQLiteStore on a PostgreSQL shared by many
/// Lifeline instances. Row locks, advisory locks and `SKIP LOCKED` replace SQLite's single writer.
///
/// The connection pool runs from `init` until `shutdown()`, so one-shot commands can use the
/// store at once. In a server, add the store to the application's services: it then closes
/// the pool on graceful shutdown, after the services added after it have stopped.
public final class PostgresStore: LifelineStore, ReportSource, Service {
    let client: PostgresClient
    /// The domain steps from a logged event to its changes, shared with every store.
    let pipeline: EventPipeline
    let logger: Logger
    /// The schema every table lives in, when the URL named one.
    public let schema: String?
    /// Where the store points, password hidden.
    public let location: String
    private let runner: Task<Void, Never>

    /// Transactions that lost a deadlock or serialization race are run again this many times.
    static let maxTries = 5

    public init(url: PostgresURL, reasonCodes: ReasonCodeTable, policy: RecoveryPolicy = RecoveryPolicy(), logger: Logger = Logger(label: "lifeline.postgres")) {
        let client = PostgresClient(configuration: url.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        pipeline = EventPipeline(reasonCodes: reasonCodes, policy: policy)
        self.logger = logger
        schema = url.schema
        location = url.redacted
        runner = Self.start(client)
    }

    /// Starts the pool before `init` returns where the runtime can (an immediate task runs
    /// synchronously up to its first suspension), so no query ever waits on a pool not yet running.
    private static func start(_ client: PostgresClient) -> Task<Void, Never> {
        if #available(macOS 26.0, *) {
            return Task.immediate { await client.run() }
        }
        return Task { await client.run() }
    }

    public convenience init(url: String, reasonCodes: ReasonCodeTable, policy: RecoveryPolicy = RecoveryPolicy(), logger: Logger = Logger(label: "lifeline.postgres")) throws {
        self.init(url: try PostgresURL(url), reasonCodes: reasonCodes, policy: policy, logger: logger)
    }

    /// As a service: holds the pool open until graceful shutdown (or cancellation), then closes it.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes every connection; later calls fail. Safe to call more than once.
    public func shutdown() async {
        runner.cancel()
        await runner.value
    }

    /// `SELECT 1`, bounded so `/ready` answers even when the server is unreachable.
    public func ping() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.read { try await $0.execute("SELECT 1") } }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw PostgresStoreError.timeout("SELECT 1")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A read-committed transaction, run again when PostgreSQL aborts it to break a deadlock
    /// or a serialization conflict: every caller's work is idempotent under a retry.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        var tries = 0
        while true {
            tries += 1
            do {
                return try await transaction(begin: "BEGIN", body)
            } catch where tries < Self.maxTries && Self.isTransient(error) {
                logger.notice("transaction retried", metadata: ["try": "\(tries)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    /// One consistent snapshot for reads spanning several statements.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        try await transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// How long a transaction waits for a connection: with the server down, a webhook gets its
    /// 503 in seconds instead of after the pool's own minute of retries.
    static let connectionWait: Duration = .seconds(10)

    private enum Lease: Sendable { case waiting, leased, abandoned }

    /// Who won the race between the connection and the deadline.
    private final class LeaseRace: Sendable {
        private let state = Mutex(Lease.waiting)

        /// Moves from waiting to `outcome`; true if `outcome` is (now) where the race ended.
        func settle(_ outcome: Lease) -> Bool {
            state.withLock { state in
                if state == .waiting { state = outcome }
                return state == outcome
            }
        }
    }

    /// Runs `body` between BEGIN and COMMIT (ROLLBACK on error) on a pooled connection. Either
    /// the connection comes within `connectionWait` or the transaction is abandoned before it
    /// starts: a transaction that began is never cut short.
    private func transaction<T: Sendable>(begin: PostgresQuery, _ body: @escaping @Sendable (PostgresSession) async throws -> T) async throws -> T {
        let client = self.client
        let logger = self.logger
        let lease = LeaseRace()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    guard lease.settle(.leased) else { throw PostgresStoreError.timeout("no connection within \(Self.connectionWait)") }
                    let session = PostgresSession(connection: connection, logger: logger)
                    try await session.execute(begin)
                    do {
                        let value = try await body(session)
                        try await session.execute("COMMIT")
                        return value
                    } catch {
                        try? await session.execute("ROLLBACK")
                        throw error
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: Self.connectionWait)
                if !Task.isCancelled, lease.settle(.abandoned) { throw PostgresStoreError.timeout("no connection within \(Self.connectionWait)") }
                return nil
            }
            while let result = try await group.next() {
                if let value = result {
                    group.cancelAll()
                    return value
                }
            }
            throw PostgresStoreError.timeout("transaction ended without a result")
        }
    }

    /// Deadlock detected (40P01) or serialization failure (40001).
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }
}
