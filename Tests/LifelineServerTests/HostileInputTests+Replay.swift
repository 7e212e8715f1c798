import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import Testing

/// Replayed signatures: the same signed request is a duplicate, a signature on another body is not.
extension HostileInputTests {
    @Test func sameSignedRequestTwiceIsADuplicateAndNotAppliedTwice() async throws {
        let fixture = try await ServerFixture.make()
        // A failure of a minute ago: within the action horizon, so it plans actions.
        let body = HostileBodies.standard(occurredAt: "\(Self.now - 60)")
        let headers = StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: Self.now, body: body, secret: TestSecrets.standard)
        try await fixture.run { client in
            let first = try await client.postWebhook(.standard, body: body, headers: headers)
            #expect(first.status == .ok)
            #expect(first.json["stored"] as? [String] == ["evt_hostile"])
            let planned = try await fixture.store.actions(status: nil)
            #expect(!planned.isEmpty)
            let again = try await client.postWebhook(.standard, body: body, headers: headers)
            #expect(again.status == .ok)
            #expect(again.json["stored"] as? [String] == [])
            #expect(again.json["duplicates"] as? [String] == ["evt_hostile"])
            #expect(try await fixture.store.actions(status: nil) == planned)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_hostile"])
        #expect(try await fixture.store.paymentFailures().count == 1)
        #expect(try await fixture.store.cases(status: nil, category: nil).count == 1)
    }

    @Test func signatureReplayedOnAnotherBodyIsRefused() async throws {
        let fixture = try await ServerFixture.make()
        let original = HostileBodies.standard()
        let forged = HostileBodies.standard(amount: "1")
        let headers = StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: Self.now, body: original, secret: TestSecrets.standard)
        let stripeOriginal = HostileBodies.stripe()
        let stripeForged = HostileBodies.stripe([("\"amount_due\": 15000", "\"amount_due\": 15001")])
        let stripeHeader = [("Stripe-Signature", StripeSignature.header(body: stripeOriginal, secret: TestSecrets.stripe, timestamp: Self.now))]
        let gocardlessForged = HostileBodies.gocardless([("\"amount\": 4900", "\"amount\": 4901")])
        let gocardlessHeader = [("Webhook-Signature", GoCardlessSignature.header(body: HostileBodies.gocardless(), secret: TestSecrets.gocardless))]
        let shifted = headers.map { $0.0 == "webhook-timestamp" ? ($0.0, String(Self.now - 1)) : $0 }
        let otherID = headers.map { $0.0 == "webhook-id" ? ($0.0, "evt_other") : $0 }
        try await fixture.run { client in
            let refused = [
                try await client.postWebhook(.standard, body: forged, headers: headers),
                try await client.postWebhook(.stripe, body: stripeForged, headers: stripeHeader),
                try await client.postWebhook(.gocardless, body: gocardlessForged, headers: gocardlessHeader),
                // The same id and signature with another timestamp or id: both are signed too.
                try await client.postWebhook(.standard, body: original, headers: shifted),
                try await client.postWebhook(.standard, body: original, headers: otherID),
            ]
            // GoCardless's route answers a bad signature with its documented 498.
            #expect(refused.map(\.status.code) == [401, 401, 498, 401, 401])
            #expect(refused.allSatisfy { $0.json["error"] as? String == "invalid_signature" })
            let genuine = try await client.postWebhook(.standard, body: original, headers: headers)
            #expect(genuine.status == .ok)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_hostile"])
    }

    @Test func signedRequestReplayedAfterTheToleranceIs401() async throws {
        let body = HostileBodies.standard()
        let headers = StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: Self.now, body: body, secret: TestSecrets.standard)
        let later = try await ServerFixture.make(now: Self.now + 301)
        try await later.run { client in
            let response = try await client.postWebhook(.standard, body: body, headers: headers)
            #expect(response.status == .unauthorized)
        }
        #expect(try await later.store.storedEvents().isEmpty)
    }
}
