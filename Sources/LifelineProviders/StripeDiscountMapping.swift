import LifelineCore

/// Reads a subscription's discount: the pre-2025 `discount` object, else the first expanded
/// entry of `discounts` (bare discount ids cannot be resolved from the event and are ignored).
enum StripeDiscountMapping {
    static func discount(_ subscription: StripeObject) throws(WebhookRejection) -> Discount? {
        if let legacy = try subscription.optionalObject("discount") {
            return try fromDiscount(legacy)
        }
        guard let entries = try subscription.optionalList("discounts"), let first = entries.first, let expanded = first else {
            return nil
        }
        return try fromDiscount(expanded)
    }

    /// A discount names its coupon at `coupon`, or at `source.coupon` in the newest API versions.
    private static func fromDiscount(_ discount: StripeObject) throws(WebhookRejection) -> Discount? {
        var holder = discount
        if discount.value("coupon") == nil, let source = try discount.optionalObject("source") { holder = source }
        // A bare coupon id says nothing about the amount off.
        if case .string? = holder.value("coupon") { return nil }
        guard let coupon = try holder.optionalObject("coupon") else { return nil }
        return try fromCoupon(coupon)
    }

    private static func fromCoupon(_ coupon: StripeObject) throws(WebhookRejection) -> Discount {
        let durationText = try coupon.string("duration")
        guard let duration = DiscountDuration(rawValue: durationText) else {
            throw .malformed("\(coupon.fieldPath("duration")) \"\(durationText)\" is not a coupon duration")
        }
        return Discount(
            percentOff: try coupon.optionalPercentage("percent_off"),
            amountOff: try coupon.optionalAmount("amount_off"), duration: duration
        )
    }
}
