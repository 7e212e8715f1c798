import Foundation
import LifelineConfig
import LifelineCore
@testable import LifelineProviders
import Testing

/// The package root, found from this file so tests run from any working directory.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func sample(_ provider: String, _ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: packageRoot.appendingPathComponent("Webhooks/\(provider)/\(name)")))
}

private func sampleNames(_ provider: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Webhooks/\(provider)").path)
        .filter { $0.hasSuffix(".json") }.sorted()
}

private func reasonCodes() throws -> ReasonCodeTable {
    try ReasonCodeLoader.load(path: packageRoot.appendingPathComponent("config/reason-codes.yaml").path)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs `body` and returns the `.malformed` detail it threw, or records an issue.
private func malformedDetail(_ body: () throws(WebhookRejection) -> NormalizedDelivery) -> String? {
    do throws(WebhookRejection) {
        let delivery = try body()
        Issue.record("expected .malformed, got \(delivery.events.count) event(s)")
        return nil
    } catch {
        guard case .malformed(let detail) = error else {
            Issue.record("expected .malformed, got \(error)")
            return nil
        }
        return detail
    }
}

private func unauthorized(_ body: () throws(WebhookRejection) -> Void) -> Bool {
    do throws(WebhookRejection) {
        try body()
        return false
    } catch {
        if case .unauthorized = error { return true }
        return false
    }
}

/// One parent suite so `swift test --filter GoCardlessAndStandardTests` selects all of this file.
@Suite("GoCardless and Standard Webhooks providers")
enum GoCardlessAndStandardTests {}

// MARK: - GoCardless

extension GoCardlessAndStandardTests {
    @Suite("GoCardless provider")
    struct GoCardlessProviderTests {
        let provider = GoCardlessProvider(signature: GoCardlessSignature(secrets: ["gc_secret_old", "gc_secret_new"]))

        func normalize(_ name: String) throws -> [ProviderEvent] {
            try provider.normalize(body: try sample("gocardless", name)).events
        }

        @Test("every sample normalizes to the expected types")
        func samples() throws {
            let expected: [String: [String]] = [
                "01-2026-09-collection-run-batch.json": ["payment.succeeded", "payment.succeeded", "payment.succeeded"],
                "02-atelier-dupont-payment-failed-insufficient-funds.json": ["payment.failed"],
                "03-boulangerie-lemoine-payment-failed-refer-to-payer.json": ["payment.failed"],
                "04-atelier-dupont-payment-paid-out.json": ["payment.succeeded"],
                "05-cabinet-roux-payment-charged-back-md06.json": ["payment.charged_back"],
                "06-cabinet-roux-mandate-cancelled.json": ["mandate.cancelled"],
                "07-cabinet-roux-subscription-cancelled.json": ["subscription.deleted"],
                "08-2026-11-collection-run-batch.json": ["payment.succeeded", "payment.succeeded", "ignored"],
                "09-unknown-resource-type.json": ["ignored"],
            ]
            #expect(Set(try sampleNames("gocardless")) == Set(expected.keys))
            for (name, types) in expected {
                let events = try normalize(name)
                #expect(events.map { $0.normalized?.type.rawValue ?? "ignored" } == types, "\(name)")
                for event in events {
                    #expect(event.id.hasPrefix("EV"))
                    #expect(event.normalized.map { $0.id == event.id && $0.occurredAt == event.occurredAt } ?? true)
                }
            }
        }

        @Test("a batched body gives one event per entry, in order")
        func batch() throws {
            let events = try normalize("08-2026-11-collection-run-batch.json")
            #expect(events.map(\.id) == ["EV00NOV0000201", "EV00NOV0000202", "EV00NOV0000203"])
            #expect(events.map(\.providerType) == ["payments.confirmed", "payments.paid_out", "payments.created"])
            #expect(events[2].normalized == nil)
        }

        @Test("SEPA insufficient funds: customer, invoice and codes from the Lifeline extension")
        func dupontFailure() throws {
            let event = try #require(try normalize("02-atelier-dupont-payment-failed-insufficient-funds.json").first)
            #expect(event.occurredAt == 1_791_018_764)  // 2026-10-03T09:12:44.123Z, fraction dropped
            let billing = try #require(event.normalized)
            #expect(billing.customer == CustomerInfo(
                id: "CU00ATDUPONT01", email: "compta@atelier-dupont.fr", name: "Atelier Dupont", metadata: ["segment": "TPE"]))
            #expect(billing.invoice == InvoiceInfo(
                id: "INV-ATD-2026-10", subscriptionID: "SB00ATDUPONT01", currency: "eur",
                amountDue: 4_900, amountPaid: 0, amountRemaining: 4_900, status: .open))
            let payment = try #require(billing.payment)
            #expect(payment.id == "PM00ATD2610001")
            #expect(payment.amount == 4_900 && payment.currency == "eur")
            #expect(payment.failureCode == "insufficient_funds")
            #expect(payment.bankReasonCode == "AM04")
            #expect(payment.method == "sepa_debit")
            #expect(payment.failureMessage?.contains("insufficient funds") == true)
            let classification = FailureClassifier.classify(payment, using: try reasonCodes())
            #expect(classification.category == .cashFlow && classification.decidedBy == "bank_reason_code")
        }

        @Test("paid_out closes the same invoice")
        func dupontPaidOut() throws {
            let billing = try #require(try normalize("04-atelier-dupont-payment-paid-out.json").first?.normalized)
            #expect(billing.type == .paymentSucceeded)
            #expect(billing.invoice?.id == "INV-ATD-2026-10")
            #expect(billing.invoice?.status == .paid)
            #expect(billing.invoice?.amountPaid == 4_900 && billing.invoice?.amountRemaining == 0)
            #expect(billing.payment?.failureCode == nil)
        }

        @Test("without the extension: metadata amount, mandate customer, payment-keyed invoice")
        func lemoineFallbacks() throws {
            let billing = try #require(try normalize("03-boulangerie-lemoine-payment-failed-refer-to-payer.json").first?.normalized)
            #expect(billing.customer.id == "mandate:MD00LEMOINE001")
            #expect(billing.invoice?.id == "gocardless_payment:PM00LEM2610001")
            #expect(billing.payment?.amount == 2_900 && billing.payment?.currency == "eur")
            #expect(billing.payment?.failureCode == "refer_to_payer" && billing.payment?.bankReasonCode == "MS03")
            let classification = FailureClassifier.classify(try #require(billing.payment), using: try reasonCodes())
            #expect(classification.category == .cashFlow)

            // The retry paid out in November lands on the same invoice.
            let paid = try #require(try normalize("08-2026-11-collection-run-batch.json")[1].normalized)
            #expect(paid.customer.id == "mandate:MD00LEMOINE001")
            #expect(paid.invoice?.id == "gocardless_payment:PM00LEM2610001" && paid.invoice?.status == .paid)
        }

        @Test("MD06 charge-back reopens the invoice and is a voluntary dispute")
        func rouxChargeBack() throws {
            let billing = try #require(try normalize("05-cabinet-roux-payment-charged-back-md06.json").first?.normalized)
            #expect(billing.type == .paymentChargedBack)
            #expect(billing.invoice?.id == "INV-ROX-2026-09" && billing.invoice?.status == .open)
            #expect(billing.invoice?.amountRemaining == 19_900)
            let classification = FailureClassifier.classify(try #require(billing.payment), using: try reasonCodes())
            #expect(classification.category == .voluntaryDispute && classification.code == "MD06")
        }

        @Test("mandate and subscription cancellations")
        func rouxCancellations() throws {
            let mandate = try #require(try normalize("06-cabinet-roux-mandate-cancelled.json").first?.normalized)
            #expect(mandate.type == .mandateCancelled && mandate.customer.id == "CU00CABROUX001")
            #expect(mandate.invoice == nil && mandate.payment?.failureCode == "mandate_cancelled")

            let subscription = try #require(try normalize("07-cabinet-roux-subscription-cancelled.json").first?.normalized?.subscription)
            #expect(subscription.id == "SB00CABROUX001" && subscription.status == .canceled && subscription.currency == "eur")
            #expect(subscription.cancellationReason == .requested)
        }

        @Test("an unknown resource type is kept and ignored")
        func unknownResource() throws {
            let event = try #require(try normalize("09-unknown-resource-type.json").first)
            #expect(event.providerType == "billing_requests.fulfilled" && event.normalized == nil)
        }

        @Test("an empty events array is zero events")
        func emptyBatch() throws {
            #expect(try provider.normalize(body: bytes(#"{"events": []}"#)).events.isEmpty)
        }

        @Test("unknown amount is 0; currency comes from the scheme, else stays unknown")
        func unknownAmount() throws {
            let sepa = try provider.normalize(body: bytes("""
                {"events":[{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed",
                  "links":{"payment":"PM1"},"details":{"cause":"insufficient_funds","scheme":"sepa_core"}}]}
                """)).events[0].normalized
            #expect(sepa?.payment?.amount == 0 && sepa?.payment?.currency == "eur")
            #expect(sepa?.invoice == nil, "no invoice is invented without an amount or an invoice id")
            #expect(sepa?.customer.id == "gocardless:unknown")

            let unknown = try provider.normalize(body: bytes("""
                {"events":[{"id":"EV2","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed",
                  "links":{"payment":"PM2","mandate":"MD2"},"metadata":{"amount":"12.50","currency":"euros"}}]}
                """)).events[0].normalized
            #expect(unknown?.payment?.amount == 0 && unknown?.payment?.currency == "")
            #expect(unknown?.customer.id == "mandate:MD2")
            // A subscription cancellation without a known currency cannot be a snapshot: ignored.
            let subscription = try provider.normalize(body: bytes("""
                {"events":[{"id":"EV3","created_at":"2026-10-01T00:00:00Z","resource_type":"subscriptions","action":"cancelled",
                  "links":{"subscription":"SB3"},"details":{"cause":"subscription_cancelled","origin":"api"}}]}
                """)).events[0]
            #expect(subscription.normalized == nil && subscription.providerType == "subscriptions.cancelled")
        }

        @Test("malformed bodies are refused with a detail naming the problem", arguments: [
            ("not json", "not valid JSON"),
            ("[]", "JSON object"),
            ("{}", "no events array"),
            (#"{"events": {}}"#, "events"),
            (#"{"events": [42]}"#, "events[0]"),
            (#"{"events": [{"created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed"}]}"#, "events[0]: missing id"),
            (#"{"events": [{"id":"EV1","resource_type":"payments","action":"failed"}]}"#, "missing created_at"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","action":"failed"}]}"#, "missing resource_type"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments"}]}"#, "missing action"),
            (#"{"events": [{"id":7,"created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed"}]}"#, "events[0].id"),
            (#"{"events": [{"id":"EV1","created_at":"yesterday","resource_type":"payments","action":"failed"}]}"#, "events[0].created_at"),
            (#"{"events": [{"id":"EV1","created_at":1790812800,"resource_type":"payments","action":"failed"}]}"#, "events[0].created_at"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed","lifeline":{"amount":-4900,"currency":"eur"}}]}"#, "payment.amount"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed","lifeline":{"amount":4900,"currency":"euro"}}]}"#, "currency"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed","lifeline":{"amount":"4900"}}]}"#, "lifeline.amount"),
            (#"{"events": [{"id":"EV1","created_at":"2026-10-01T00:00:00Z","resource_type":"payments","action":"failed","lifeline":{"amount":49.5}}]}"#, "field events[0].lifeline.amount must be an integer"),
        ])
        func malformed(body: String, fragment: String) {
            let detail = malformedDetail { () throws(WebhookRejection) in try provider.normalize(body: bytes(body)) }
            #expect(detail?.contains(fragment) == true, "\(detail ?? "nil") should mention \(fragment)")
        }

        @Test("one bad event refuses the whole batch, naming its index")
        func badEventInBatch() throws {
            var body = String(decoding: try sample("gocardless", "01-2026-09-collection-run-batch.json"), as: UTF8.self)
            body = body.replacingOccurrences(of: "2026-09-04T06:02:11.640Z", with: "2026-09-31T06:02:11Z")
            let detail = malformedDetail { () throws(WebhookRejection) in try provider.normalize(body: bytes(body)) }
            #expect(detail?.contains("events[2].created_at") == true)
        }

        @Test("signature: valid, rotated secret, wrong secret, tampered, missing, not hex")
        func signatures() throws {
            let body = try sample("gocardless", "02-atelier-dupont-payment-failed-insufficient-funds.json")
            func headers(_ value: String?) -> WebhookHeaders {
                WebhookHeaders(value.map { [("Webhook-Signature", $0)] } ?? [("Content-Type", "application/json")])
            }
            let valid = GoCardlessSignature.header(body: body, secret: "gc_secret_new")
            #expect(throws: Never.self) { try provider.verify(body: body, headers: headers(valid), now: 0) }
            let old = GoCardlessSignature.header(body: body, secret: "gc_secret_old")
            #expect(throws: Never.self) { try provider.verify(body: body, headers: headers(old.uppercased()), now: 0) }

            let wrong = GoCardlessSignature.header(body: body, secret: "someone_else")
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(wrong), now: 0) })
            let tampered = body + bytes(" ")
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: tampered, headers: headers(valid), now: 0) })
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(nil), now: 0) })
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(""), now: 0) })
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers("zz" + valid.dropFirst(2)), now: 0) })
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(String(valid.dropLast())), now: 0) })
        }

        @Test("provider identity")
        func identity() {
            #expect(provider.name == .gocardless)
            #expect(provider.headersToStore == ["content-type", "user-agent", "origin"])
        }
    }
}

