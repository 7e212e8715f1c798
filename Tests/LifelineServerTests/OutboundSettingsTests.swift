import LifelineConfig
import LifelineServer
import Testing

/// The dispatcher runs with the outbox settings of the configuration, lease included.
@Suite("Outbound settings from the configuration")
struct OutboundSettingsTests {
    @Test("batch size, poll interval and lease reach the dispatcher; an unset lease outlasts a slow call")
    func outboxSettingsReachTheDispatcher() async throws {
        var configuration = try await ServerFixture.make().configuration
        configuration.recovery.batchSize = 4
        configuration.recovery.pollIntervalMilliseconds = 250
        configuration.recovery.requestTimeoutSeconds = 90
        var settings = makeOutboundSettings(configuration)
        #expect(settings.batchSize == 4)
        #expect(settings.pollIntervalMilliseconds == 250)
        #expect(settings.requestTimeoutSeconds == 90)
        #expect(settings.leaseSeconds == 120)
        configuration.recovery.leaseSeconds = 600
        settings = makeOutboundSettings(configuration)
        #expect(settings.leaseSeconds == 600)
    }
}
