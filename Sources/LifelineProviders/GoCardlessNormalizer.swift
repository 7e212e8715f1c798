import Foundation
import LifelineCore

/// GoCardless `{"events": [...]}` → one ProviderEvent per event.
///
/// GoCardless events say *what* happened to a payment, mandate or subscription, but carry no
/// amount, currency, invoice or (for payments) customer. Lifeline reads those, in order, from:
/// 1. an optional Lifeline extension object on each event, which a sender adds when it relays or
///    enriches GoCardless events (our samples do):
///    `"lifeline": {"customer_id", "invoice_id", "subscription_id", "amount" (integer minor units),
///    "currency", "customer_name", "customer_email", "customer_metadata" (string map)}` —
///    all optional, and validated strictly (a negative amount or a bad currency is a 400);
/// 2. the event's `metadata` (`"amount"` as an integer string, `"currency"`), copied there by
///    merchants; unusable values are skipped, since metadata is free-form;
/// 3. the scheme, for the currency only (SEPA is always EUR, Bacs always GBP, …).
/// An unknown amount is 0 and an unknown currency is "" (never a guessed "eur"): the ledger
/// must treat both as unknown rather than as money.
enum GoCardlessNormalizer {
    static func normalize(body: [UInt8]) throws(WebhookRejection) -> NormalizedDelivery {
        let data = Data(body)
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw .malformed("body must be a JSON object with an events array")
        } catch {
            throw .malformed(DecodingFailure.detail(error, body: data))
        }
        guard let events = payload.events else { throw .malformed("body has no events array") }
        var normalized: [ProviderEvent] = []
        normalized.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            normalized.append(try self.event(event, at: "events[\(index)]"))
        }
        return NormalizedDelivery(events: normalized)
    }

    static func event(_ event: Event, at path: String) throws(WebhookRejection) -> ProviderEvent {
        guard let id = event.id, !id.isEmpty else { throw .malformed("\(path): missing id") }
        guard let createdAt = event.createdAt else { throw .malformed("\(path): missing created_at") }
        guard let resourceType = event.resourceType, !resourceType.isEmpty else { throw .malformed("\(path): missing resource_type") }
        guard let action = event.action, !action.isEmpty else { throw .malformed("\(path): missing action") }
        guard let occurredAt = RFC3339.unixSeconds(createdAt) else {
            throw .malformed("\(path).created_at is not an RFC 3339 timestamp: \"\(createdAt)\"")
        }
        let facts = Facts(event: event)
        let normalized = mapped(id: id, occurredAt: occurredAt, resource: resourceType, action: action, facts: facts)
        if let normalized {
            do throws(WebhookRejection) {
                try BillingEventValidation.validate(normalized, allowUnknownCurrency: true)
            } catch {
                throw .malformed("\(path): \(error.detail)")
            }
        }
        return ProviderEvent(id: id, providerType: "\(resourceType).\(action)", occurredAt: occurredAt, normalized: normalized)
    }

    /// The mapping table; nil means "stored and ignored".
    private static func mapped(id: String, occurredAt: Int64, resource: String, action: String, facts: Facts) -> BillingEvent? {
        switch (resource, action) {
        case ("payments", "failed"):
            return BillingEvent(
                id: id, type: .paymentFailed, occurredAt: occurredAt, customer: facts.customer,
                invoice: facts.invoice(status: .open), payment: facts.payment(withFailure: true))
        case ("payments", "confirmed"), ("payments", "paid_out"):
            return BillingEvent(
                id: id, type: .paymentSucceeded, occurredAt: occurredAt, customer: facts.customer,
                invoice: facts.invoice(status: .paid), payment: facts.payment(withFailure: false))
        case ("payments", "charged_back"):
            // The money went back to the payer: the invoice is owed again.
            return BillingEvent(
                id: id, type: .paymentChargedBack, occurredAt: occurredAt, customer: facts.customer,
                invoice: facts.invoice(status: .open), payment: facts.payment(withFailure: true))
        case ("mandates", "cancelled"):
            // No payment happened; the payment block only carries the cause for the classifier.
            return BillingEvent(
                id: id, type: .mandateCancelled, occurredAt: occurredAt, customer: facts.customer,
                payment: facts.payment(withFailure: true))
        case ("subscriptions", "cancelled"):
            guard let subscription = facts.cancelledSubscription else { return nil }
            return BillingEvent(
                id: id, type: .subscriptionDeleted, occurredAt: occurredAt, customer: facts.customer,
                subscription: subscription)
        default:
            return nil
        }
    }

    /// What one event tells us, with the fallbacks described at the top of this file.
    struct Facts {
        var links: [String: String]
        var details: Details
        var lifeline: LifelineExtension
        var amount: Int64?
        var currency: String

        init(event: Event) {
            links = (event.links ?? [:]).compactMapValues { $0 }
            details = event.details ?? Details()
            lifeline = event.lifeline ?? LifelineExtension()
            let metadata = (event.metadata ?? [:]).compactMapValues { $0 }
            amount = lifeline.amount ?? metadata["amount"].flatMap { StrictInteger.parse($0[...]) }
            if let currency = lifeline.currency {
                self.currency = currency.lowercased()
            } else if let currency = metadata["currency"], BillingEventValidation.isCurrencyCode(currency) {
                self.currency = currency.lowercased()
            } else {
                currency = details.scheme.flatMap { GoCardlessScheme.currency[$0] } ?? ""
            }
        }

        /// Never fails: a payment event without the extension or a customer link still counts.
        var customer: CustomerInfo {
            let id = lifeline.customerID ?? links["customer"] ?? links["mandate"].map { "mandate:\($0)" } ?? "gocardless:unknown"
            return CustomerInfo(
                id: id, email: lifeline.customerEmail, name: lifeline.customerName,
                metadata: (lifeline.customerMetadata ?? [:]).compactMapValues { $0 })
        }

        /// The extension's invoice, else the GoCardless payment itself when its amount is known,
        /// so a failure and the later payout of the same payment meet on one invoice.
        func invoice(status: InvoiceStatus) -> InvoiceInfo? {
            let invoiceID: String
            if let id = lifeline.invoiceID {
                invoiceID = id
            } else if let payment = links["payment"], amount != nil {
                invoiceID = "gocardless_payment:\(payment)"
            } else {
                return nil
            }
            let due = amount ?? 0
            let paid = status == .paid ? due : 0
            return InvoiceInfo(
                id: invoiceID, subscriptionID: lifeline.subscriptionID ?? links["subscription"], currency: currency,
                amountDue: due, amountPaid: paid, amountRemaining: due - paid, status: status)
        }

        func payment(withFailure: Bool) -> PaymentInfo {
            PaymentInfo(
                id: links["payment"], amount: amount ?? 0, currency: currency,
                failureCode: withFailure ? details.cause : nil,
                bankReasonCode: withFailure ? details.reasonCode : nil,
                failureMessage: withFailure ? details.description : nil,
                method: details.scheme.map(GoCardlessScheme.method))
        }

        /// Only when we know which subscription and its currency; otherwise the event is ignored.
        var cancelledSubscription: SubscriptionInfo? {
            guard let id = lifeline.subscriptionID ?? links["subscription"], !currency.isEmpty else { return nil }
            return SubscriptionInfo(
                id: id, status: .canceled, currency: currency, items: [],
                cancellationReason: GoCardlessScheme.cancellationReason(cause: details.cause, origin: details.origin),
                cancellationComment: details.description ?? details.cause)
        }
    }

    // MARK: - Wire format

    struct Payload: Decodable {
        var events: [Event]?
    }

    struct Event: Decodable {
        var id: String?
        var createdAt: String?
        var resourceType: String?
        var action: String?
        var links: [String: String?]?
        var details: Details?
        var metadata: [String: String?]?
        var lifeline: LifelineExtension?

        enum CodingKeys: String, CodingKey {
            case id, action, links, details, metadata, lifeline
            case createdAt = "created_at"
            case resourceType = "resource_type"
        }
    }

    struct Details: Decodable {
        var origin: String?
        var cause: String?
        var scheme: String?
        var reasonCode: String?
        var description: String?

        enum CodingKeys: String, CodingKey {
            case origin, cause, scheme, description
            case reasonCode = "reason_code"
        }
    }

    /// Lifeline's optional per-event extension (see the top of this file).
    struct LifelineExtension: Decodable {
        var customerID: String?
        var invoiceID: String?
        var subscriptionID: String?
        var amount: Int64?
        var currency: String?
        var customerName: String?
        var customerEmail: String?
        var customerMetadata: [String: String?]?

        enum CodingKeys: String, CodingKey {
            case amount, currency
            case customerID = "customer_id"
            case invoiceID = "invoice_id"
            case subscriptionID = "subscription_id"
            case customerName = "customer_name"
            case customerEmail = "customer_email"
            case customerMetadata = "customer_metadata"
        }
    }
}

