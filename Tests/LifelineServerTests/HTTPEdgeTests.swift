import Foundation
import Synchronization
import HTTPTypes
import HummingbirdTesting
import LifelineCore
import LifelineProviders
@testable import LifelineServer
@testable import LifelineStoreSQLite
import GRDB
import Testing

/// The HTTP edge against a real server: JSON error bodies on every refusal, 405 with `Allow`,
/// `/ready` when the store cannot write, and connection timeouts.
@Suite("HTTP edge", .serialized)
struct HTTPEdgeTests {
    struct WrongMethod: CustomTestStringConvertible, Sendable {
        let method: HTTPRequest.Method
        let uri: String
        let allow: String
        var testDescription: String { "\(method) \(uri)" }
    }

    static let wrongMethods: [WrongMethod] = [
        WrongMethod(method: .get, uri: "/webhooks/stripe", allow: "POST"),
        WrongMethod(method: .put, uri: "/webhooks/gocardless", allow: "POST"),
        WrongMethod(method: .delete, uri: "/webhooks/partner/sandbox", allow: "POST"),
        WrongMethod(method: .post, uri: "/health", allow: "GET, HEAD"),
        WrongMethod(method: .delete, uri: "/ready", allow: "GET, HEAD"),
        WrongMethod(method: .post, uri: "/api/v1/cases", allow: "GET, HEAD"),
        WrongMethod(method: .patch, uri: "/api/v1/cases/case_x", allow: "GET, HEAD"),
        WrongMethod(method: .get, uri: "/api/v1/actions/act_x/retry", allow: "POST"),
        WrongMethod(method: .post, uri: "/api/v1/reports/nrr", allow: "GET, HEAD"),
        WrongMethod(method: .options, uri: "/dashboard", allow: "GET, HEAD"),
    ]