extension GoCardlessAndStandardTests {
    @Suite("RFC 3339 timestamps")
    struct RFC3339Tests {
        @Test("valid timestamps", arguments: [
            ("1970-01-01T00:00:00Z", Int64(0)),
            ("2026-10-03T09:12:44.123Z", 1_791_018_764),
            ("2026-10-03T09:12:44Z", 1_791_018_764),
            ("2026-10-03t09:12:44.999999z", 1_791_018_764),
            ("2026-10-03T11:12:44+02:00", 1_791_018_764),
            ("2026-10-03T04:42:44.5-04:30", 1_791_018_764),
            ("2028-02-29T12:00:00Z", 1_835_438_400),
            ("1969-12-31T23:59:59Z", -1),
        ])
        func valid(text: String, seconds: Int64) {
            #expect(RFC3339.unixSeconds(text) == seconds)
        }

        @Test("garbage is refused", arguments: [
            "", "yesterday", "2026-10-03", "2026-10-03T09:12:44", "2026-10-03 09:12:44Z", "2026-10-03T09:12Z",
            "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-10-03T24:00:00Z", "2026-10-03T09:60:00Z", "2026-10-03T09:12:60Z", "2026-10-03T09:12:44.Z",
            "2026-10-03T09:12:44+0200", "2026-10-03T09:12:44+24:00", "2026-10-03T09:12:44Z ", "+2026-10-03T09:12:44Z",
            "2026-1-03T09:12:44Z", "２０２６-10-03T09:12:44Z",
        ])
        func garbage(text: String) {
            #expect(RFC3339.unixSeconds(text) == nil)
        }
    }
}

