import Foundation
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Logging
import Testing

/// `storage.raw_retention_days`: the serve process's retention pass on a real SQLite file, and
/// the key as the configuration reads it.
@Suite("Raw body retention")
struct RawRetentionTests {
    @Test func thePassDropsBodiesOlderThanTheRetentionAndKeepsTheRest() async throws {
        let directory = try TestDirectories.make("lifeline-retention")
        let store = try SQLiteStore(path: directory.appendingPathComponent("lifeline.sqlite").path, reasonCodes: ReasonCodeTable())
        try await store.migrate()
        let provider = StandardProvider(signature: StandardWebhooksSignature(secrets: [TestSecrets.standard], toleranceSeconds: 300))
        let day: Int64 = 86_400
        let now: Int64 = 1_795_000_000
        // Received 100, 91, 89 and 1 days ago.
        let samples = ["01-subscription-created.json", "02-invoice-created.json", "03-payment-failed-insufficient-funds.json", "04-payment-succeeded.json"]
        for (sample, age) in zip(samples, [100, 91, 89, 1] as [Int64]) {
            let body = try ServerFixture.sample("standard/" + sample)
            let delivery = try provider.normalize(body: body)
            _ = try await store.append(IncomingDelivery(provider: .standard, receivedAt: now - age * day, headers: ["webhook-id": sample], body: body, events: delivery.events), origin: .import)
        }
        let retention = RawRetention(store: store, clock: FixedClock(seconds: now), logger: Logger(label: "test"), retentionDays: 90)
        #expect(try await retention.dropExpired() == 2)
        let raw = try await store.rawDeliveries()
        #expect(raw.map(\.body.isEmpty) == [true, true, false, false])
        #expect(raw.map(\.dropReason) == [.retention, .retention, nil, nil])
        #expect(try await retention.dropExpired() == 0)
        // Every event is still in the log, normalized, and projects.
        #expect(try await store.storedEvents().allSatisfy { $0.normalized != nil })
        #expect(try await store.project(limit: 100, now: now).applied == 4)
        #expect(try await store.customers().map(\.id) == ["cus_transports_morel"])
    }

    @Test func theKeyIsReadCheckedAndShown() async throws {
        let defaults = try await ConfigurationLoader.load(path: "config/lifeline.yaml", environment: [:])
        #expect(defaults.storage.rawRetentionDays == 90)
        let kept = try await ConfigurationLoader.load(path: "config/lifeline.yaml", environment: ["STORAGE_RAW_RETENTION_DAYS": "0"])
        #expect(kept.storage.rawRetentionDays == 0)
        #expect(kept.redactedDescription.contains("storage.raw_retention_days: 0 (raw bodies kept forever)  [environment STORAGE_RAW_RETENTION_DAYS]"))
        await #expect(throws: (any Error).self) {
            _ = try await ConfigurationLoader.load(path: "config/lifeline.yaml", environment: ["STORAGE_RAW_RETENTION_DAYS": "-1"])
        }
    }
}
