import Foundation
import LifelineConfig
import LifelineOutbound
@testable import LifelineServer
import Logging
import Testing

/// Every configured secret is collected at the composition root and scrubbed from log lines
/// and stored errors.
@Suite struct SecretRedactionTests {
    static func configuration(_ extra: [String: String] = [:]) async throws -> LifelineConfiguration {
        try await ConfigurationLoader.load(
            path: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml").path,
            environment: AdminSurfaceTests.secretEnvironment.merging(extra) { _, new in new }
        )
    }

    @Test func everyConfiguredSecretIsCollected() async throws {
        let configuration = try await Self.configuration()
        let secrets = Set(configuredSecrets(configuration))
        let expected: Set<String> = [
            TestSecrets.stripe, TestSecrets.stripeRotated, TestSecrets.gocardless, TestSecrets.standard,
            RecoveryFixture.partnerSecret, RecoveryFixture.stripeKey, RecoveryFixture.adminToken,
        ]
        #expect(secrets == expected)
        let outbound = makeOutboundSettings(configuration)
        #expect(Set(outbound.secrets).isSuperset(of: expected), "the attempt log's redactor misses some")
    }

    @Test func thePostgreSQLPasswordIsASecretToo() async throws {
        // The loader reads LIFELINE_DATABASE_URL into storage.url.
        let configuration = try await Self.configuration(["LIFELINE_DATABASE_URL": "postgres://lifeline:s3cr%21t-pw@db:5432/lifeline"])
        let secrets = configuredSecrets(configuration)
        #expect(secrets.contains("s3cr%21t-pw"))
        #expect(secrets.contains("s3cr!t-pw"))
    }

    @Test func logLinesAreScrubbedWhateverLogsThem() async throws {
        let configuration = try await Self.configuration()
        let lines = CapturingLogHandler.Lines()
        let logger = redactingLogger(CapturingLogHandler.logger(lines), configuration: configuration)
        struct Failure: Error, CustomStringConvertible {
            var description: String { "peer said \(RecoveryFixture.adminToken)" }
        }
        logger.error(
            "refused \(TestSecrets.gocardless)",
            error: Failure(),
            metadata: [
                "detail": "\(TestSecrets.stripe)", "nested": .dictionary(["key": "\(RecoveryFixture.stripeKey)"]),
                "list": .array(["\(String(TestSecrets.standard.dropFirst("whsec_".count)))"]),
            ]
        )
        let text = lines.all.joined(separator: "\n")
        #expect(text.contains("[redacted]"))
        #expect(text.contains("refused"))
        AdminSurfaceTests.expectNoSecret(in: text, "the log line")
        // Wrapping twice does not scrub twice.
        let again = redactingLogger(logger, configuration: configuration)
        #expect(again.handler is RedactingLogHandler)
        #expect((again.handler as? RedactingLogHandler)?.upstream is CapturingLogHandler)
    }
}