// MARK: - Standard Webhooks

extension GoCardlessAndStandardTests {
    @Suite("Standard Webhooks provider")
    struct StandardProviderTests {
        /// Standard Webhooks secrets are base64 after `whsec_`.
        static let secret = "whsec_" + Data("lifeline-standard-test-secret-32b".utf8).base64EncodedString()
        static let oldSecret = "whsec_" + Data("lifeline-standard-old-secret-32by".utf8).base64EncodedString()
        let provider = StandardProvider(signature: StandardWebhooksSignature(secrets: [Self.oldSecret, Self.secret], toleranceSeconds: 300))

        func normalize(_ name: String) throws -> ProviderEvent {
            let events = try provider.normalize(body: try sample("standard", name)).events
            #expect(events.count == 1)
            return try #require(events.first)
        }

        @Test("every sample normalizes to the expected type")
        func samples() throws {
            let expected: [String: String] = [
                "01-subscription-created.json": "subscription.created",
                "02-invoice-created.json": "invoice.created",
                "03-payment-failed-insufficient-funds.json": "payment.failed",
                "04-payment-succeeded.json": "payment.succeeded",
                "05-subscription-updated-quantity.json": "subscription.updated",
                "06-subscription-deleted-requested.json": "subscription.deleted",
                "07-unknown-type-customer-note-added.json": "ignored",
            ]
            #expect(Set(try sampleNames("standard")) == Set(expected.keys))
            for (name, type) in expected {
                let event = try normalize(name)
                #expect((event.normalized?.type.rawValue ?? "ignored") == type, "\(name)")
                #expect(event.id.hasPrefix("evt_morel_"))
                if let billing = event.normalized {
                    #expect(billing.customer.id == "cus_transports_morel")
                    #expect(billing.customer.metadata["segment"] == "PME")
                    #expect(event.providerType == billing.type.rawValue && event.occurredAt == billing.occurredAt)
                }
            }
        }

