import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import Testing

/// Every bad input is refused with the right status, nothing is stored, and the server keeps serving.
@Suite("Webhook rejections", .serialized)
struct WebhookRejectionTests {
    static let validEvent = GenericEvents.json(GenericEvents.subscription(id: "evt_valid", at: 1_763_000_000, items: [
        SubscriptionItem(unitAmount: 4_900, interval: .month),
    ]))

    struct BadInput: CustomTestStringConvertible, Sendable {
        let name: String
        let provider: ProviderName
        let body: [UInt8]
        let headers: @Sendable ([UInt8]) -> [(String, String)]
        let expected: Int
        var testDescription: String { name }
        /// The error code the README names for the status.
        var code: String {
            switch expected {
            case 400: "malformed_payload"
            case 401, 498: "invalid_signature"
            default: "unexpected status \(expected)"
            }
        }
    }

    static let stripeBody = Array(#"{"id":"evt_bad","object":"event","type":"invoice.paid","created":1763000000,"data":{"object":{}}}"#.utf8)
    static let now = ServerFixture.now

    static let cases: [BadInput] = [
        BadInput(name: "stripe wrong secret", provider: .stripe, body: stripeBody, headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: "whsec_wrong", timestamp: now))]
        }, expected: 401),
        BadInput(name: "stripe tampered body", provider: .stripe, body: stripeBody, headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0 + Array(" ".utf8), secret: TestSecrets.stripe, timestamp: now))]
        }, expected: 401),
        BadInput(name: "stripe missing header", provider: .stripe, body: stripeBody, headers: { _ in [] }, expected: 401),
        BadInput(name: "stripe stale timestamp", provider: .stripe, body: stripeBody, headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now - 301))]
        }, expected: 401),
        BadInput(name: "stripe timestamp from the future", provider: .stripe, body: stripeBody, headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now + 301))]
        }, expected: 401),
        BadInput(name: "stripe non-numeric timestamp", provider: .stripe, body: stripeBody, headers: {
            let valid = StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now)
            return [("Stripe-Signature", valid.replacingOccurrences(of: "t=\(now)", with: "t=\(now).0"))]
        }, expected: 401),
        BadInput(name: "stripe negative timestamp", provider: .stripe, body: stripeBody, headers: {
            let valid = StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now)
            return [("Stripe-Signature", valid.replacingOccurrences(of: "t=\(now)", with: "t=-\(now)"))]
        }, expected: 401),
        BadInput(name: "gocardless wrong secret", provider: .gocardless, body: Array(#"{"events":[]}"#.utf8), headers: {
            [("Webhook-Signature", GoCardlessSignature.header(body: $0, secret: "nope"))]
        }, expected: 498),
        BadInput(name: "gocardless missing header", provider: .gocardless, body: Array(#"{"events":[]}"#.utf8), headers: { _ in [] }, expected: 498),
        BadInput(name: "standard wrong secret", provider: .standard, body: validEvent, headers: {
            StandardWebhooksSignature.headers(id: "evt_valid", timestamp: now, body: $0, secret: TestSecrets.wrong)
        }, expected: 401),
        BadInput(name: "standard tampered body", provider: .standard, body: validEvent, headers: {
            StandardWebhooksSignature.headers(id: "evt_valid", timestamp: now, body: $0.dropLast() + Array("  }".utf8), secret: TestSecrets.standard)
        }, expected: 401),
        BadInput(name: "standard stale timestamp", provider: .standard, body: validEvent, headers: {
            StandardWebhooksSignature.headers(id: "evt_valid", timestamp: now - 3_600, body: $0, secret: TestSecrets.standard)
        }, expected: 401),
        BadInput(name: "standard non-numeric timestamp", provider: .standard, body: validEvent, headers: {
            StandardWebhooksSignature.headers(id: "evt_valid", timestamp: now, body: $0, secret: TestSecrets.standard)
                .map { $0.0 == "webhook-timestamp" ? ($0.0, "1e9") : $0 }
        }, expected: 401),
        BadInput(name: "standard missing signature", provider: .standard, body: validEvent, headers: {
            StandardWebhooksSignature.headers(id: "evt_valid", timestamp: now, body: $0, secret: TestSecrets.standard)
                .filter { $0.0 != "webhook-signature" }
        }, expected: 401),
        BadInput(name: "standard malformed JSON, validly signed", provider: .standard, body: Array(#"{"id": "evt_x", "type": "#.utf8), headers: {
            StandardWebhooksSignature.headers(id: "evt_x", timestamp: now, body: $0, secret: TestSecrets.standard)
        }, expected: 400),
        BadInput(name: "stripe malformed JSON, validly signed", provider: .stripe, body: Array("not json at all".utf8), headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now))]
        }, expected: 400),
        BadInput(name: "gocardless malformed JSON, validly signed", provider: .gocardless, body: Array(#"{"events": [{]}"#.utf8), headers: {
            [("Webhook-Signature", GoCardlessSignature.header(body: $0, secret: TestSecrets.gocardless))]
        }, expected: 400),
        BadInput(name: "standard negative amount, validly signed", provider: .standard, body: Array(#"{"id":"evt_neg","type":"payment.failed","occurred_at":1763000000,"customer":{"id":"cus_n"},"payment":{"amount":-5,"currency":"eur"}}"#.utf8), headers: {
            StandardWebhooksSignature.headers(id: "evt_neg", timestamp: now, body: $0, secret: TestSecrets.standard)
        }, expected: 400),
    ]

    @Test("refused, nothing stored, still serving", arguments: cases)
    func refused(input: BadInput) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let response = try await client.postWebhook(input.provider, body: input.body, headers: input.headers(input.body))
            #expect(Int(response.status.code) == input.expected, "\(response.text)")
            #expect(response.json["error"] as? String == input.code, "\(response.text)")
            #expect((response.json["detail"] as? String)?.isEmpty == false)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let valid = try await client.postWebhook(.standard, body: Self.validEvent)
            #expect(valid.status == .ok)
        }
        let events = try await fixture.store.storedEvents()
        #expect(events.map(\.eventID) == ["evt_valid"])
    }

    @Test func bodyOverTheLimitIs413AndTheServerKeepsServing() async throws {
        let fixture = try await ServerFixture.make(maxBodyBytes: 4_096)
        let padding = String(repeating: "x", count: 8_000)
        let big = Array(#"{"id":"evt_big","type":"customer.note_added","occurred_at":1763000000,"customer":{"id":"cus_x","name":"\#(padding)"}}"#.utf8)
        try await fixture.run { client in
            let response = try await client.postWebhook(.standard, body: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.json["error"] as? String == "body_too_large")
            let valid = try await client.postWebhook(.standard, body: Self.validEvent)
            #expect(valid.status == .ok)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }

    @Test func defaultLimitIs256KiB() async throws {
        let fixture = try await ServerFixture.make()
        #expect(fixture.configuration.http.maxBodyBytes == 262_144)
        let padding = String(repeating: "x", count: 262_144)
        let big = Array(#"{"id":"evt_big","type":"customer.note_added","occurred_at":1763000000,"customer":{"id":"cus_x","name":"\#(padding)"}}"#.utf8)
        try await fixture.run { client in
            let response = try await client.postWebhook(.standard, body: big)
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test func unknownProviderPathIs404() async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let response = try await client.postWebhook(.stripe, body: Self.stripeBody, path: "/webhooks/paypal")
            #expect(response.status == .notFound)
            #expect(response.json["error"] as? String == "unknown_provider")
        }
        #expect(try await fixture.store.storedEvents().isEmpty)
    }

    @Test func rotatedStripeSecretIsAccepted() async throws {
        let fixture = try await ServerFixture.make()
        let body = Array(#"{"id":"evt_rot","object":"event","type":"customer.updated","created":1763000000,"data":{"object":{"id":"cus_r","object":"customer"}}}"#.utf8)
        try await fixture.run { client in
            let response = try await client.postWebhook(.stripe, body: body, secret: TestSecrets.stripeRotated)
            #expect(response.status == .ok, "\(response.text)")
        }
    }
}
