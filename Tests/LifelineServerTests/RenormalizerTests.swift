import Foundation
import GRDB
import LifelineConfig
import LifelineCore
import LifelineProviders
import LifelineServer
import LifelineStore
import LifelineStoreSQLite
import Testing

/// `lifeline rebuild --renormalize`: today's provider code applied again to the raw bodies kept
/// in the log, on a real SQLite file with every sample of every provider.
@Suite("Renormalizing the log")
struct RenormalizerTests {
    static let providers: [ProviderName: any WebhookProvider] = [
        .stripe: StripeProvider(signature: StripeSignature(secrets: [], toleranceSeconds: 300)),
        .gocardless: GoCardlessProvider(signature: GoCardlessSignature(secrets: [])),
        .standard: StandardProvider(signature: StandardWebhooksSignature(secrets: [], toleranceSeconds: 300)),
    ]

    /// Every sample appended through its provider's normalizer, as the webhook path does.
    static func loggedSamples() async throws -> (SQLiteStore, String) {
        let path = try TestDirectories.make("lifeline-renormalize").appendingPathComponent("lifeline.sqlite").path
        let store = try SQLiteStore(path: path, reasonCodes: try ReasonCodeLoader.load(path: "config/reason-codes.yaml"))
        try await store.migrate()
        var receivedAt: Int64 = 1_790_000_000
        for provider in [ProviderName.stripe, .gocardless, .standard] {
            for sample in try ServerFixture.samples(provider.rawValue) {
                let delivery = try #require(providers[provider]).normalize(body: sample.body)
                receivedAt += 60
                _ = try await store.append(IncomingDelivery(provider: provider, receivedAt: receivedAt, headers: [:], body: sample.body, events: delivery.events), origin: .import)
            }
        }
        _ = try await store.projectAll(now: receivedAt)
        return (store, path)
    }

    @Test func aLogTheNormalizersWroteIsUnchanged() async throws {
        let (store, _) = try await Self.loggedSamples()
        let logged = try await store.storedEvents()
        let run = try await Renormalizer(store: store, providers: Self.providers).run(pageSize: 7)
        #expect(run.checked == logged.count)
        #expect(run.changed == 0 && run.keptAsLogged == 0)
        #expect(try await store.storedEvents() == logged)
    }

    @Test func aNormalizerFixReachesTheEventsWhoseRawBodyIsKept() async throws {
        let (store, path) = try await Self.loggedSamples()
        let logged = try await store.storedEvents()
        let ledger = (try await store.paymentFailures(), try await store.movements())
        // As an older normalizer would have logged them: one failure without its decline code,
        // one subscription event not recognised at all (so ignored).
        let failure = try #require(logged.first { $0.normalized?.payment?.declineCode == "insufficient_funds" && $0.provider == "standard" })
        let subscription = try #require(logged.first { $0.type == "subscription.updated" && $0.provider == "standard" })
        let stale = try #require(logged.first { $0.type == "invoice.created" && $0.provider == "standard" })
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            try db.execute(sql: "UPDATE events SET normalized = json_remove(normalized, '$.payment.decline_code') WHERE seq = ?", arguments: [failure.seq])
            try db.execute(sql: "UPDATE events SET normalized = NULL, type = NULL WHERE seq = ?", arguments: [subscription.seq])
            // This one's raw body is past retention: it keeps the form it was logged with.
            try db.execute(sql: "UPDATE events SET normalized = json_set(normalized, '$.invoice.amount_due', 1) WHERE seq = ?", arguments: [stale.seq])
        }
        try database.close()
        _ = try await store.dropRawBodies(receivedBefore: stale.receivedAt + 1, now: stale.receivedAt + 1)
        let kept = try await store.rawDeliveries().filter { $0.droppedAt == nil }.count
        #expect(kept < logged.count)

        let run = try await Renormalizer(store: store, providers: Self.providers).run()
        #expect(run.changed == 2)
        #expect(run.keptAsLogged == 0)
        let after = try await store.storedEvents()
        #expect(after.first { $0.seq == failure.seq } == failure)
        #expect(after.first { $0.seq == subscription.seq } == subscription)
        #expect(after.first { $0.seq == stale.seq }?.normalized?.invoice?.amountDue == 1)

        // The rebuild that follows applies the fixed events: the ledger as the fixed code builds it.
        _ = try await store.rebuild(now: 1_800_000_000) { _ in }
        #expect(try await store.paymentFailures() == ledger.0)
        #expect(try await store.movements() == ledger.1)
    }
}
