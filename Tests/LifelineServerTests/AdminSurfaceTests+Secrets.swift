import Foundation
import HummingbirdTesting
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineTestSupport
import Testing

/// Secrets (provider secrets, partner secret, Stripe key, admin tokens) never show up in logs,
/// in responses, in stored attempt errors, or in `check-config`.
extension AdminSurfaceTests {
    /// Each secret, and the base64 key inside every `whsec_` one.
    static let secrets: [String] = {
        let all = [
            TestSecrets.stripe, TestSecrets.stripeRotated, TestSecrets.gocardless, TestSecrets.standard,
            RecoveryFixture.partnerSecret, RecoveryFixture.stripeKey, RecoveryFixture.adminToken,
        ]
        return all + all.filter { $0.hasPrefix("whsec_") }.map { String($0.dropFirst("whsec_".count)) }
    }()

    static func expectNoSecret(in text: String, _ place: String) {
        for secret in secrets { #expect(!text.contains(secret), "\(place) shows \(secret.prefix(8))…") }
    }

    @Test func secretsStayOutOfLogsResponsesAndTheAttemptLog() async throws {
        let lines = CapturingLogHandler.Lines()
        // The partner echoes every configured secret, not only those it was sent.
        let echo = "you sent " + Self.secrets.joined(separator: " with ")
        let replies = [StubReply(status: 500, body: echo), StubReply(status: 400, body: echo)]
        let responses = try await PartnerStub.run(replies: replies, fallback: StubReply(status: 201, body: echo)) { _, url in
            let events = try RecoveryEngineTests.bakeryUntilFailure()
            let fixture = try await RecoveryFixture.make(stubURL: url, start: events[0].time)
            let dependencies = AppDependencies(
                store: fixture.store, clock: fixture.clock, logger: CapturingLogHandler.logger(lines), runsDispatcher: false,
                projectsBeforeAcknowledging: true
            )
            let app = buildApplication(configuration: fixture.server.configuration, dependencies: dependencies)
            let first = try await app.test(.live) { client in
                var texts: [String] = []
                for event in events { texts.append(try await client.post(event, clock: fixture.clock).text) }
                let body = HostileBodies.standard()
                let now = fixture.clock.nowSeconds()
                for provider in ProviderName.allCases {
                    texts.append(try await client.postWebhook(provider, body: body, secret: TestSecrets.wrong, timestamp: now).text)
                }
                texts.append(try await client.postWebhook(.standard, body: Array("{\"id\":".utf8), timestamp: now).text)
                let callback = Array(#"{"id":"cb_1","type":"offer.funded","offer_id":"x","occurred_at":1}"#.utf8)
                texts.append(try await client.postWebhook(.standard, body: callback, secret: TestSecrets.wrong, timestamp: now, path: "/webhooks/partner/sandbox").text)
                for token in [RecoveryFixture.adminToken + "x", String(RecoveryFixture.adminToken.dropLast())] {
                    texts.append(try await client.admin("/api/v1/actions", token: token).text)
                }
                return texts
            }
            // The partner answers 500 then 400, echoing the secrets; then the action is sent again.
            let dispatcher = makeDispatcher(configuration: fixture.server.configuration, dependencies: dependencies)
            for _ in 0..<3 {
                try await dispatcher.drain()
                fixture.clock.advance(by: 3_600)
            }
            let second = try await app.test(.live) { client in
                var texts: [String] = []
                let actions = try await client.admin("/api/v1/actions")
                texts.append(actions.text)
                let ids = (actions.json["actions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                for id in ids {
                    texts.append(try await client.admin("/api/v1/actions/\(id)/attempts").text)
                    texts.append(try await client.admin("/api/v1/actions/\(id)/retry", method: .post).text)
                }
                let cases = try await client.admin("/api/v1/cases")
                texts.append(cases.text)
                for id in (cases.json["cases"] as? [[String: Any]] ?? []).compactMap({ $0["id"] as? String }) {
                    texts.append(try await client.admin("/api/v1/cases/\(id)").text)
                }
                texts.append(try await client.admin("/api/v1/actions?format=csv").text)
                return texts
            }
            #expect(second.contains { $0.contains("HTTP 500") }, "the partner's refusals are in the attempt log")
            return first + second
        }
        let log = lines.all.joined(separator: "\n")
        #expect(log.contains("webhook refused"))
        #expect(log.contains("outbound attempt"))
        #expect(log.contains("[redacted]"), "the echoed secrets were scrubbed, not dropped unseen")
        Self.expectNoSecret(in: log, "the log")
        for (index, response) in responses.enumerated() { Self.expectNoSecret(in: response, "response \(index)") }
    }

    static var secretEnvironment: [String: String] {
        [
            "PROVIDERS_STRIPE_SECRETS": "\(TestSecrets.stripe),\(TestSecrets.stripeRotated)",
            "PROVIDERS_GOCARDLESS_SECRETS": TestSecrets.gocardless,
            "PROVIDERS_STANDARD_SECRETS": TestSecrets.standard,
            "PARTNERS_NAMES": "sandbox", "PARTNERS_SANDBOX_URL": "http://127.0.0.1:9/partner",
            "PARTNERS_SANDBOX_SECRET": RecoveryFixture.partnerSecret,
            "STRIPE_API_KEY": RecoveryFixture.stripeKey, "ADMIN_TOKENS": RecoveryFixture.adminToken,
            "STORAGE_PATH": FileManager.default.temporaryDirectory.appendingPathComponent("check-config-\(UUID().uuidString).sqlite").path,
        ]
    }

    @Test func checkConfigRedactsEverySecret() async throws {
        let configuration = try await ConfigurationLoader.load(
            path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path, environment: Self.secretEnvironment
        )
        #expect(configuration.partners["sandbox"]?.secret == RecoveryFixture.partnerSecret)
        let text = configuration.redactedDescription + "\n" + configuration.warnings.joined(separator: "\n")
        #expect(text.contains("[redacted]"))
        Self.expectNoSecret(in: text, "redactedDescription")
        // The same through the real CLI, with its exit status.
        let cli = try LifelineBinary.run(["check-config", "--config", "config/lifeline.yaml"], environment: Self.secretEnvironment)
        #expect(cli.status == 0, "\(cli.output)")
        #expect(cli.output.contains("providers.standard.secrets: 1 secret [redacted]"), "\(cli.output)")
        Self.expectNoSecret(in: cli.output, "lifeline check-config")
        // A refused configuration says what is wrong without printing the secrets beside it.
        var broken = Self.secretEnvironment
        broken["PARTNERS_SANDBOX_URL"] = "ftp://partner.example"
        let refused = try LifelineBinary.run(["check-config", "--config", "config/lifeline.yaml"], environment: broken)
        #expect(refused.status != 0)
        #expect(refused.output.contains("partners.sandbox.url"), "\(refused.output)")
        Self.expectNoSecret(in: refused.output, "a refused check-config")
    }
}