/// What a GoCardless scheme implies: its payment method name and its one currency.
enum GoCardlessScheme {
    /// Each Direct Debit scheme settles in exactly one currency.
    static let currency: [String: String] = [
        "sepa_core": "eur", "sepa_cor1": "eur", "bacs": "gbp", "faster_payments": "gbp",
        "autogiro": "sek", "betalingsservice": "dkk", "becs": "aud", "becs_nz": "nzd",
        "pad": "cad", "ach": "usd", "pay_to": "aud",
    ]

    /// Lifeline's method names follow Stripe's (`sepa_debit`, `bacs_debit`); others pass through.
    static func method(_ scheme: String) -> String {
        switch scheme {
        case "sepa_core", "sepa_cor1": "sepa_debit"
        case "bacs": "bacs_debit"
        default: scheme
        }
    }

    /// Voluntary vs involuntary churn from the cancellation cause.
    static func cancellationReason(cause: String?, origin: String?) -> CancellationReason {
        switch cause {
        case "authorisation_disputed": .paymentDisputed
        // The way to pay disappeared under the subscription: involuntary.
        case "bank_account_closed", "bank_account_transferred", "invalid_bank_details",
             "direct_debit_not_enabled", "mandate_expired", "payer_deceased":
            .paymentFailed
        // A mandate the merchant did not cancel (origin not `api`) was cancelled by the payer,
        // through their bank: a refusal, not an accident.
        case "mandate_cancelled" where origin != "api":
            .requested
        case "subscription_cancelled", "plan_cancelled":
            .requested
        default: .other
        }
    }
}