        @Test("the story: 299 € a month, one seat, then two, then cancelled on request")
        func story() throws {
            let created = try #require(try normalize("01-subscription-created.json").normalized?.subscription)
            #expect(created.items == [SubscriptionItem(priceID: "price_pme_monthly", unitAmount: 29_900, quantity: 1, interval: .month)])
            let updated = try #require(try normalize("05-subscription-updated-quantity.json").normalized?.subscription)
            #expect(updated.items.first?.quantity == 2)
            let deleted = try #require(try normalize("06-subscription-deleted-requested.json").normalized?.subscription)
            #expect(deleted.status == .canceled && deleted.cancellationReason == .requested)

            let failed = try #require(try normalize("03-payment-failed-insufficient-funds.json").normalized)
            #expect(failed.invoice?.amountRemaining == 29_900 && failed.invoice?.status == .open)
            let payment = try #require(failed.payment)
            #expect(payment.declineCode == "insufficient_funds" && payment.adviceCode == "try_again_later" && payment.attempt == 1)
            #expect(FailureClassifier.classify(payment, using: try reasonCodes()).category == .cashFlow)

            let paid = try #require(try normalize("04-payment-succeeded.json").normalized)
            #expect(paid.invoice?.status == .paid && paid.invoice?.id == failed.invoice?.id)
        }

