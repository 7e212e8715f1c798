import LifelineCore

/// Maps `customer.subscription.*` events: a full snapshot of the subscription and its customer.
enum StripeSubscriptionMapping {
    static func event(
        _ type: BillingEventType, id: String, occurredAt: Int64, subscription: StripeObject
    ) throws(WebhookRejection) -> BillingEvent {
        try subscription.expectKind("subscription")
        // The subscription's metadata goes on the customer: Lifeline reads `segment` there.
        let customer = try StripeCustomerMapping.customer(
            try subscription.reference("customer"), extraMetadata: subscription.stringMetadata()
        )
        return BillingEvent(
            id: id, type: type, occurredAt: occurredAt, customer: customer,
            subscription: try info(subscription)
        )
    }

    static func info(_ subscription: StripeObject) throws(WebhookRejection) -> SubscriptionInfo {
        let statusText = try subscription.string("status")
        guard let status = SubscriptionStatus(rawValue: statusText) else {
            throw .malformed("\(subscription.fieldPath("status")) \"\(statusText)\" is not a subscription status")
        }
        let items = try StripeSubscriptionItemMapping.items(subscription)
        let cancellation = try subscription.optionalObject("cancellation_details")
        var comment = try cancellation?.optionalString("comment")
        if comment == nil { comment = try cancellation?.optionalString("feedback") }
        return SubscriptionInfo(
            id: try subscription.string("id"), status: status, currency: try currency(subscription),
            items: items, discount: try StripeDiscountMapping.discount(subscription),
            trialEnd: try subscription.optionalInteger("trial_end"),
            startedAt: try subscription.optionalInteger("start_date"),
            cancelAtPeriodEnd: try subscription.optionalBool("cancel_at_period_end") ?? false,
            cancellationReason: cancellationReason(try cancellation?.optionalString("reason")),
            cancellationComment: comment
        )
    }

    /// Stripe's reason decides voluntary vs involuntary churn; unknown future reasons are `.other`.
    static func cancellationReason(_ reason: String?) -> CancellationReason? {
        switch reason {
        case nil: nil
        case "cancellation_requested": .requested
        case "payment_failed": .paymentFailed
        case "payment_disputed": .paymentDisputed
        default: .other
        }
    }

    /// `currency` is on every subscription since 2021; older payloads fall back to the first price's.
    private static func currency(_ subscription: StripeObject) throws(WebhookRejection) -> String {
        if let currency = try subscription.optionalString("currency") { return currency }
        let first = try subscription.object("items").optionalList("data")?.first ?? nil
        if let currency = try first?.optionalObject("price")?.optionalString("currency") { return currency }
        if let currency = try first?.optionalObject("plan")?.optionalString("currency") { return currency }
        throw .malformed("\(subscription.fieldPath("currency")) must be a string, got nothing")
    }
}
