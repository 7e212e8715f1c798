import Foundation
import GRDB
import LifelineConfig
import LifelineCore
import LifelineStore
import LifelineStoreSQLite
@testable import LifelineStorePostgres
import PostgresNIO
import Synchronization
import Testing

/// The two implementations of the store protocols the conformance suite runs against.
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// The PostgreSQL server the suite may use; without it the PostgreSQL cases are skipped, visibly.
enum PostgresTestServer {
    static let url: String? = ProcessInfo.processInfo.environment["LIFELINE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isConfigured: Bool { url != nil }

    /// The server's URL with `schema=` added, so each test gets tables of its own.
    static func url(schema: String) throws -> String {
        guard let url, var components = URLComponents(string: url) else { throw TestDatabase.Unavailable() }
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" } + [URLQueryItem(name: "schema", value: schema)]
        return components.string ?? url
    }
}

/// One fresh database for one test (a temporary SQLite file, or a random PostgreSQL schema),
/// on which any number of store instances can be opened, like several Lifeline processes.
final class TestDatabase: Sendable {
    struct Unavailable: Error {}

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let kind: StoreKind
    /// The SQLite file, or the PostgreSQL URL with its schema.
    let location: String
    let reasonCodes: ReasonCodeTable
    let policy: RecoveryPolicy
    private let directory: URL?
    private let opened = Mutex<[any LifelineStore & ReportSource]>([])

    private init(kind: StoreKind, location: String, directory: URL?, configuration: LifelineConfiguration) {
        self.kind = kind
        self.location = location
        self.directory = directory
        reasonCodes = configuration.reasonCodes
        policy = configuration.recovery.policy
    }

    /// The repository's configuration (reason codes, stress weights, playbook), no secrets.
    static func configuration() async throws -> LifelineConfiguration {
        try await ConfigurationLoader.load(path: repository.appendingPathComponent("config/lifeline.yaml").path, environment: [:])
    }

    static func make(_ kind: StoreKind) async throws -> TestDatabase {
        let configuration = try await configuration()
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lifeline-store-test-\(suffix)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return TestDatabase(kind: kind, location: directory.appendingPathComponent("lifeline.sqlite").path, directory: directory, configuration: configuration)
        case .postgres:
            return TestDatabase(kind: kind, location: try PostgresTestServer.url(schema: "lifeline_test_\(suffix)"), directory: nil, configuration: configuration)
        }
    }

    /// Runs raw SQL on the database behind every store's back (the tables of both stores share
    /// the column names the tests use: `seq`, `normalized`).
    func execute(_ sql: String) async throws {
        switch kind {
        case .sqlite:
            let queue = try DatabaseQueue(path: location)
            try await queue.write { try $0.execute(sql: sql) }
            try queue.close()
        case .postgres:
            guard let store = try await open(migrate: false) as? PostgresStore else { return }
            try await store.write { try await $0.execute(PostgresQuery(unsafeSQL: sql)) }
        }
    }

    /// A new store instance on this database, migrated; `reasonCodes` replaces the repository's table.
    func open(migrate: Bool = true, reasonCodes: ReasonCodeTable? = nil) async throws -> any LifelineStore & ReportSource {
        let table = reasonCodes ?? self.reasonCodes
        let store: any LifelineStore & ReportSource = switch kind {
        case .sqlite: try SQLiteStore(path: location, reasonCodes: table, policy: policy)
        case .postgres: try PostgresStore(url: location, reasonCodes: table, policy: policy)
        }
        opened.withLock { $0.append(store) }
        if migrate { try await store.migrate() }
        return store
    }

    /// Drops the schema (or deletes the file) and closes every instance opened.
    func close() async {
        let stores = opened.withLock { $0 }
        let postgres = stores.compactMap { $0 as? PostgresStore }
        if let first = postgres.first { try? await first.dropSchema() }
        for store in postgres { await store.shutdown() }
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Runs `body` on a fresh database of that kind, cleaned up whatever happens.
func withDatabase(_ kind: StoreKind, _ body: (TestDatabase) async throws -> Void) async throws {
    let database = try await TestDatabase.make(kind)
    do {
        try await body(database)
    } catch {
        await database.close()
        throw error
    }
    await database.close()
}
