import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineStore
import Testing

@Suite("Webhook ingestion over HTTP", .serialized)
struct WebhookIngestionTests {
    @Test("every sample of every provider is acknowledged and lands in the ledger", arguments: ProviderName.allCases)
    func samplesAreStored(provider: ProviderName) async throws {
        let fixture = try await ServerFixture.make()
        let samples = try ServerFixture.samples(provider.rawValue)
        #expect(samples.count >= 5)
        try await fixture.run { client in
            for sample in samples {
                let response = try await client.postWebhook(provider, body: sample.body)
                #expect(response.status == .ok, "\(sample.name): \(response.text)")
            }
        }
        let summary = try await fixture.store.summary()
        #expect(summary.events >= samples.count)
        #expect(summary.customers > 0)
        #expect(try await fixture.store.deliveries().count == samples.count)
        let failures = try await fixture.store.paymentFailures()
        #expect(!failures.isEmpty)
        #expect(failures.contains { $0.category == .cashFlow })
    }

    @Test func rawBytesAndUsefulHeadersAreKeptButNotSignatures() async throws {
        let fixture = try await ServerFixture.make()
        let body = GenericEvents.json(GenericEvents.subscription(id: "evt_raw", at: 1_763_000_000, items: [
            SubscriptionItem(unitAmount: 4_900, interval: .month),
        ]))
        try await fixture.run { client in
            let response = try await client.postWebhook(.standard, body: body)
            #expect(response.status == .ok)
        }
        let delivery = try #require(try await fixture.store.deliveries().first)
        #expect(delivery.body == body)
        #expect(delivery.headers["webhook-id"] == "evt_raw")
        #expect(delivery.headers["webhook-signature"] == nil)
        let event = try #require(try await fixture.store.storedEvents().first)
        #expect(event.normalized?.type == .subscriptionCreated)
        #expect(event.receivedAt == ServerFixture.now)
    }

    @Test func sameEventTwiceIsAcknowledgedAndStoredOnce() async throws {
        let fixture = try await ServerFixture.make()
        let body = GenericEvents.json(GenericEvents.subscription(id: "evt_twice", at: 1_763_000_000, items: [
            SubscriptionItem(unitAmount: 4_900, interval: .month),
        ]))
        try await fixture.run { client in
            let first = try await client.postWebhook(.standard, body: body)
            let second = try await client.postWebhook(.standard, body: body)
            #expect(first.status == .ok)
            #expect(second.status == .ok)
            #expect(first.json["stored"] as? [String] == ["evt_twice"])
            #expect(second.json["duplicates"] as? [String] == ["evt_twice"])
        }
        #expect(try await fixture.store.storedEvents().count == 1)
        #expect(try await fixture.store.deliveries().count == 1)
        #expect(try await fixture.store.movements().count == 1)
    }

    @Test func sameEventFromTwoConcurrentDeliveriesIsStoredOnce() async throws {
        let fixture = try await ServerFixture.make()
        let body = GenericEvents.json(GenericEvents.subscription(id: "evt_race", at: 1_763_000_000, items: [
            SubscriptionItem(unitAmount: 4_900, interval: .month),
        ]))
        try await fixture.run { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask { Int(try await client.postWebhook(.standard, body: body).status.code) }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
        #expect(try await fixture.store.storedEvents().count == 1)
        #expect(try await fixture.store.movements().count == 1)
    }

    @Test func unknownEventTypesAreStoredAndIgnored() async throws {
        let fixture = try await ServerFixture.make()
        let body = Array(#"{"id":"evt_unknown","type":"customer.note_added","occurred_at":1763000000,"customer":{"id":"cus_x"}}"#.utf8)
        try await fixture.run { client in
            let response = try await client.postWebhook(.standard, body: body)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["ignored"] as? [String] == ["evt_unknown"])
        }
        let events = try await fixture.store.storedEvents()
        #expect(events.count == 1)
        #expect(events.first?.type == nil)
        #expect(events.first?.providerType == "customer.note_added")
        #expect(try await fixture.store.customers().isEmpty)
    }

    @Test func healthAndReadiness() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
        }
    }
}
