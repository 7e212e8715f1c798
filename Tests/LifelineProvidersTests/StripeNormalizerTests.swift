import Foundation
import LifelineCore
import Testing
@testable import LifelineProviders

/// Stripe webhooks: the sample story, both invoice shapes, strict parsing, and signatures.
@Suite struct StripeNormalizerTests {
    /// One sample file and the Lifeline event it must become (nil: stored and ignored).
    struct Sample: Sendable, CustomTestStringConvertible {
        let file: String
        let type: BillingEventType?
        var testDescription: String { file }
    }

    static let samples: [Sample] = [
        Sample(file: "01_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "02_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "03_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "04_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "05_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "06_customer.subscription.created.json", type: .subscriptionCreated),
        Sample(file: "07_customer.updated.json", type: nil),
        Sample(file: "08_customer.subscription.updated.json", type: .subscriptionUpdated),
        Sample(file: "09_invoice.created.json", type: .invoiceCreated),
        Sample(file: "10_invoice.finalized.json", type: .invoiceFinalized),
        Sample(file: "11_invoice.payment_failed.json", type: .paymentFailed),
        Sample(file: "12_charge.failed.json", type: .paymentFailed),
        Sample(file: "13_payment_intent.payment_failed.json", type: .paymentFailed),
        Sample(file: "14_invoice.paid.json", type: .paymentSucceeded),
        Sample(file: "15_customer.subscription.updated.json", type: .subscriptionUpdated),
        Sample(file: "16_invoice.payment_failed.json", type: .paymentFailed),
        Sample(file: "17_customer.subscription.paused.json", type: .subscriptionPaused),
        Sample(file: "18_charge.dispute.created.json", type: .disputeOpened),
        Sample(file: "19_invoice.marked_uncollectible.json", type: .invoiceUncollectible),
        Sample(file: "20_customer.subscription.deleted.json", type: .subscriptionDeleted),
        Sample(file: "21_invoice.voided.json", type: .invoiceVoided),
        Sample(file: "22_customer.subscription.deleted.json", type: .subscriptionDeleted),
        Sample(file: "23_customer.subscription.resumed.json", type: .subscriptionResumed),
    ]

    static let webhooks = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Webhooks")

    static func body(_ file: String, in folder: String = "stripe") throws -> [UInt8] {
        Array(try Data(contentsOf: webhooks.appendingPathComponent(folder).appendingPathComponent(file)))
    }

    static func normalize(_ body: [UInt8]) throws -> ProviderEvent {
        let delivery = try StripeProvider(signature: StripeSignature(secrets: [])).normalize(body: body)
        try #require(delivery.events.count == 1)
        return delivery.events[0]
    }

    static func normalized(_ file: String, in folder: String = "stripe") throws -> BillingEvent {
        try #require(try normalize(try body(file, in: folder)).normalized)
    }

    // MARK: the sample story

    @Test func tableListsEverySampleFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.webhooks.appendingPathComponent("stripe").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(files == Self.samples.map(\.file))
    }

    @Test(arguments: samples) func sampleNormalizes(_ sample: Sample) throws {
        let event = try Self.normalize(try Self.body(sample.file))
        let stripeType = String(sample.file.dropFirst(3).dropLast(5))
        #expect(event.providerType == stripeType)
        #expect(event.id.hasPrefix("evt_1S" + sample.file.prefix(2)))
        #expect(event.normalized?.type == sample.type)
        #expect(event.normalized.map { $0.id == event.id && $0.occurredAt == event.occurredAt } ?? true)
    }

    @Test func samplesTellAStoryInTimeOrder() throws {
        let times = try Self.samples.map { try Self.normalize(try Self.body($0.file)).occurredAt }
        #expect(times == times.sorted() && Set(times).count == times.count)
        #expect(times.first! >= 1_788_220_800 && times.last! < 1_796_083_200)  // 2026-09-01 ..< 2026-12-01
    }

    @Test func weeklyYearlyAndQuantityPlansGiveTheirItems() throws {
        let weekly = try #require(try Self.normalized("02_customer.subscription.created.json").subscription)
        #expect(weekly.items == [SubscriptionItem(priceID: "price_basic_weekly", unitAmount: 1500, interval: .week)])
        let yearly = try #require(try Self.normalized("03_customer.subscription.created.json").subscription)
        #expect(yearly.items == [SubscriptionItem(priceID: "price_pro_yearly", unitAmount: 118_800, interval: .year)])
        let seats = try #require(try Self.normalized("04_customer.subscription.created.json").subscription)
        #expect(seats.items == [SubscriptionItem(priceID: "price_seat_monthly", unitAmount: 2900, quantity: 3, interval: .month)])
        #expect(seats.status == .active && seats.currency == "eur" && seats.startedAt != nil)
    }