        @Test("an unknown type needs only id, type and occurred_at, and is ignored")
        func unknownType() throws {
            let event = try normalize("07-unknown-type-customer-note-added.json")
            #expect(event.providerType == "customer.note_added" && event.normalized == nil)
            let minimal = try provider.normalize(body: bytes(#"{"id":"evt_x","type":"customer.tagged","occurred_at":1790000000}"#))
            #expect(minimal.events == [ProviderEvent(id: "evt_x", providerType: "customer.tagged", occurredAt: 1_790_000_000, normalized: nil)])
        }

        @Test("currencies are accepted in any case and stored lowercase")
        func uppercaseCurrency() throws {
            let body = #"{"id":"evt_1","type":"payment.succeeded","occurred_at":1790000000,"customer":{"id":"cus_1"},"payment":{"amount":100,"currency":"EUR"},"invoice":{"id":"in_1","currency":"Eur","amount_due":100,"amount_paid":100,"amount_remaining":0,"status":"paid"}}"#
            let billing = try #require(try provider.normalize(body: bytes(body)).events.first?.normalized)
            #expect(billing.payment?.currency == "eur" && billing.invoice?.currency == "eur")
        }

        static let customer = #""customer":{"id":"cus_1"}"#
        static func event(_ type: String, _ rest: String) -> String {
            #"{"id":"evt_1","type":"\#(type)","occurred_at":1790000000,\#(customer),\#(rest)}"#
        }
        static func invoice(due: String = "100", currency: String = "eur", status: String = "open") -> String {
            #""invoice":{"id":"in_1","currency":"\#(currency)","amount_due":\#(due),"amount_paid":0,"amount_remaining":100,"status":"\#(status)"}"#
        }

        @Test("malformed bodies are refused with a detail naming the field", arguments: [
            ("{", "not valid JSON"),
            (#"{"type":"invoice.created","occurred_at":1}"#, "missing field id"),
            (#"{"id":"","type":"invoice.created","occurred_at":1}"#, "id must not be empty"),
            (#"{"id":"evt_1","occurred_at":1}"#, "missing field type"),
            (#"{"id":"evt_1","type":"invoice.created"}"#, "missing field occurred_at"),
            (#"{"id":"evt_1","type":"invoice.created","occurred_at":"2026-10-01"}"#, "field occurred_at has the wrong type"),
            (#"{"id":"evt_1","type":42,"occurred_at":1}"#, "field type"),
            (#"{"id":"evt_1","type":"invoice.created","occurred_at":1}"#, "missing field customer"),
            (#"{"id":"evt_1","type":"invoice.created","occurred_at":1,"customer":{"id":""}}"#, "customer.id"),
            (event("invoice.created", invoice(due: #""100""#)), "invoice.amount_due"),
            (event("invoice.created", invoice(due: "1.5")), "field invoice.amount_due must be an integer"),
            (event("invoice.created", invoice(due: "99999999999999999999")), "field invoice.amount_due must be an integer"),
            (event("invoice.created", invoice(due: "-100")), "invoice.amount_due must not be negative"),
            (event("invoice.created", invoice(currency: "euro")), "invoice.currency"),
            (event("invoice.created", invoice(currency: "€€€")), "invoice.currency"),
            (event("invoice.created", invoice(currency: "")), "invoice.currency"),
            (event("invoice.created", invoice(status: "settled")), "invoice.status"),
            (event("payment.failed", #""payment":{"amount":-1,"currency":"eur"}"#), "payment.amount"),
            (event("payment.failed", #""payment":{"amount":1,"currency":"eur","attempt":0}"#), "payment.attempt"),
            (event("dispute.opened", #""dispute":{"id":"dp_1","amount":-5,"currency":"eur"}"#), "dispute.amount"),
            (event("subscription.created", #""subscription":{"id":"s","status":"active","currency":"eur","items":[{"unit_amount":-1,"interval":"month"}]}"#),
             "subscription.items[0].unit_amount"),
            (event("subscription.created", #""subscription":{"id":"s","status":"active","currency":"eur","items":[{"unit_amount":1,"interval":"fortnight"}]}"#),
             "subscription.items[0].interval"),
            (event("subscription.created", #""subscription":{"id":"s","status":"active","currency":"eur","items":[{"unit_amount":1,"quantity":-2,"interval":"month"}]}"#),
             "subscription.items[0].quantity"),
            (event("subscription.created", #""subscription":{"id":"s","status":"active","currency":"eur","items":[],"discount":{"amount_off":-1,"duration":"forever"}}"#),
             "subscription.discount.amount_off"),
            (event("subscription.deleted", #""subscription":{"id":"s","status":"canceled","currency":"eur","items":[],"cancellation_reason":"bored"}"#),
             "subscription.cancellation_reason"),
        ])
        func malformed(body: String, fragment: String) {
            let detail = malformedDetail { () throws(WebhookRejection) in try provider.normalize(body: bytes(body)) }
            #expect(detail?.contains(fragment) == true, "\(detail ?? "nil") should mention \(fragment)")
        }

        @Test("signature: whsec secret, several signatures, rotation, stale and bad timestamps, missing id")
        func signatures() throws {
            let body = try sample("standard", "03-payment-failed-insufficient-funds.json")
            let now: Int64 = 1_790_841_700
            func headers(_ pairs: [(String, String)], replacing name: String? = nil, with value: String? = nil) -> WebhookHeaders {
                var pairs = pairs.filter { $0.0 != name }
                if let name, let value { pairs.append((name, value)) }
                return WebhookHeaders(pairs)
            }
            let signed = StandardWebhooksSignature.headers(id: "msg_1", timestamp: now - 10, body: body, secret: Self.secret)
            #expect(signed.count == 3)
            #expect(throws: Never.self) { try provider.verify(body: body, headers: headers(signed), now: now) }

            // Rotation: a sender still on the old secret is accepted too.
            let oldSigned = StandardWebhooksSignature.headers(id: "msg_1", timestamp: now, body: body, secret: Self.oldSecret)
            #expect(throws: Never.self) { try provider.verify(body: body, headers: headers(oldSigned), now: now) }

            // Several signatures in one header, only the last one valid; unknown versions skipped.
            let good = try #require(signed.first { $0.0 == "webhook-signature" }?.1)
            let wrong = try #require(StandardWebhooksSignature.headers(id: "msg_1", timestamp: now - 10, body: body,
                secret: "whsec_" + Data("not-the-right-secret-at-all-32byt".utf8).base64EncodedString()).last?.1)
            let several = "v1a,abc \(wrong) v2,\(good.dropFirst(3)) \(good)"
            #expect(throws: Never.self) {
                try provider.verify(body: body, headers: headers(signed, replacing: "webhook-signature", with: several), now: now)
            }

            #expect(unauthorized { () throws(WebhookRejection) in
                try provider.verify(body: body, headers: headers(signed, replacing: "webhook-signature", with: wrong), now: now)
            })
            #expect(unauthorized { () throws(WebhookRejection) in
                try provider.verify(body: body + bytes("\n"), headers: headers(signed), now: now)
            })
            // Stale in both directions, just past the 300 s tolerance.
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(signed), now: now - 10 + 301) })
            #expect(unauthorized { () throws(WebhookRejection) in try provider.verify(body: body, headers: headers(signed), now: now - 10 - 301) })
            #expect(throws: Never.self) { try provider.verify(body: body, headers: headers(signed), now: now - 10 + 300) }
            for timestamp in ["abc", "-1790841690", "1790841690.0", "", " "] {
                #expect(unauthorized { () throws(WebhookRejection) in
                    try provider.verify(body: body, headers: headers(signed, replacing: "webhook-timestamp", with: timestamp), now: now)
                }, "timestamp \"\(timestamp)\"")
            }
            #expect(unauthorized { () throws(WebhookRejection) in
                try provider.verify(body: body, headers: headers(signed, replacing: "webhook-id"), now: now)
            })
            #expect(unauthorized { () throws(WebhookRejection) in
                try provider.verify(body: body, headers: headers(signed, replacing: "webhook-id", with: "msg_2"), now: now)
            })
            #expect(unauthorized { () throws(WebhookRejection) in
                try provider.verify(body: body, headers: headers(signed, replacing: "webhook-signature"), now: now)
            })
        }

        @Test("provider identity")
        func identity() {
            #expect(provider.name == .standard)
            #expect(provider.headersToStore == ["webhook-id", "webhook-timestamp", "content-type", "user-agent"])
        }
    }
}

// MARK: - JSON Schema of the generic event

extension GoCardlessAndStandardTests {
    @Suite("billing-event.schema.json")
    struct BillingEventSchemaTests {
        func schema() throws -> [String: Any] {
            let data = try Data(contentsOf: packageRoot.appendingPathComponent("Webhooks/schema/billing-event.schema.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        func properties(_ object: [String: Any]) -> Set<String> {
            Set((object["properties"] as? [String: Any] ?? [:]).keys)
        }

        func definition(_ schema: [String: Any], _ name: String) throws -> [String: Any] {
            try #require((schema["$defs"] as? [String: Any])?[name] as? [String: Any], "missing $defs.\(name)")
        }

        func enumValues(_ object: [String: Any], _ property: String) -> Set<String> {
            let schema = (object["properties"] as? [String: Any])?[property] as? [String: Any] ?? [:]
            return Set((schema["enum"] as? [Any] ?? []).compactMap { $0 as? String })
        }

        /// Every key a fully populated BillingEvent encodes to, per object.
        func encodedKeys() throws -> [String: Set<String>] {
            let event = BillingEvent(
                id: "evt", type: .subscriptionUpdated, occurredAt: 1,
                customer: CustomerInfo(id: "c", email: "e", name: "n", metadata: ["segment": "PME"]),
                invoice: InvoiceInfo(id: "i", subscriptionID: "s", currency: "eur", amountDue: 1, amountPaid: 0, amountRemaining: 1,
                                     status: .open, billingReason: "manual", dueAt: 1, periodStart: 1, periodEnd: 2),
                payment: PaymentInfo(id: "p", amount: 1, currency: "eur", attempt: 1, failureCode: "f", declineCode: "d",
                                     adviceCode: "a", bankReasonCode: "b", failureMessage: "m", nextAttemptAt: 1, method: "card"),
                subscription: SubscriptionInfo(id: "s", status: .active, currency: "eur",
                                               items: [SubscriptionItem(priceID: "pr", unitAmount: 1, interval: .month)],
                                               discount: Discount(percentOff: 10, amountOff: 1, duration: .forever), trialEnd: 1,
                                               startedAt: 1, cancellationReason: .other, cancellationComment: "c"),
                dispute: DisputeInfo(id: "d", amount: 1, currency: "eur", reason: "r", invoiceID: "i"))
            let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? [String: Any])
            func keys(_ path: String) -> Set<String> {
                var object: Any? = json
                for part in path.split(separator: ".") where !part.isEmpty {
                    object = part == "0" ? (object as? [Any])?.first : (object as? [String: Any])?[String(part)]
                }
                return Set((object as? [String: Any] ?? [:]).keys)
            }
            return [
                "event": keys(""), "customer": keys("customer"), "invoice": keys("invoice"), "payment": keys("payment"),
                "subscription": keys("subscription"), "subscription_item": keys("subscription.items.0"),
                "discount": keys("subscription.discount"), "dispute": keys("dispute"),
            ]
        }

        @Test("the schema lists exactly the fields BillingEvent encodes")
        func fieldsMatchModel() throws {
            let schema = try schema()
            #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            for (name, keys) in try encodedKeys() {
                let object = name == "event" ? schema : try definition(schema, name)
                #expect(properties(object) == keys, "\(name)")
                #expect(object["additionalProperties"] as? Bool == false, "\(name)")
                let required = Set(object["required"] as? [String] ?? [])
                #expect(required.isSubset(of: keys), "\(name)")
            }
            #expect(Set(schema["required"] as? [String] ?? []) == ["id", "type", "occurred_at", "customer"])
        }

        @Test("the schema's enums match the model's")
        func enumsMatchModel() throws {
            let schema = try schema()
            #expect(enumValues(schema, "type") == Set(BillingEventType.allCases.map(\.rawValue)))
            #expect(enumValues(try definition(schema, "invoice"), "status") == Set(InvoiceStatus.allCases.map(\.rawValue)))
            #expect(enumValues(try definition(schema, "subscription"), "status") == Set(SubscriptionStatus.allCases.map(\.rawValue)))
            #expect(enumValues(try definition(schema, "subscription_item"), "interval") == Set(BillingInterval.allCases.map(\.rawValue)))
            let reasons = (try definition(schema, "subscription")["properties"] as? [String: Any])?["cancellation_reason"] as? [String: Any]
            #expect(Set((reasons?["enum"] as? [Any] ?? []).compactMap { $0 as? String }) == Set(CancellationReason.allCases.map(\.rawValue)))
            #expect(enumValues(try definition(schema, "discount"), "duration") == ["forever", "once", "repeating"])
        }

        @Test("every known-type sample uses only fields the schema lists")
        func samplesUseSchemaFields() throws {
            let schema = try schema()
            for name in try sampleNames("standard") {
                let json = try #require(try JSONSerialization.jsonObject(with: Data(try sample("standard", name))) as? [String: Any])
                guard let type = json["type"] as? String, BillingEventType(rawValue: type) != nil else { continue }
                #expect(Set(json.keys).isSubset(of: properties(schema)), "\(name)")
                for object in ["customer", "invoice", "payment", "subscription", "dispute"] {
                    guard let nested = json[object] as? [String: Any] else { continue }
                    #expect(Set(nested.keys).isSubset(of: properties(try definition(schema, object))), "\(name) \(object)")
                }
            }
        }
    }
}