/// Strict RFC 3339 (`2026-10-03T09:12:44.123Z`, `…+02:00`) → Unix seconds, fraction dropped.
///
/// Hand-written so the accepted grammar is exactly RFC 3339 and no formatter is shared across tasks.
/// Leap seconds (`:60`) are refused: GoCardless never sends them.
enum RFC3339 {
    static func unixSeconds(_ text: String) -> Int64? {
        var scanner = ByteScanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.take("-"),
              let month = scanner.digits(2), scanner.take("-"),
              let day = scanner.digits(2), scanner.take("T") || scanner.take("t"),
              let hour = scanner.digits(2), scanner.take(":"),
              let minute = scanner.digits(2), scanner.take(":"),
              let second = scanner.digits(2)
        else { return nil }
        if scanner.take(".") {
            guard scanner.skipDigits() > 0 else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if scanner.take("Z") || scanner.take("z") {
            offsetSeconds = 0
        } else {
            let sign: Int64
            if scanner.take("+") { sign = 1 } else if scanner.take("-") { sign = -1 } else { return nil }
            guard let offsetHour = scanner.digits(2), scanner.take(":"), let offsetMinute = scanner.digits(2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
        }
        guard scanner.isAtEnd,
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private struct ByteScanner {
        var bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var isAtEnd: Bool { index == bytes.count }

        mutating func take(_ char: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: char) else { return false }
            index += 1
            return true
        }

        mutating func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += count
            return value
        }

        mutating func skipDigits() -> Int {
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            return index - start
        }
    }
}