    @Test func firstSubscriptionCarriesCustomerSegment() throws {
        let event = try Self.normalized("01_customer.subscription.created.json")
        #expect(event.customer == CustomerInfo(id: "cus_TPE001", metadata: ["segment": "TPE"]))
        #expect(event.subscription?.items.map(\.unitAmount) == [4900])
    }

    @Test func upgradeAndDowngradeChangeThePrice() throws {
        let upgrade = try #require(try Self.normalized("08_customer.subscription.updated.json").subscription)
        #expect(upgrade.items.map(\.unitAmount) == [9900])
        #expect(upgrade.discount == Discount(percentOff: 20, duration: .repeating))
        let downgrade = try #require(try Self.normalized("15_customer.subscription.updated.json").subscription)
        #expect(downgrade.items.map(\.unitAmount) == [29_000])
    }

    @Test func basilInvoiceFailureCarriesDeclineAndRetry() throws {
        let event = try Self.normalized("11_invoice.payment_failed.json")
        #expect(event.invoice?.subscriptionID == "sub_TPE001")
        #expect(event.customer.metadata["segment"] == "TPE")
        #expect(event.customer.name == "Boulangerie Martin")
        #expect(event.payment == PaymentInfo(
            id: "pi_TPE001Oct", amount: 4900, currency: "eur", attempt: 1, failureCode: "card_declined",
            declineCode: "insufficient_funds", adviceCode: "try_again_later",
            failureMessage: "Your card has insufficient funds.", nextAttemptAt: 1_791_108_000, method: "card"
        ))
    }

    @Test func chargeAndIntentFailuresDescribeTheSamePayment() throws {
        let invoiceFailure = try #require(try Self.normalized("11_invoice.payment_failed.json").payment)
        let charge = try #require(try Self.normalized("12_charge.failed.json").payment)
        let intent = try #require(try Self.normalized("13_payment_intent.payment_failed.json").payment)
        var withoutRetryInfo = invoiceFailure
        withoutRetryInfo.attempt = nil
        withoutRetryInfo.nextAttemptAt = nil
        #expect(charge == withoutRetryInfo)
        #expect(intent == withoutRetryInfo)
    }

    @Test func legacyInvoiceFailureCarriesExpiredCard() throws {
        let event = try Self.normalized("16_invoice.payment_failed.json")
        #expect(event.invoice?.subscriptionID == "sub_TPE002")
        #expect(event.payment?.failureCode == "expired_card")
        #expect(event.payment?.declineCode == "expired_card")
        #expect(event.payment?.amount == 1500 && event.payment?.attempt == 1)
    }

    @Test func recoveredInvoiceIsPaid() throws {
        let event = try Self.normalized("14_invoice.paid.json")
        #expect(event.invoice?.status == .paid && event.invoice?.amountRemaining == 0)
        #expect(event.payment == PaymentInfo(id: "pi_TPE001Oct", amount: 4900, currency: "eur", attempt: 2))
    }

    @Test func cancellationsSayWhy() throws {
        let involuntary = try #require(try Self.normalized("20_customer.subscription.deleted.json").subscription)
        #expect(involuntary.status == .canceled && involuntary.cancellationReason == .paymentFailed)
        let voluntary = try #require(try Self.normalized("22_customer.subscription.deleted.json").subscription)
        #expect(voluntary.cancellationReason == .requested)
        #expect(voluntary.cancellationComment == "Nous passons à un outil interne.")
    }

    @Test func disputeFindsCustomerThroughExpandedCharge() throws {
        let event = try Self.normalized("18_charge.dispute.created.json")
        #expect(event.customer.id == "cus_TPE003")
        #expect(event.dispute == DisputeInfo(id: "dp_TPE003Upgrade", amount: 9900, currency: "eur", reason: "unrecognized"))
    }

    // MARK: both invoice shapes

    @Test func legacyAndBasilShapesNormalizeAlike() throws {
        var legacy = try Self.normalized("legacy_invoice.payment_failed.json", in: "stripe-shapes")
        var basil = try Self.normalized("basil_invoice.payment_failed.json", in: "stripe-shapes")
        #expect(legacy.id != basil.id)
        legacy.id = ""
        basil.id = ""
        #expect(legacy == basil)
        #expect(basil.invoice?.subscriptionID == "sub_TPE001" && basil.payment?.declineCode == "insufficient_funds")
    }

    // MARK: inline shapes the samples do not cover

    static func eventText(_ type: String, _ object: String) -> String {
        #"{"id":"evt_inline","object":"event","type":"\#(type)","created":1790845200,"data":{"object":\#(object)}}"#
    }

    static func event(_ type: String, _ object: String) -> [UInt8] { Array(eventText(type, object).utf8) }

    static func subscription(discounts: String) -> String {
        #"{"id":"sub_x","object":"subscription","customer":{"id":"cus_x","object":"customer","email":"a@b.fr","metadata":{"segment":"PME","n":1}},"status":"trialing","currency":"EUR","trial_end":1791000000,"cancel_at_period_end":true,"metadata":{"segment":"TPE"},"items":{"data":[{"quantity":2,"plan":{"id":"plan_x","amount":1000,"interval":"month","interval_count":3}}]},\#(discounts)}"#
    }

    @Test func subscriptionFallsBackToPlanAndReadsExpandedCustomer() throws {
        let event = try #require(try Self.normalize(Self.event("customer.subscription.updated", Self.subscription(discounts: #""discounts":["di_1"]"#))).normalized)
        #expect(event.customer == CustomerInfo(id: "cus_x", email: "a@b.fr", metadata: ["segment": "TPE"]))
        #expect(event.subscription == SubscriptionInfo(
            id: "sub_x", status: .trialing, currency: "eur",
            items: [SubscriptionItem(priceID: "plan_x", unitAmount: 1000, quantity: 2, interval: .month, intervalCount: 3)],
            trialEnd: 1_791_000_000, cancelAtPeriodEnd: true
        ))
    }

    @Test func expandedDiscountsGiveTheFirstCoupon() throws {
        let discounts = #""discounts":[{"id":"di_1","source":{"type":"coupon","coupon":{"id":"c","amount_off":500,"duration":"forever"}}}]"#
        let event = try #require(try Self.normalize(Self.event("customer.subscription.created", Self.subscription(discounts: discounts))).normalized)
        #expect(event.subscription?.discount == Discount(amountOff: 500, duration: .forever))
        let fractional = #""discount":{"coupon":{"percent_off":12.5,"duration":"forever"}}"#
        let legacy = try #require(try Self.normalize(Self.event("customer.subscription.created", Self.subscription(discounts: fractional))).normalized)
        #expect(legacy.subscription?.discount == Discount(percentOff: 12.5, duration: .forever))
    }

    @Test func disputeCustomerFallsBackToMetadataThenUnknown() throws {
        let withMetadata = #"{"id":"dp_1","object":"dispute","amount":100,"currency":"eur","charge":"ch_1","metadata":{"customer_id":"cus_meta"}}"#
        #expect(try Self.normalize(Self.event("charge.dispute.created", withMetadata)).normalized?.customer.id == "cus_meta")
        let bare = #"{"id":"dp_1","object":"dispute","amount":100,"currency":"eur","charge":"ch_1"}"#
        #expect(try Self.normalize(Self.event("charge.dispute.created", bare)).normalized?.customer.id == "unknown")
    }

    @Test func legacyChargeLinksItsInvoiceAndGuestChargesAreIgnored() throws {
        let linked = #"{"id":"ch_1","object":"charge","amount":700,"currency":"eur","customer":"cus_1","invoice":"in_1","failure_code":"expired_card","outcome":{"type":"blocked","reason":"highest_risk_level"}}"#
        let event = try #require(try Self.normalize(Self.event("charge.failed", linked)).normalized)
        #expect(event.invoice == InvoiceInfo(id: "in_1", subscriptionID: nil, currency: "eur", amountDue: 700, amountPaid: 0, amountRemaining: 700, status: .open))
        #expect(event.payment == PaymentInfo(id: "ch_1", amount: 700, currency: "eur", failureCode: "expired_card"))
        let guest = #"{"id":"ch_2","object":"charge","amount":700,"currency":"eur","customer":null}"#
        #expect(try Self.normalize(Self.event("charge.failed", guest)).normalized == nil)
    }

    // MARK: strict parsing

    static func invoiceDue(_ amount: String) -> String {
        eventText("invoice.created", #"{"id":"in_1","object":"invoice","customer":"cus_1","currency":"eur","status":"draft","amount_due":\#(amount),"amount_paid":0,"amount_remaining":4900}"#)
    }

    /// A body, and a fragment the rejection detail must contain so the test fails for the right reason.
    static let malformedBodies: [(String, String)] = [
        (#"{"id": "evt_1", "#, "not valid JSON"),
        ("", "not valid JSON"),
        (#"[{"id":"evt_1"}]"#, "must be a JSON object"),
        (#"{"type":"invoice.created","created":1,"data":{"object":{}}}"#, "id must be a string, got nothing"),
        (#"{"id":"evt_1","type":"customer.updated","created":1,"data":{}}"#, "data.object must be an object"),
        (#"{"id":"evt_1","type":"customer.updated","created":"1790845200","data":{"object":{}}}"#, "created must be an integer, got a string"),
        (invoiceDue(#""4900""#), "amount_due must be a non-negative integer amount, got a string"),
        (invoiceDue("-4900"), "amount_due must be a non-negative integer amount, got a negative integer"),
        (invoiceDue("49.5"), "amount_due must be a non-negative integer amount, got a non-integer"),
        (invoiceDue("99999999999999999999"), "amount_due must be a non-negative integer amount, got a non-integer or out-of-range"),
        (eventText("invoice.created", #"{"id":"in_1","customer":"cus_1","currency":"eur","status":"weird","amount_due":1,"amount_paid":0,"amount_remaining":1}"#), "not a Stripe invoice status"),
        (eventText("customer.subscription.created", #"{"id":"sub_1","customer":"cus_1","status":"active","currency":"eur","items":{"data":[{"price":{"id":"p","unit_amount":null,"recurring":{"interval":"month"}}}]}}"#), "tiered"),
        (eventText("invoice.paid", #"{"id":"ch_1","object":"charge"}"#), #"data.object.object is "charge""#),
    ]

    @Test(arguments: malformedBodies) func malformedBodyIsRejected(_ body: String, _ reason: String) {
        let error = #expect(throws: WebhookRejection.self) { try Self.normalize(Array(body.utf8)) }
        guard case .malformed(let detail)? = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(detail.contains(reason))
    }

    @Test func rejectionNamesTheField() {
        let error = #expect(throws: WebhookRejection.self) { try Self.normalize(Array(Self.invoiceDue("49.5").utf8)) }
        #expect(error == .malformed("data.object.amount_due must be a non-negative integer amount, got a non-integer or out-of-range number"))
    }

    // MARK: signatures

    static let now: Int64 = 1_790_845_200

    static func verify(_ body: [UInt8], header: String?, secrets: [String] = ["whsec_current"], now: Int64 = now) throws {
        let provider = StripeProvider(signature: StripeSignature(secrets: secrets))
        try provider.verify(body: body, headers: WebhookHeaders(header.map { [("Stripe-Signature", $0)] } ?? []), now: now)
    }

    static func expectUnauthorized(_ body: [UInt8], header: String?, secrets: [String] = ["whsec_current"], now: Int64 = now) {
        let error = #expect(throws: WebhookRejection.self) { try verify(body, header: header, secrets: secrets, now: now) }
        guard case .unauthorized? = error else {
            Issue.record("expected .unauthorized, got \(String(describing: error))")
            return
        }
    }

    @Test func providerDescribesItself() {
        let provider = StripeProvider(signature: StripeSignature(secrets: ["whsec_current"]))
        #expect(provider.name == .stripe)
        #expect(provider.headersToStore == ["content-type", "user-agent"])
    }

    @Test func signedBodyVerifies() throws {
        let body = try Self.body("11_invoice.payment_failed.json")
        try Self.verify(body, header: StripeSignature.header(body: body, secret: "whsec_current", timestamp: Self.now - 299))
    }

    @Test func badSignaturesAreUnauthorized() throws {
        let body = try Self.body("11_invoice.payment_failed.json")
        let good = StripeSignature.header(body: body, secret: "whsec_current", timestamp: Self.now)
        Self.expectUnauthorized(body, header: StripeSignature.header(body: body, secret: "whsec_other", timestamp: Self.now))
        Self.expectUnauthorized(body + Array(" ".utf8), header: good)
        Self.expectUnauthorized(body, header: StripeSignature.header(body: body, secret: "whsec_current", timestamp: Self.now - 301))
        Self.expectUnauthorized(body, header: good.replacingOccurrences(of: "t=\(Self.now)", with: "t=abc"))
        Self.expectUnauthorized(body, header: nil)
        Self.expectUnauthorized(body, header: "")
    }

    @Test func rotatedSecretsVerify() throws {
        let body = try Self.body("01_customer.subscription.created.json")
        let old = StripeSignature.header(body: body, secret: "whsec_old", timestamp: Self.now)
        let new = StripeSignature.header(body: body, secret: "whsec_current", timestamp: Self.now)
        let newSignature = new.split(separator: ",")[1]
        // Stripe signs with both secrets while one is being rolled: either configured secret matches.
        try Self.verify(body, header: "\(old),\(newSignature)")
        try Self.verify(body, header: old, secrets: ["whsec_current", "whsec_old"])
        Self.expectUnauthorized(body, header: old)
    }
}
