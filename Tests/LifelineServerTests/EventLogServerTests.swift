import Foundation
import GRDBSQLite
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
@testable import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging
import NIOCore
import Testing

/// The production webhook path: the 2xx once the event is in the log, the background projector
/// applying it after, its lag in `/ready` and the admin API, and origins only an operator sets.
@Suite("Event log behind a real server")
struct EventLogServerTests {
    static let token = "adm_event_log_test_token_0123456789"

    static func fixture() async throws -> ServerFixture {
        try await ServerFixture.make(environment: ["ADMIN_TOKENS": token])
    }

    /// The application as `serve` builds it: projector in the background.
    static func run(_ fixture: ServerFixture, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "lifeline.test")
        logger.logLevel = .critical
        let dependencies = AppDependencies(store: fixture.store, clock: fixture.clock, logger: logger, runsDispatcher: false)
        let app = buildApplication(configuration: fixture.configuration, dependencies: dependencies)
        try await app.test(.live) { client in try await body(client) }
    }

    static func admin(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(token)"], body: nil)
    }

    /// Polls `/ready` until the projector has caught up; false if it never does (bounded, not timed).
    static func caughtUp(_ client: any TestClientProtocol) async throws -> Bool {
        for _ in 0..<2_000 {
            let ready = try await client.execute(uri: "/ready", method: .get)
            let projection = ready.json["projection"] as? [String: Any]
            if ready.status == .ok, projection?["lag_events"] as? Int == 0 { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test func acknowledgedOnAppendThenProjectedInTheBackground() async throws {
        let fixture = try await Self.fixture()
        try await Self.run(fixture) { client in
            for (name, body) in try ServerFixture.samples("standard") {
                let response = try await client.postWebhook(.standard, body: body)
                #expect(response.status == .ok, "\(name): \(response.text)")
            }
            #expect(try await Self.caughtUp(client))
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.json["status"] as? String == "ready")
            #expect(ready.json["projection"] as? [String: Int] == ["lag_events": 0, "lag_seconds": 0, "failures": 0])
            let status = try await Self.admin(client, .get, "/api/v1/projection")
            #expect(status.status == .ok)
            #expect(status.json as? [String: Int] == ["lag_events": 0, "lag_seconds": 0, "failures": 0])
            // Everything logged was applied: the same ledger as a store that projects inline.
            let summary = try await fixture.store.summary()
            #expect(summary.customers == 1)
            #expect(summary.events == 7)
            #expect(try await fixture.store.invoices().isEmpty == false)
        }
    }

    @Test func anUnknownTypeIsListedAsIgnoredOnly() async throws {
        let fixture = try await Self.fixture()
        try await Self.run(fixture) { client in
            let body = try ServerFixture.sample("standard/07-unknown-type-customer-note-added.json")
            let response = try await client.postWebhook(.standard, body: body)
            #expect(response.status == .ok)
            #expect(response.json["stored"] as? [String] == [])
            #expect((response.json["ignored"] as? [String])?.count == 1)
        }
    }

    @Test func onlyAnOperatorMarksEventsAsHistory() async throws {
        let fixture = try await Self.fixture()
        try await Self.run(fixture) { client in
            let body = try ServerFixture.sample("standard/01-subscription-created.json")
            let signed = WebhookSigner.headers(
                provider: .standard, body: body, secret: TestSecrets.standard, timestamp: ServerFixture.now,
                eventID: WebhookSigner.eventID(in: body, fallback: "msg_test")
            )
            func post(origin: String, token: String?) async throws -> TestResponse {
                var fields = HTTPFields()
                fields[.contentType] = "application/json"
                for (name, value) in signed { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
                fields[HTTPField.Name("Lifeline-Origin")!] = origin
                if let token { fields[.authorization] = "Bearer \(token)" }
                return try await client.execute(uri: "/webhooks/standard", method: .post, headers: fields, body: ByteBuffer(bytes: body))
            }
            let anonymous = try await post(origin: "import", token: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json["error"] as? String == "unauthorized")
            let wrong = try await post(origin: "import", token: "adm_wrong")
            #expect(wrong.status == .unauthorized)
            let bogus = try await post(origin: "backfill", token: Self.token)
            #expect(bogus.status == .badRequest)
            #expect(bogus.json["error"] as? String == "invalid_origin")
            #expect(try await fixture.store.storedEvents().isEmpty)

            let imported = try await post(origin: "import", token: Self.token)
            #expect(imported.status == .ok, "\(imported.text)")
            #expect(try await fixture.store.storedEvents().map(\.origin) == [.import])
        }
    }

    @Test func aFailingEventIsListedAndRetriedThroughTheAdminAPI() async throws {
        let fixture = try await Self.fixture()
        // Logged while no server runs, then left undecodable, as a faulty release could.
        let body = try ServerFixture.sample("standard/01-subscription-created.json")
        let delivery = try StandardProvider(signature: StandardWebhooksSignature(secrets: [TestSecrets.standard], toleranceSeconds: 300))
            .normalize(body: body)
        let incoming = IncomingDelivery(provider: .standard, receivedAt: ServerFixture.now, headers: [:], body: body, events: delivery.events)
        #expect(try await fixture.store.append(incoming, origin: .live).stored.count == 1)
        let seq = try #require(try await fixture.store.storedEvents().first?.seq)
        let original = try #require(delivery.events.first?.normalized).jsonText()
        try SQLiteFile.execute(fixture.databasePath, "UPDATE events SET normalized = '{\"broken\": true}' WHERE seq = \(seq)")

        try await Self.run(fixture) { client in
            #expect(try await Self.caughtUp(client))
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect((ready.json["projection"] as? [String: Int])?["failures"] == 1)
            let failures = try await Self.admin(client, .get, "/api/v1/projection/failures")
            #expect(failures.status == .ok)
            let listed = try #require((failures.json["failures"] as? [[String: Any]])?.first)
            #expect(listed["seq"] as? Int == Int(seq))
            #expect(listed["provider"] as? String == "standard")
            #expect(listed["attempts"] as? Int == 1)

            let again = try await Self.admin(client, .post, "/api/v1/projection/failures/\(seq)/retry")
            #expect(again.status == .conflict)
            #expect(again.json["error"] as? String == "projection_failed")
            let invalid = try await Self.admin(client, .post, "/api/v1/projection/failures/abc/retry")
            #expect(invalid.status == .badRequest)
            let missing = try await Self.admin(client, .post, "/api/v1/projection/failures/999/retry")
            #expect(missing.status == .notFound)

            try SQLiteFile.execute(fixture.databasePath, "UPDATE events SET normalized = '\(original)' WHERE seq = \(seq)")
            let fixed = try await Self.admin(client, .post, "/api/v1/projection/failures/\(seq)/retry")
            #expect(fixed.status == .ok, "\(fixed.text)")
            #expect(fixed.json["status"] as? String == "applied")
            let after = try await Self.admin(client, .get, "/api/v1/projection/failures")
            #expect((after.json["failures"] as? [Any])?.isEmpty == true)
            #expect(try await fixture.store.summary().customers == 1)
        }
    }
}

/// Raw SQL on a SQLite file behind the store's back, through SQLite's own C API.
enum SQLiteFile {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func execute(_ path: String, _ sql: String) throws {
        var handle: OpaquePointer?
        guard sqlite3_open(path, &handle) == SQLITE_OK, let handle else { throw Failure(description: "cannot open \(path)") }
        defer { sqlite3_close(handle) }
        sqlite3_busy_timeout(handle, 10_000)
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw Failure(description: message.map { String(cString: $0) } ?? "sqlite3_exec failed")
        }
    }
}
