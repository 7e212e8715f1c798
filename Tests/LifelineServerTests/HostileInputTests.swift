import Foundation
import HummingbirdTesting
import LifelineCore
import LifelineProviders
import Testing

/// Hostile webhooks, validly signed unless the signature is the point: each gets a clear 4xx,
/// nothing is stored, and the server keeps serving.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    typealias Body = HostileBodies
    static let now = ServerFixture.now

    struct Hostile: CustomTestStringConvertible, Sendable {
        let name: String
        let provider: ProviderName
        let body: [UInt8]
        /// nil: signed correctly for `provider`.
        var headers: (@Sendable ([UInt8]) -> [(String, String)])? = nil
        var path: String? = nil
        let expected: Int
        /// A fragment the error detail must contain.
        var detail: String? = nil
        /// The error code; by default the one the README names for the status.
        var code: String? = nil
        var testDescription: String { name }

        var expectedCode: String {
            if let code { return code }
            switch expected {
            case 400: return "malformed_payload"
            case 401, 498: return "invalid_signature"
            default: return "unexpected status \(expected)"
            }
        }
    }

    static func standardHeaders(timestamp: String) -> @Sendable ([UInt8]) -> [(String, String)] {
        { body in
            StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: now, body: body, secret: TestSecrets.standard)
                .map { $0.0 == "webhook-timestamp" ? ($0.0, timestamp) : $0 }
        }
    }

    static func stripeHeader(timestamp: String) -> @Sendable ([UInt8]) -> [(String, String)] {
        { body in
            let valid = StripeSignature.header(body: body, secret: TestSecrets.stripe, timestamp: now)
            return [("Stripe-Signature", valid.replacingOccurrences(of: "t=\(now)", with: "t=\(timestamp)"))]
        }
    }

    static let deep = Body.nestedArrays(10_000)

    static let cases: [Hostile] = nesting + numbers + currencies + encodings + timestamps + wrongPaths + bulkyHeaders
        + spelledIntegers + emptyIDs + missingObjects

    static let nesting: [Hostile] = [
        Hostile(name: "standard: 10,000 nested arrays", provider: .standard, body: Array(deep.utf8), expected: 400, detail: "nested deeper than 64"),
        Hostile(name: "standard: 10,000 nested objects", provider: .standard, body: Array(Body.nestedObjects(10_000).utf8), expected: 400, detail: "nested deeper"),
        Hostile(name: "standard: 100 levels inside a field", provider: .standard, body: Body.standard(extra: ",\"name\":\(Body.nestedArrays(100))"), expected: 400, detail: "nested deeper"),
        Hostile(name: "stripe: 10,000 nested arrays in data.object", provider: .stripe,
                body: Array("{\"id\":\"evt_deep\",\"type\":\"invoice.paid\",\"created\":1790838000,\"data\":{\"object\":\(deep)}}".utf8), expected: 400, detail: "nested deeper"),
        Hostile(name: "gocardless: 10,000 nested arrays in events", provider: .gocardless, body: Array("{\"events\":\(deep)}".utf8), expected: 400, detail: "nested deeper"),
    ]

    static let numbers: [Hostile] = [
        Hostile(name: "standard: amount 1e400", provider: .standard, body: Body.standard(amount: "1e400"), expected: 400),
        Hostile(name: "standard: amount beyond Int64", provider: .standard, body: Body.standard(amount: "99999999999999999999"), expected: 400, detail: "amount"),
        Hostile(name: "standard: amount Int64.max", provider: .standard, body: Body.standard(amount: "9223372036854775807"), expected: 400, detail: "must not exceed"),
        Hostile(name: "standard: unit_amount × quantity overflows", provider: .standard,
                body: Body.subscription(unitAmount: "9223372036854775807", quantity: "9223372036854775807"), expected: 400, detail: "unit_amount × quantity"),
        Hostile(name: "standard: interval_count Int64.max", provider: .standard, body: Body.subscription(intervalCount: "9223372036854775807"), expected: 400, detail: "interval_count"),
        Hostile(name: "standard: negative amount", provider: .standard, body: Body.standard(amount: "-1"), expected: 400, detail: "negative"),
        Hostile(name: "standard: amount Int64.min", provider: .standard, body: Body.standard(amount: "-9223372036854775808"), expected: 400, detail: "negative"),
        Hostile(name: "standard: fractional amount", provider: .standard, body: Body.standard(amount: "49.5"), expected: 400, detail: "integer"),
        Hostile(name: "standard: amount as a string", provider: .standard, body: Body.standard(amount: "\"4900\""), expected: 400),
        Hostile(name: "stripe: amount_due beyond Int64", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 99999999999999999999")]), expected: 400, detail: "amount_due"),
        Hostile(name: "stripe: negative amount_due", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": -15000")]), expected: 400, detail: "amount_due"),
        Hostile(name: "stripe: fractional amount_due", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 150.5")]), expected: 400, detail: "amount_due"),
        Hostile(name: "stripe: amount_due over the cap", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 9000000000000000000")]), expected: 400, detail: "must not exceed"),
        Hostile(name: "gocardless: amount 1e30", provider: .gocardless, body: Body.gocardless([("\"amount\": 4900", "\"amount\": 1e30")]), expected: 400),
        Hostile(name: "gocardless: negative amount", provider: .gocardless, body: Body.gocardless([("\"amount\": 4900", "\"amount\": -4900")]), expected: 400, detail: "negative"),
        Hostile(name: "gocardless: fractional amount", provider: .gocardless, body: Body.gocardless([("\"amount\": 4900", "\"amount\": 49.5")]), expected: 400, detail: "integer"),
    ]

    static let currencies: [Hostile] = [
        Hostile(name: "standard: unknown currency xyz", provider: .standard, body: Body.standard(currency: "\"xyz\""), expected: 400, detail: "ISO 4217"),
        Hostile(name: "standard: currency €€€", provider: .standard, body: Body.standard(currency: "\"€€€\""), expected: 400, detail: "ISO 4217"),
        Hostile(name: "standard: two-letter currency", provider: .standard, body: Body.standard(currency: "\"eu\""), expected: 400, detail: "ISO 4217"),
        Hostile(name: "standard: empty currency", provider: .standard, body: Body.standard(currency: "\"\""), expected: 400, detail: "ISO 4217"),
        Hostile(name: "standard: no-currency code XXX", provider: .standard, body: Body.standard(currency: "\"XXX\""), expected: 400, detail: "ISO 4217"),
        Hostile(name: "stripe: unknown currency", provider: .stripe, body: Body.stripe([("\"currency\": \"eur\"", "\"currency\": \"xyz\"")]), expected: 400, detail: "ISO 4217"),
        Hostile(name: "gocardless: unknown currency", provider: .gocardless, body: Body.gocardless([("\"currency\": \"eur\"", "\"currency\": \"xyz\"")]), expected: 400, detail: "ISO 4217"),
    ]

    static let encodings: [Hostile] = [
        Hostile(name: "standard: invalid UTF-8", provider: .standard, body: Body.invalidUTF8(Body.standard(), replacing: "cus_hostile"), expected: 400),
        Hostile(name: "stripe: invalid UTF-8", provider: .stripe, body: Body.invalidUTF8(Body.stripe(), replacing: "Transports Moreau"), expected: 400),
        Hostile(name: "gocardless: invalid UTF-8", provider: .gocardless, body: Body.invalidUTF8(Body.gocardless(), replacing: "Atelier Dupont"), expected: 400),
        Hostile(name: "standard: duplicate amount key", provider: .standard,
                body: Array(String(decoding: Body.standard(), as: UTF8.self).replacingOccurrences(of: "\"payment\":{\"amount\":4900", with: "\"payment\":{\"amount\":4900,\"amount\":1").utf8),
                expected: 400, detail: "duplicate key \"amount\""),
        Hostile(name: "standard: duplicate id, one escaped", provider: .standard, body: Body.standard(extra: ",\"\\u0069d\":\"cus_other\""), expected: 400, detail: "duplicate key \"id\""),
        Hostile(name: "stripe: duplicate amount_due", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 15000, \"amount_due\": 1")]), expected: 400, detail: "duplicate key"),
        Hostile(name: "gocardless: duplicate customer_id", provider: .gocardless,
                body: Body.gocardless([("\"customer_id\": \"CU00ATDUPONT01\"", "\"customer_id\": \"CU00ATDUPONT01\", \"customer_id\": \"CU_OTHER\"")]), expected: 400, detail: "duplicate key"),
        Hostile(name: "standard: JSON array instead of an object", provider: .standard, body: Array("[1,2,3]".utf8), expected: 400),
        Hostile(name: "standard: empty body", provider: .standard, body: [], expected: 400),
    ]

    static let timestamps: [Hostile] = [
        Hostile(name: "standard header: NaN timestamp", provider: .standard, body: Body.standard(), headers: standardHeaders(timestamp: "NaN"), expected: 401),
        Hostile(name: "standard header: exponent timestamp", provider: .standard, body: Body.standard(), headers: standardHeaders(timestamp: "1.7954352e9"), expected: 401),
        Hostile(name: "standard header: overflowing timestamp", provider: .standard, body: Body.standard(), headers: standardHeaders(timestamp: "99999999999999999999"), expected: 401),
        Hostile(name: "standard header: negative timestamp", provider: .standard, body: Body.standard(), headers: standardHeaders(timestamp: "-\(now)"), expected: 401),
        Hostile(name: "standard header: hex timestamp", provider: .standard, body: Body.standard(), headers: standardHeaders(timestamp: "0x6B03D8C0"), expected: 401),
        Hostile(name: "stripe header: NaN timestamp", provider: .stripe, body: Body.stripe(), headers: stripeHeader(timestamp: "NaN"), expected: 401),
        Hostile(name: "stripe header: overflowing timestamp", provider: .stripe, body: Body.stripe(), headers: stripeHeader(timestamp: "99999999999999999999"), expected: 401),
        Hostile(name: "standard body: NaN occurred_at", provider: .standard, body: Body.standard(occurredAt: "NaN"), expected: 400),
        Hostile(name: "standard body: occurred_at 1e400", provider: .standard, body: Body.standard(occurredAt: "1e400"), expected: 400),
        Hostile(name: "standard body: occurred_at Int64.max", provider: .standard, body: Body.standard(occurredAt: "9223372036854775807"), expected: 400, detail: "occurred_at"),
        Hostile(name: "standard body: occurred_at Int64.min", provider: .standard, body: Body.standard(occurredAt: "-9223372036854775808"), expected: 400, detail: "occurred_at"),
        Hostile(name: "standard body: fractional occurred_at", provider: .standard, body: Body.standard(occurredAt: "1790838000.5"), expected: 400),
        Hostile(name: "stripe body: created Int64.max", provider: .stripe, body: Body.stripe([("\"created\": 1792486800", "\"created\": 9223372036854775807")]), expected: 400, detail: "occurred_at"),
        Hostile(name: "gocardless body: created_at year 99999", provider: .gocardless,
                body: Body.gocardless([("2026-10-03T09:12:44.123Z", "99999-10-03T09:12:44.123Z")]), expected: 400, detail: "created_at"),
        Hostile(name: "gocardless body: created_at month 13", provider: .gocardless,
                body: Body.gocardless([("2026-10-03T09:12:44.123Z", "2026-13-45T99:99:99Z")]), expected: 400, detail: "created_at"),
    ]

    static let wrongPaths: [Hostile] = [
        Hostile(name: "stripe-signed body to /webhooks/gocardless", provider: .gocardless, body: Body.stripe(), headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now))]
        }, expected: 498),
        Hostile(name: "gocardless body signed with the Stripe secret", provider: .gocardless, body: Body.gocardless(), headers: {
            [("Webhook-Signature", GoCardlessSignature.header(body: $0, secret: TestSecrets.stripe))]
        }, expected: 498),
        Hostile(name: "gocardless-signed body to /webhooks/stripe", provider: .stripe, body: Body.gocardless(), headers: {
            [("Webhook-Signature", GoCardlessSignature.header(body: $0, secret: TestSecrets.gocardless))]
        }, expected: 401),
        Hostile(name: "standard-signed body to /webhooks/stripe", provider: .stripe, body: Body.standard(), headers: {
            StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: now, body: $0, secret: TestSecrets.standard)
        }, expected: 401),
        Hostile(name: "stripe-signed body to /webhooks/standard", provider: .standard, body: Body.stripe(), headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.stripe, timestamp: now))]
        }, expected: 401),
        Hostile(name: "gocardless secret as a Stripe secret", provider: .stripe, body: Body.stripe(), headers: {
            [("Stripe-Signature", StripeSignature.header(body: $0, secret: TestSecrets.gocardless, timestamp: now))]
        }, expected: 401),
        Hostile(name: "standard-signed body to a partner that does not exist", provider: .standard, body: Body.standard(), path: "/webhooks/partner/nobody", expected: 404, code: "unknown_partner"),
        Hostile(name: "stripe-signed body to a provider that does not exist", provider: .stripe, body: Body.stripe(), path: "/webhooks/paypal", expected: 404, code: "unknown_provider"),
    ]

    static let bulkyHeaders: [Hostile] = [
        Hostile(name: "standard: 100 bogus signatures", provider: .standard, body: Body.standard(), headers: { body in
            StandardWebhooksSignature.headers(id: "evt_hostile", timestamp: now, body: body, secret: TestSecrets.wrong)
                .map { $0.0 == "webhook-signature" ? ($0.0, Array(repeating: $0.1, count: 100).joined(separator: " ")) : $0 }
        }, expected: 401),
        Hostile(name: "stripe: 100 bogus v1 signatures", provider: .stripe, body: Body.stripe(), headers: { body in
            let bogus = StripeSignature.header(body: body, secret: "whsec_wrong", timestamp: now)
            return [("Stripe-Signature", "t=\(now)," + Array(repeating: String(bogus.split(separator: ",")[1]), count: 100).joined(separator: ","))]
        }, expected: 401),
    ]

    /// Integral values spelled with a fraction or an exponent: Stripe never sends them, and
    /// JSON readers disagree on them, so they are refused rather than read as integers.
    static let spelledIntegers: [Hostile] = [
        Hostile(name: "stripe: amount_due 1.5e4", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 1.5e4")]), expected: 400, detail: "plain JSON integer"),
        Hostile(name: "stripe: amount_due 15000.0", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 15000.0")]), expected: 400, detail: "amount_due"),
        Hostile(name: "stripe: amount_due 15000E0", provider: .stripe, body: Body.stripe([("\"amount_due\": 15000", "\"amount_due\": 15000E0")]), expected: 400, detail: "plain JSON integer"),
        Hostile(name: "stripe: amount_paid 0.0", provider: .stripe, body: Body.stripe([("\"amount_paid\": 0,", "\"amount_paid\": 0.0,")]), expected: 400, detail: "amount_paid"),
        Hostile(name: "stripe: amount_remaining 0e+0", provider: .stripe, body: Body.stripe([("\"amount_remaining\": 0,", "\"amount_remaining\": 0e+0,")]), expected: 400, detail: "plain JSON integer"),
        Hostile(name: "stripe: created 1.7924868e9", provider: .stripe, body: Body.stripe([("\"created\": 1792486800", "\"created\": 1.7924868e9")]), expected: 400, detail: "created"),
    ]

    static let emptyIDs: [Hostile] = [
        Hostile(name: "stripe: empty event id", provider: .stripe, body: Body.stripe([("\"id\": \"evt_1S21InvoiceVoidedMID001\"", "\"id\": \"\"")]), expected: 400, detail: "id must not be empty"),
        Hostile(name: "stripe: blank event id", provider: .stripe, body: Body.stripe([("\"id\": \"evt_1S21InvoiceVoidedMID001\"", "\"id\": \"  \"")]), expected: 400, detail: "id must not be empty"),
        Hostile(name: "standard: empty event id", provider: .standard, body: Body.standard(id: "\"\""), headers: { body in
            StandardWebhooksSignature.headers(id: "msg_empty_id", timestamp: now, body: body, secret: TestSecrets.standard)
        }, expected: 400, detail: "id must not be empty"),
    ]

    /// A known generic type without the object the JSON Schema requires for it: nothing could be
    /// applied, so it is refused, never acknowledged with 200.
    static let missingObjects: [Hostile] = [
        Hostile(name: "standard: payment.failed without payment", provider: .standard,
                body: Body.generic(type: "payment.failed", objects: #""invoice":{"id":"in_h","currency":"eur","amount_due":4900,"amount_paid":0,"amount_remaining":4900,"status":"open"}"#),
                expected: 400, detail: "requires the payment object"),
        Hostile(name: "standard: payment.succeeded with payment null", provider: .standard,
                body: Body.generic(type: "payment.succeeded", objects: #""payment":null"#), expected: 400, detail: "requires the payment object"),
        Hostile(name: "standard: payment.charged_back without payment", provider: .standard,
                body: Body.generic(type: "payment.charged_back"), expected: 400, detail: "requires the payment object"),
        Hostile(name: "standard: invoice.created without invoice", provider: .standard,
                body: Body.generic(type: "invoice.created"), expected: 400, detail: "requires the invoice object"),
        Hostile(name: "standard: invoice.voided without invoice", provider: .standard,
                body: Body.generic(type: "invoice.voided"), expected: 400, detail: "requires the invoice object"),
        Hostile(name: "standard: subscription.created without subscription", provider: .standard,
                body: Body.generic(type: "subscription.created"), expected: 400, detail: "requires the subscription object"),
        Hostile(name: "standard: subscription.deleted without subscription", provider: .standard,
                body: Body.generic(type: "subscription.deleted"), expected: 400, detail: "requires the subscription object"),
        Hostile(name: "standard: dispute.opened without dispute", provider: .standard,
                body: Body.generic(type: "dispute.opened"), expected: 400, detail: "requires the dispute object"),
    ]

    @Test("refused, nothing stored, still serving", arguments: cases)
    func refused(_ input: Hostile) async throws {
        let fixture = try await ServerFixture.make()
        try await fixture.run { client in
            let response = try await client.postWebhook(
                input.provider, body: input.body, headers: input.headers?(input.body), path: input.path
            )
            #expect(Int(response.status.code) == input.expected, "\(response.text.prefix(300))")
            #expect(response.json["error"] as? String == input.expectedCode, "\(response.text.prefix(300))")
            let detail = response.json["detail"] as? String ?? ""
            if let fragment = input.detail { #expect(detail.contains(fragment), "\(detail)") }
            try await Self.expectStillServing(client)
        }
        #expect(try await fixture.store.storedEvents().map(\.eventID) == ["evt_valid"])
    }

    @Test func everyPoisonedFieldExistsInItsSample() {
        _ = Self.cases
        #expect(HostileBodies.unmatched.withLock { $0 }.isEmpty)
    }

    /// `/health` answers and a valid event is still stored.
    static func expectStillServing(_ client: some TestClientProtocol) async throws {
        #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        let valid = try await client.postWebhook(.standard, body: WebhookRejectionTests.validEvent)
        #expect(valid.status == .ok, "\(valid.text)")
    }
}
