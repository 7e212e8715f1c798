import LifelineCore

/// Maps `charge.failed` and `payment_intent.payment_failed`: one failed attempt with its codes.
///
/// A charge or PaymentIntent with no customer is a one-off payment, not subscription billing,
/// so it normalizes to nil (stored and ignored) rather than inventing a customer.
enum StripePaymentMapping {
    static func chargeFailed(id: String, occurredAt: Int64, charge: StripeObject) throws(WebhookRejection) -> BillingEvent? {
        try charge.expectKind("charge")
        guard let customer = try charge.optionalReference("customer") else { return nil }
        let amount = try charge.amount("amount")
        let currency = try charge.string("currency")
        // The PaymentIntent id when there is one, so charge.failed, payment_intent.payment_failed
        // and invoice.payment_failed name the same payment.
        var paymentID = try charge.optionalReference("payment_intent")?.id
        if paymentID == nil { paymentID = try charge.string("id") }
        return BillingEvent(
            id: id, type: .paymentFailed, occurredAt: occurredAt,
            customer: try StripeCustomerMapping.customer(customer),
            invoice: try linkedInvoice(charge, amount: amount, currency: currency),
            payment: try StripeDecline.fromCharge(charge).payment(id: paymentID, amount: amount, currency: currency)
        )
    }

    static func paymentIntentFailed(
        id: String, occurredAt: Int64, intent: StripeObject
    ) throws(WebhookRejection) -> BillingEvent? {
        try intent.expectKind("payment_intent")
        guard let customer = try intent.optionalReference("customer") else { return nil }
        let amount = try intent.amount("amount")
        let currency = try intent.string("currency")
        let decline = try StripeDecline.fromPaymentIntent(intent) ?? StripeDecline()
        return BillingEvent(
            id: id, type: .paymentFailed, occurredAt: occurredAt,
            customer: try StripeCustomerMapping.customer(customer),
            invoice: try linkedInvoice(intent, amount: amount, currency: currency),
            payment: decline.payment(id: try intent.string("id"), amount: amount, currency: currency)
        )
    }

    /// The `invoice` link (pre-2025 shapes only). Expanded: mapped in full. Bare id: the
    /// minimum that is certainly true of an invoice whose payment just failed — open, with
    /// this attempt's amount still owed; its subscription is unknown here.
    static func linkedInvoice(
        _ payment: StripeObject, amount: Int64, currency: String
    ) throws(WebhookRejection) -> InvoiceInfo? {
        guard let reference = try payment.optionalReference("invoice") else { return nil }
        if let invoice = reference.expanded {
            return try StripeInvoiceMapping.invoiceInfo(invoice, shape: try StripeInvoiceShape(invoice))
        }
        return InvoiceInfo(
            id: reference.id, subscriptionID: nil, currency: currency, amountDue: amount, amountPaid: 0,
            amountRemaining: amount, status: .open
        )
    }
}
