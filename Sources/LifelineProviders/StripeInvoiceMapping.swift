import LifelineCore

/// Maps `invoice.*` events: the invoice itself, its customer, and for payment events the attempt.
enum StripeInvoiceMapping {
    static func event(
        _ type: BillingEventType, id: String, occurredAt: Int64, invoice: StripeObject
    ) throws(WebhookRejection) -> BillingEvent {
        try invoice.expectKind("invoice")
        let shape = try StripeInvoiceShape(invoice)
        let info = try invoiceInfo(invoice, shape: shape)
        var payment: PaymentInfo?
        switch type {
        case .paymentFailed: payment = try failedPayment(invoice, info: info, shape: shape)
        case .paymentSucceeded: payment = try succeededPayment(invoice, info: info, shape: shape)
        default: payment = nil
        }
        return BillingEvent(
            id: id, type: type, occurredAt: occurredAt, customer: try customer(invoice, shape: shape),
            invoice: info, payment: payment
        )
    }

    static func invoiceInfo(_ invoice: StripeObject, shape: StripeInvoiceShape) throws(WebhookRejection) -> InvoiceInfo {
        let statusText = try invoice.string("status")
        guard let status = InvoiceStatus(rawValue: statusText) else {
            throw .malformed("\(invoice.fieldPath("status")) \"\(statusText)\" is not a Stripe invoice status")
        }
        return InvoiceInfo(
            id: try invoice.string("id"), subscriptionID: shape.subscription?.id,
            currency: try invoice.string("currency"), amountDue: try invoice.amount("amount_due"),
            amountPaid: try invoice.amount("amount_paid"), amountRemaining: try invoice.amount("amount_remaining"),
            status: status, billingReason: try invoice.optionalString("billing_reason"),
            dueAt: try invoice.optionalInteger("due_date"), periodStart: try invoice.optionalInteger("period_start"),
            periodEnd: try invoice.optionalInteger("period_end")
        )
    }

    /// The invoice's customer; the subscription's metadata snapshot supplies `segment`.
    static func customer(_ invoice: StripeObject, shape: StripeInvoiceShape) throws(WebhookRejection) -> CustomerInfo {
        try StripeCustomerMapping.customer(
            try invoice.reference("customer"), email: try invoice.optionalString("customer_email"),
            name: try invoice.optionalString("customer_name"), extraMetadata: shape.subscriptionMetadata
        )
    }

    /// The failed attempt: what is still owed, which attempt, when Stripe retries, and the
    /// decline codes from an expanded charge, an expanded PaymentIntent or the finalization error.
    static func failedPayment(
        _ invoice: StripeObject, info: InvoiceInfo, shape: StripeInvoiceShape
    ) throws(WebhookRejection) -> PaymentInfo {
        var decline = StripeDecline()
        if let charge = shape.charge?.expanded {
            decline = try StripeDecline.fromCharge(charge)
        } else if let intent = shape.paymentIntent?.expanded, let fromIntent = try StripeDecline.fromPaymentIntent(intent) {
            decline = fromIntent
        } else if let error = try invoice.optionalObject("last_finalization_error") {
            decline = try StripeDecline.fromError(error)
        }
        return decline.payment(
            id: shape.paymentIntent?.id ?? shape.charge?.id,
            amount: info.amountRemaining > 0 ? info.amountRemaining : info.amountDue,
            currency: info.currency, attempt: try attempt(invoice),
            nextAttemptAt: try invoice.optionalInteger("next_payment_attempt")
        )
    }

    /// The successful attempt, so a recovery can be attributed to the payment that closed it.
    static func succeededPayment(
        _ invoice: StripeObject, info: InvoiceInfo, shape: StripeInvoiceShape
    ) throws(WebhookRejection) -> PaymentInfo {
        PaymentInfo(
            id: shape.paymentIntent?.id ?? shape.charge?.id, amount: info.amountPaid, currency: info.currency,
            attempt: try attempt(invoice),
            method: try shape.charge?.expanded?.optionalObject("payment_method_details")?.optionalString("type")
        )
    }

    private static func attempt(_ invoice: StripeObject) throws(WebhookRejection) -> Int? {
        guard let count = try invoice.optionalInteger("attempt_count") else { return nil }
        guard count >= 0, count <= Int64(Int32.max) else {
            throw .malformed("\(invoice.fieldPath("attempt_count")) must be a small non-negative integer")
        }
        return Int(count)
    }
}