    @Test(arguments: wrongMethods)
    func wrongMethodIs405WithAllowAndAJSONBody(_ input: WrongMethod) async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": RecoveryFixture.adminToken])
        try await fixture.run { client in
            let response = try await client.execute(uri: input.uri, method: input.method)
            #expect(response.status == .methodNotAllowed, "\(response.text)")
            #expect(response.headers[.allow] == input.allow)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.json["error"] as? String == "method_not_allowed")
            #expect((response.json["detail"] as? String)?.isEmpty == false)
        }
    }

    @Test func headIsAnsweredWhereGetIs() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let head = try await client.execute(uri: "/health", method: .head)
            #expect(head.status == .ok)
        }
    }

    @Test(arguments: ["/", "/nope", "/webhooks", "/webhooks/stripe/extra", "/api/v1/unknown", "/api/v2/cases"])
    func unknownPathIs404WithAJSONBody(_ uri: String) async throws {
        let fixture = try await ServerFixture.make(environment: ["ADMIN_TOKENS": RecoveryFixture.adminToken])
        try await fixture.run { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .notFound, "\(response.text)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.json["error"] as? String == "not_found", "\(response.text)")
        }
    }

    @Test func unparseableHTTPGetsAJSON400() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let port = try #require(client.port)
            let response = await RawHTTP.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n".utf8))
            #expect(RawHTTP.status(of: response) == 400, "\(response.prefix(200))")
            let body = String(response[(response.range(of: "\r\n\r\n")?.upperBound ?? response.endIndex)...])
            let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
            #expect(json?["error"] == "bad_request", "\(body)")
            #expect(response.lowercased().contains("content-type: application/json"))
        }
    }

    // MARK: readiness

    /// The SQLite writer connection refuses writes (`query_only`, what a read-only database
    /// does): `/ready` says so while `/health` stays up, and recovers once writes work again.
    @Test func readyIs503WhileTheStoreCannotWrite() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            try await fixture.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable, "\(ready.text)")
            #expect(ready.json["error"] as? String == "store_not_writable")
            let webhook = try await client.postWebhook(.standard, body: WebhookRejectionTests.validEvent)
            #expect(webhook.status == .serviceUnavailable, "\(webhook.text)")
            #expect(webhook.json["error"] as? String == "store_unavailable")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)

            try await fixture.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = OFF") }
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
            #expect(try await client.postWebhook(.standard, body: WebhookRejectionTests.validEvent).status == .ok)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }

    /// The database may not grow by a page and has no free one left (SQLite's own "database or
    /// disk is full"): the probe's first write needs a page, so `/ready` is 503 until there is room.
    @Test func readyIs503WhenTheDatabaseIsFull() async throws {
        let fixture = try await ServerFixture.make()
        let filled = try await fixture.store.pool.writeWithoutTransaction { db -> Bool in
            // The filler table first: creating it needs a page of its own.
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS test_filler (data BLOB)")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            for _ in 0..<10_000 {
                do {
                    try db.execute(sql: "INSERT INTO test_filler (data) VALUES (zeroblob(512))")
                } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
                    return true
                }
            }
            return false
        }
        #expect(filled, "the database never filled up")
        try await fixture.run { client in
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable, "\(ready.text)")
            #expect(ready.json["error"] as? String == "store_not_writable")
            try await fixture.store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            #expect(try await client.execute(uri: "/ready", method: .get).status == .ok)
        }
    }

    // MARK: connection timeouts

    static let shortTimeouts = [
        "HTTP_HEADER_READ_TIMEOUT_SECONDS": "1", "HTTP_BODY_READ_TIMEOUT_SECONDS": "1", "HTTP_IDLE_TIMEOUT_SECONDS": "30",
    ]

    @Test func timeoutsAreConfigurable() async throws {
        let defaults = try await ServerFixture.make().configuration.http
        let defaultSeconds: [Int] = [defaults.idleTimeoutSeconds, defaults.headerReadTimeoutSeconds, defaults.bodyReadTimeoutSeconds]
        #expect(defaultSeconds == [60, 10, 30])
        let short = try await ServerFixture.make(environment: Self.shortTimeouts).configuration.http
        let shortSeconds: [Int] = [short.idleTimeoutSeconds, short.headerReadTimeoutSeconds, short.bodyReadTimeoutSeconds]
        #expect(shortSeconds == [30, 1, 1])
        await #expect(throws: (any Error).self) {
            try await ServerFixture.make(environment: ["HTTP_BODY_READ_TIMEOUT_SECONDS": "0"])
        }
    }

    /// A slow-loris sends half a request head and waits: it gets a JSON 408 and is closed,
    /// and `/health` answers meanwhile.
    @Test func aHeadThatNeverEndsGets408AndIsClosed() async throws {
        let fixture = try await ServerFixture.make(environment: Self.shortTimeouts)
        try await fixture.run { client in
            let port = try #require(client.port)
            let slow = try #require(RawConnection(port: port))
            slow.send("POST /webhooks/standard HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let (text, closed) = await RawConnection.offPool { slow.readUntilClosed() }
            #expect(closed, "the server kept a half-sent head open")
            #expect(RawHTTP.status(of: text) == 408, "\(text)")
            #expect(text.contains(#""error":"request_timeout""#), "\(text)")
        }
        #expect(try await fixture.store.storedEvents().isEmpty)
    }

    /// A body promised by `Content-Length` that stops arriving: 408, closed, nothing stored.
    @Test func aBodyThatStopsArrivingGets408AndIsClosed() async throws {
        let fixture = try await ServerFixture.make(environment: Self.shortTimeouts)
        try await fixture.run { client in
            let port = try #require(client.port)
            let body = WebhookRejectionTests.validEvent
            var head = "POST /webhooks/standard HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            for (name, value) in StandardWebhooksSignature.headers(id: "evt_valid", timestamp: ServerFixture.now, body: body, secret: TestSecrets.standard) {
                head += "\(name): \(value)\r\n"
            }
            head += "Content-Length: \(body.count)\r\n\r\n"
            let slow = try #require(RawConnection(port: port))
            slow.send(head + String(decoding: body.prefix(10), as: UTF8.self))
            let (text, closed) = await RawConnection.offPool { slow.readUntilClosed() }
            #expect(closed, "the server kept a stalled body open")
            #expect(RawHTTP.status(of: text) == 408, "\(text)")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
        #expect(try await fixture.store.storedEvents().isEmpty)
    }

    /// A kept-alive connection with nothing more to ask is closed after the idle timeout.
    @Test func anIdleKeptAliveConnectionIsClosed() async throws {
        let fixture = try await ServerFixture.make(environment: ["HTTP_IDLE_TIMEOUT_SECONDS": "1"])
        try await fixture.run { client in
            let port = try #require(client.port)
            let connection = try #require(RawConnection(port: port))
            connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let (text, closed) = await RawConnection.offPool { connection.readUntilClosed() }
            #expect(RawHTTP.status(of: text) == 200, "\(text)")
            #expect(closed, "the idle connection stayed open")
        }
    }

    /// 1,000 connections that never send a byte do not starve `/health` (asked on connections
    /// of its own), and the idle timeout closes every one of them.
    @Test func aThousandIdleConnectionsDoNotStarveHealth() async throws {
        let fixture = try await ServerFixture.make(environment: ["HTTP_IDLE_TIMEOUT_SECONDS": "3"])
        try await fixture.run { client in
            let port = try #require(client.port)
            let idle = await RawConnection.offPool { (0..<1_000).compactMap { _ in RawConnection(port: port) } }
            #expect(idle.count == 1_000)
            for _ in 0..<3 {
                let health = await RawHTTP.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                #expect(RawHTTP.status(of: health) == 200, "\(health.prefix(200))")
            }
            let closed = await RawConnection.offPool { idle.filter { $0.readUntilClosed().closedByServer }.count }
            #expect(closed == idle.count, "connections the server left open")
            let health = await RawHTTP.exchange(port: port, Array("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(RawHTTP.status(of: health) == 200)
        }
    }

    /// 50 slow-lorises dribbling their heads a byte at a time do not starve `/health`; each is
    /// cut off by the header timeout, though it never stops sending.
    @Test func dribblingHeadsAreCutOffByTheHeaderTimeout() async throws {
        let fixture = try await ServerFixture.make(environment: Self.shortTimeouts)
        try await fixture.run { client in
            let port = try #require(client.port)
            let lorises = await RawConnection.offPool { (0..<50).compactMap { _ in RawConnection(port: port) } }
            let done = StopFlag()
            let dribbler = Thread {
                let head = Array("POST /webhooks/standard HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 100_000)
                var index = 0
                while !done.isSet, index < head.count {
                    for loris in lorises { loris.send(String(decoding: [head[index]], as: UTF8.self)) }
                    index += 1
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            dribbler.start()
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let answers = await RawConnection.offPool { lorises.map { $0.readUntilClosed() } }
            done.set()
            let closed = answers.filter(\.closedByServer).count
            let timedOut = answers.filter { RawHTTP.status(of: $0.text) == 408 }.count
            #expect(closed == lorises.count, "a slow-loris kept its connection")
            #expect(timedOut == lorises.count, "\(answers.first?.text ?? "")")
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }
}

/// Tells a helper thread to stop.
final class StopFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}
