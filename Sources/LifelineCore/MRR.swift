/// Monthly recurring revenue of a subscription snapshot, in minor units.
///
/// month = 1, year = /12, week = ×52/12, day = ×365/12, each item quantity × unit price;
/// a forever discount reduces MRR, a time-limited one does not; trials, paused and ended
/// subscriptions carry none.
public enum MRRCalculator {
    public static func monthly(_ subscription: SubscriptionInfo) -> Int64 {
        switch subscription.status {
        case .trialing, .paused, .canceled, .incomplete, .incompleteExpired: return 0
        case .active, .pastDue, .unpaid: break
        }
        var total: Int64 = 0
        for item in subscription.items {
            total += monthly(item, discount: subscription.discount, itemCount: subscription.items.count)
        }
        return max(0, total)
    }

    /// One item's MRR; the discount is applied per period before normalizing to a month.
    static func monthly(_ item: SubscriptionItem, discount: Discount?, itemCount: Int) -> Int64 {
        var periodAmount = item.unitAmount * item.quantity
        if let discount, discount.duration == .forever {
            if let percent = discount.percentOff {
                // Basis points keep the arithmetic in integers; 12.5 % → 1250.
                let basisPoints = Int64((percent * 100).rounded())
                periodAmount -= divideRounded(periodAmount * basisPoints, 10_000)
            } else if let amountOff = discount.amountOff {
                // A fixed amount off the invoice is shared evenly between its items.
                periodAmount -= divideRounded(amountOff, Int64(max(1, itemCount)))
            }
        }
        let count = max(1, item.intervalCount)
        switch item.interval {
        case .month: return divideRounded(periodAmount, count)
        case .year: return divideRounded(periodAmount, 12 * count)
        case .week: return divideRounded(periodAmount * 52, 12 * count)
        case .day: return divideRounded(periodAmount * 365, 12 * count)
        }
    }

    /// Integer division rounded half away from zero.
    static func divideRounded(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let half = denominator / 2
        return numerator >= 0 ? (numerator + half) / denominator : -((-numerator + half) / denominator)
    }
}
