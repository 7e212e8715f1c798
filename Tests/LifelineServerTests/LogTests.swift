import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineServer
import Logging
import NIOCore
import Synchronization
import Testing

/// `log.format: json` and `log.level`, the request id on every line of a request, the event
/// ids on the lines about events, and no secret on any line: in process with a captured
/// stream, and through the real `lifeline serve`.
@Suite("Logs")
struct LogTests {
    /// Every line a `LogOutput` received.
    final class Captured: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var output: LogOutput { LogOutput { line in self.lines.withLock { $0.append(line) } } }
    }

    static let requestID = HTTPField.Name("X-Request-ID")!
    static let adminToken = "admin-token-that-must-not-be-logged"

    /// Each line as a JSON object, after checking it is one line with the four fixed fields.
    static func objects(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return lines.compactMap { line in
            #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" }, "not one line: \(line)", sourceLocation: sourceLocation)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                Issue.record("not a JSON object: \(line)", sourceLocation: sourceLocation)
                return nil
            }
            #expect((object["timestamp"] as? String).flatMap(iso.date(from:)) != nil, "timestamp: \(line)", sourceLocation: sourceLocation)
            #expect((object["level"] as? String).flatMap(Logger.Level.init(rawValue:)) != nil, "level: \(line)", sourceLocation: sourceLocation)
            #expect(object["label"] is String && object["message"] is String, "\(line)", sourceLocation: sourceLocation)
            return object
        }
    }

    /// Signed headers for `body` plus an `X-Request-ID`.
    static func headers(_ provider: ProviderName, _ body: [UInt8], secret: String, timestamp: Int64, requestID: String) -> [(String, String)] {
        WebhookSigner.headers(
            provider: provider, body: body, secret: secret, timestamp: timestamp,
            eventID: WebhookSigner.eventID(in: body, fallback: "msg_test")
        ) + [("X-Request-ID", requestID)]
    }

    @Test func jsonLinesCarryTheRequestIDTheEventIDAndNoSecret() async throws {
        let fixture = try await ServerFixture.make(environment: ["LOG_FORMAT": "json", "LOG_LEVEL": "debug", "ADMIN_TOKENS": Self.adminToken])
        #expect(fixture.configuration.log == .init(level: .debug, format: .json))
        let captured = Captured()
        var dependencies = fixture.dependencies
        dependencies.logger = LogSetup.logger(label: "lifeline", configuration: fixture.configuration, output: captured.output)
        let app = buildApplication(configuration: fixture.configuration, dependencies: dependencies)
        let body = try ServerFixture.sample("stripe/09_invoice.created.json")
        let eventID = WebhookSigner.eventID(in: body, fallback: "")
        let now = ServerFixture.now
        let generated = try await app.test(.live) { client in
            let accepted = try await client.postWebhook(
                .stripe, body: body, headers: Self.headers(.stripe, body, secret: TestSecrets.stripe, timestamp: now, requestID: "req-7f3a-accepted"))
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.headers[Self.requestID] == "req-7f3a-accepted")
            let refused = try await client.postWebhook(
                .stripe, body: body, headers: Self.headers(.stripe, body, secret: TestSecrets.wrong, timestamp: now, requestID: "req-7f3a-refused"))
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[Self.requestID] == "req-7f3a-refused", "echoed on errors too")
            // Too long, or with characters a log line should not hold: replaced by a generated id.
            let odd = try await client.postWebhook(
                .stripe, body: body, headers: Self.headers(.stripe, body, secret: TestSecrets.stripe, timestamp: now, requestID: "a b;c=\"d\""))
            let long = try await client.postWebhook(
                .stripe, body: body, headers: Self.headers(.stripe, body, secret: TestSecrets.stripe, timestamp: now, requestID: String(repeating: "x", count: 65)))
            // A well-formed id that happens to be a configured secret is scrubbed from every line.
            let secretID = try await client.postWebhook(
                .stripe, body: body, headers: Self.headers(.stripe, body, secret: TestSecrets.stripe, timestamp: now, requestID: Self.adminToken))
            #expect(secretID.status == .ok)
            let plain = try await client.execute(uri: "/health", method: .get)
            return [odd, long, plain].map { $0.headers[Self.requestID] ?? "" }
        }
        for id in generated {
            #expect(!id.isEmpty && id != "a b;c=\"d\"" && id.count <= 64, "a generated id, got '\(id)'")
        }
        #expect(Set(generated).count == 3, "one id per request")

        let lines = captured.all
        let objects = Self.objects(lines)
        #expect(objects.count == lines.count)
        func requestID(_ object: [String: Any]) -> String? { object["hb.request.id"] as? String }
        let accepted = objects.filter { requestID($0) == "req-7f3a-accepted" }
        #expect(accepted.contains { $0["message"] as? String == "webhook event logged" && $0["outcome"] as? String == "stored" })
        for object in accepted {
            #expect(object["event_id"] as? String == eventID, "\(object)")
            #expect(object["provider"] as? String == "stripe", "\(object)")
        }
        // Every line about the event names the request that brought it.
        let aboutEvent = objects.filter { $0["event_id"] as? String == eventID }
        #expect(aboutEvent.count >= 4, "one line per post that reached the store")
        for object in aboutEvent {
            #expect(requestID(object) != nil, "\(object)")
            #expect(object["provider"] as? String == "stripe")
        }
        let refused = objects.filter { requestID($0) == "req-7f3a-refused" }
        #expect(refused.map { $0["message"] as? String } == ["webhook refused"])
        #expect(refused.first?["level"] as? String == "notice")
        // The duplicates of the generated-id requests carry those ids.
        for id in generated.prefix(2) {
            #expect(objects.contains { requestID($0) == id && $0["outcome"] as? String == "duplicate" }, "\(id)")
        }
        let text = lines.joined()
        #expect(text.contains("[redacted]"), "the secret used as a request id was scrubbed, not dropped")
        for secret in [Self.adminToken, TestSecrets.stripe, TestSecrets.stripeRotated, TestSecrets.gocardless, TestSecrets.standard] {
            #expect(!text.contains(secret), "a log line shows \(secret.prefix(8))…")
        }
    }

    @Test func aJSONLineIsOneEscapedObjectWithFlattenedMetadata() throws {
        let line = JSONLogHandler.line(
            timestamp: "2026-11-23T12:00:00.123Z", level: .warning, label: "lifeline",
            message: "two\nlines, a \"quote\", a \\ and a \u{1}", error: "boom",
            metadata: [
                "event_id": "evt_1", "nested": .dictionary(["a": "1", "b": .dictionary(["c": "2"])]),
                "ids": .array(["x", "y"]), "message": "clash",
            ]
        )
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "two\nlines, a \"quote\", a \\ and a \u{1}")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "lifeline")
        #expect(object["timestamp"] as? String == "2026-11-23T12:00:00.123Z")
        #expect(object["error"] as? String == "boom")
        #expect(object["event_id"] as? String == "evt_1")
        #expect(object["nested.a"] as? String == "1")
        #expect(object["nested.b.c"] as? String == "2")
        #expect(object["ids"] as? [String] == ["x", "y"])
        #expect(object["metadata.message"] as? String == "clash")
        // The real timestamp is ISO 8601 in UTC with milliseconds.
        let now = JSONLogHandler.timestamp()
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(iso.date(from: now), "\(now)")
        #expect(abs(parsed.timeIntervalSinceNow) < 3_600, "\(now) is now, in UTC")
        #expect(now.count == 24 && now.hasSuffix("Z"))
    }

    @Test func theLevelDropsLessSevereLinesAndTheSecretsAreScrubbedBeforeTheHandler() async throws {
        let configuration = try await ConfigurationLoader.load(
            path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path,
            environment: ["LOG_FORMAT": "json", "LOG_LEVEL": "warning", "ADMIN_TOKENS": Self.adminToken, "STORAGE_PATH": "unused.sqlite"]
        )
        let captured = Captured()
        var logger = LogSetup.logger(label: "lifeline.test", configuration: configuration, output: captured.output)
        #expect(logger.handler is RedactingLogHandler, "the JSON handler is wrapped")
        // The logger's own metadata (as Hummingbird sets hb.request.id) is scrubbed too.
        logger[metadataKey: "session"] = "\(Self.adminToken)"
        logger.info("dropped")
        logger.warning("kept \(Self.adminToken)", metadata: ["token": "\(Self.adminToken)"])
        let objects = Self.objects(captured.all)
        #expect(objects.count == 1)
        #expect(objects.first?["message"] as? String == "kept [redacted]")
        #expect(objects.first?["token"] as? String == "[redacted]")
        #expect(objects.first?["session"] as? String == "[redacted]")
        #expect(objects.first?["label"] as? String == "lifeline.test")
        #expect(!captured.all.joined().contains(Self.adminToken))
    }

    /// The real binary with `LOG_FORMAT=json`: every line it writes is a JSON object, and the
    /// lines about a webhook carry its request id and event id.
    @Test(.timeLimit(.minutes(2)))
    func serveWritesJSONLinesWithTheRequestAndEventIDs() async throws {
        let directory = try TestDirectories.make("lifeline-json-logs")
        let environment = [
            "STORAGE_PATH": directory.appendingPathComponent("lifeline.sqlite").path,
            "PROVIDERS_STRIPE_SECRETS": TestSecrets.stripe, "ADMIN_TOKENS": Self.adminToken,
            "LOG_FORMAT": "json",
        ]
        let server = ServeProcess(
            configPath: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path, environment: environment,
            directory: directory
        )
        defer { server.kill() }
        try await server.start(client: HTTPClient.shared)
        let body = try ServerFixture.sample("stripe/09_invoice.created.json")
        let eventID = WebhookSigner.eventID(in: body, fallback: "")
        let now = Int64(Date().timeIntervalSince1970)
        func post(secret: String, requestID: String) async throws -> HTTPClientResponse {
            var request = HTTPClientRequest(url: "\(server.baseURL)/webhooks/stripe")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for (name, value) in Self.headers(.stripe, body, secret: secret, timestamp: now, requestID: requestID) {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            return response
        }
        let accepted = try await post(secret: TestSecrets.stripe, requestID: "serve-req-1")
        #expect(accepted.status == .ok)
        #expect(accepted.headers["X-Request-ID"] == ["serve-req-1"])
        let refused = try await post(secret: TestSecrets.wrong, requestID: "serve-req-2")
        #expect(refused.status == .unauthorized)
        #expect(refused.headers["X-Request-ID"] == ["serve-req-2"])
        await server.terminate()

        let log = try String(contentsOf: directory.appendingPathComponent("serve-1.log"), encoding: .utf8)
        let lines = log.split(separator: "\n", omittingEmptySubsequences: true).map { String($0) + "\n" }
        #expect(lines.count >= 4, "\(log)")
        let objects = Self.objects(lines)
        #expect(objects.count == lines.count)
        #expect(objects.contains { ($0["message"] as? String)?.contains("listening on 127.0.0.1:") == true })
        let logged = objects.filter { $0["event_id"] as? String == eventID && $0["message"] as? String == "webhook event logged" }
        #expect(logged.count == 1, "\(log)")
        #expect(logged.first?["hb.request.id"] as? String == "serve-req-1")
        #expect(logged.first?["provider"] as? String == "stripe")
        #expect(logged.first?["outcome"] as? String == "stored")
        let refusedLines = objects.filter { $0["hb.request.id"] as? String == "serve-req-2" }
        #expect(refusedLines.map { $0["message"] as? String } == ["webhook refused"], "\(log)")
        for secret in [TestSecrets.stripe, Self.adminToken] {
            #expect(!log.contains(secret), "the log shows \(secret.prefix(8))…")
        }
    }

    @Test func checkConfigShowsTheLogKeysAndRefusesAnUnknownLevel() async throws {
        let storage = ["STORAGE_PATH": FileManager.default.temporaryDirectory.appendingPathComponent("log-config-\(UUID().uuidString).sqlite").path]
        let arguments = ["check-config", "--config", "config/lifeline.yaml"]
        let shown = try LifelineBinary.run(arguments, environment: storage.merging(["LOG_LEVEL": "DEBUG"]) { _, new in new })
        #expect(shown.status == 0, "\(shown.output)")
        #expect(shown.output.contains("log.level: debug  [environment LOG_LEVEL]"), "\(shown.output)")
        #expect(shown.output.contains("log.format: text  [file]"), "\(shown.output)")

        let loud = try LifelineBinary.run(arguments, environment: storage.merging(["LOG_LEVEL": "loud"]) { _, new in new })
        #expect(loud.status == 1, "\(loud.output)")
        #expect(loud.output.contains(
            "configuration key log.level: must be one of trace, debug, info, notice, warning, error, critical, got 'loud' (from environment LOG_LEVEL)"
        ), "\(loud.output)")

        // Both refused at once, each with its key; the file's value is named as the file's.
        let path = try ConfigFiles.shipped(replacing: "  format: text", with: "  format: xml")
        await #expect {
            try await ConfigurationLoader.load(path: path, environment: ["LOG_LEVEL": "verbose", "STORAGE_PATH": "unused.sqlite"])
        } throws: { error in
            let text = "\(error)"
            return text.contains("configuration key log.level: must be one of trace, debug, info, notice, warning, error, critical, got 'verbose' (from environment LOG_LEVEL)")
                && text.contains("configuration key log.format: must be one of text, json, got 'xml' (from the file)")
        }
        // A near miss of the variable is pointed out.
        let typo = try await ConfigurationLoader.load(
            path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path,
            environment: ["LOG_LEVL": "debug", "STORAGE_PATH": "unused.sqlite"]
        )
        #expect(typo.log.level == .info)
        #expect(typo.warnings.contains("environment variable LOG_LEVL is not read; did you mean LOG_LEVEL?"), "\(typo.warnings)")
    }
}
