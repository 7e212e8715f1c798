import Foundation
import LifelineCore
import LifelineProviders
import Testing

/// The hand-written event JSON the store keeps must be exactly what `JSONEncoder` writes, so
/// it decodes to the same event, for every sample and fuzz input and for a fully filled event.
@Suite struct BillingEventJSONTextTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func expectSameAsEncoder(_ event: BillingEvent, _ label: String) throws {
        let expected = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(try event.jsonText() == expected, "\(label)")
        if let subscription = event.subscription {
            #expect(try subscription.jsonText() == String(decoding: try encoder.encode(subscription), as: UTF8.self), "\(label)")
        }
        #expect(try JSONDecoder().decode(BillingEvent.self, from: Data(try event.jsonText().utf8)) == event, "\(label)")
    }

    @Test func everySampleAndFuzzInputIsWrittenAsJSONEncoderWritesIt() throws {
        let providers: [String: any WebhookProvider] = [
            "stripe": StripeProvider(signature: StripeSignature(secrets: [])),
            "gocardless": GoCardlessProvider(signature: GoCardlessSignature(secrets: [])),
            "standard": StandardProvider(signature: StandardWebhooksSignature(secrets: [])),
        ]
        var compared = 0
        for file in try StripeJSONParityTests.files() {
            let body = Array(try Data(contentsOf: file))
            let folder = file.deletingLastPathComponent().lastPathComponent
            let provider = providers[folder] ?? providers["stripe"]!
            guard let delivery = try? provider.normalize(body: body) else { continue }
            for event in delivery.events {
                guard let normalized = event.normalized else { continue }
                try Self.expectSameAsEncoder(normalized, file.lastPathComponent)
                compared += 1
            }
        }
        #expect(compared > 40)
    }

    @Test func everyOptionalFilledAndAwkwardTextIsWrittenAsJSONEncoderWritesIt() throws {
        let awkward = "a/b \"q\" back\\slash \u{08}\u{0C}\n\r\t\u{01}\u{1F}\u{7F} café ✓ 🚀"
        var event = BillingEvent(
            id: "evt_/1", type: .subscriptionUpdated, occurredAt: -1,
            customer: CustomerInfo(id: "cus_1", email: "a@b.example", name: awkward, metadata: ["z": "1", "a/b": awkward, "B": "", "a10": "x", "a9": "y"]),
            invoice: InvoiceInfo(
                id: "in_1", subscriptionID: "sub_1", currency: "EUR", amountDue: Int64.max, amountPaid: Int64.min, amountRemaining: 0,
                status: .uncollectible, billingReason: awkward, dueAt: 1, periodStart: 2, periodEnd: 3
            ),
            payment: PaymentInfo(
                id: "py_1", amount: 4_900, currency: "eur", attempt: 3, failureCode: "card_declined", declineCode: "insufficient_funds",
                adviceCode: "try_again_later", bankReasonCode: "AM04", failureMessage: awkward, nextAttemptAt: 1_800_000_000, method: "card"
            ),
            subscription: SubscriptionInfo(
                id: "sub_1", status: .incompleteExpired, currency: "eur",
                items: [
                    SubscriptionItem(priceID: "price_1", unitAmount: 4_900, quantity: 2, interval: .month, intervalCount: 3),
                    SubscriptionItem(unitAmount: 0, interval: .year),
                ],
                discount: Discount(percentOff: 33.333333333333336, amountOff: 500, duration: .repeating), trialEnd: 10, startedAt: 9,
                cancelAtPeriodEnd: true, cancellationReason: .paymentDisputed, cancellationComment: awkward
            ),
            dispute: DisputeInfo(id: "dp_1", amount: 1, currency: "usd", reason: awkward, invoiceID: "in_1")
        )
        try Self.expectSameAsEncoder(event, "filled")
        for percent in [25.0, 12.5, 0.1, -0.0, 1e-7, 1e16, 100] {
            event.subscription?.discount = Discount(percentOff: percent, duration: .once)
            try Self.expectSameAsEncoder(event, "percent_off \(percent)")
        }
        event.subscription?.items = []
        event.subscription?.discount = nil
        event.customer.metadata = [:]
        try Self.expectSameAsEncoder(event, "empty collections")
        event.subscription?.discount = Discount(percentOff: .nan, duration: .once)
        #expect(throws: JSONText.NonFiniteNumber.self) { try event.jsonText() }
    }
}
