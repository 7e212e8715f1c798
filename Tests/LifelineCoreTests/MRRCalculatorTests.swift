import LifelineCore
import Testing

@Suite("MRR normalisation")
struct MRRCalculatorTests {
    func subscription(_ items: [SubscriptionItem], status: SubscriptionStatus = .active, discount: Discount? = nil) -> SubscriptionInfo {
        SubscriptionInfo(id: "sub_1", status: status, currency: "eur", items: items, discount: discount)
    }

    @Test("interval normalisation", arguments: [
        (BillingInterval.month, Int64(1), Int64(4_900), Int64(4_900)),
        (.year, 1, 118_800, 9_900),
        (.week, 1, 1_000, 4_333),  // 1000 × 52 / 12 = 4333.33
        (.day, 1, 100, 3_042),  // 100 × 365 / 12 = 3041.67
        (.month, 3, 29_700, 9_900),  // quarterly
        (.year, 2, 240_000, 10_000),
    ])
    func interval(interval: BillingInterval, count: Int64, amount: Int64, expected: Int64) {
        let sub = subscription([SubscriptionItem(unitAmount: amount, interval: interval, intervalCount: count)])
        #expect(MRRCalculator.monthly(sub) == expected)
    }

    @Test func quantityMultipliesUnitPrice() {
        let sub = subscription([SubscriptionItem(unitAmount: 2_900, quantity: 3, interval: .month)])
        #expect(MRRCalculator.monthly(sub) == 8_700)
    }

    @Test func itemsAddUp() {
        let sub = subscription([
            SubscriptionItem(unitAmount: 2_900, quantity: 2, interval: .month),
            SubscriptionItem(unitAmount: 12_000, interval: .year),
        ])
        #expect(MRRCalculator.monthly(sub) == 5_800 + 1_000)
    }

    @Test func foreverDiscountReducesMRRButOnceDoesNot() {
        let item = SubscriptionItem(unitAmount: 10_000, interval: .month)
        #expect(MRRCalculator.monthly(subscription([item], discount: Discount(percentOff: 20, duration: .forever))) == 8_000)
        #expect(MRRCalculator.monthly(subscription([item], discount: Discount(percentOff: 12.5, duration: .forever))) == 8_750)
        #expect(MRRCalculator.monthly(subscription([item], discount: Discount(amountOff: 1_500, duration: .forever))) == 8_500)
        #expect(MRRCalculator.monthly(subscription([item], discount: Discount(percentOff: 50, duration: .once))) == 10_000)
        #expect(MRRCalculator.monthly(subscription([item], discount: Discount(percentOff: 50, duration: .repeating))) == 10_000)
    }

    @Test("statuses without MRR", arguments: [SubscriptionStatus.trialing, .paused, .canceled, .incomplete, .incompleteExpired])
    func noMRR(status: SubscriptionStatus) {
        #expect(MRRCalculator.monthly(subscription([SubscriptionItem(unitAmount: 4_900, interval: .month)], status: status)) == 0)
    }

    @Test("statuses that still carry MRR", arguments: [SubscriptionStatus.active, .pastDue, .unpaid])
    func carriesMRR(status: SubscriptionStatus) {
        #expect(MRRCalculator.monthly(subscription([SubscriptionItem(unitAmount: 4_900, interval: .month)], status: status)) == 4_900)
    }
}
