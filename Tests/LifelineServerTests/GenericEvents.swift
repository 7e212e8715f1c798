import Foundation
import LifelineCore

/// Lifeline generic events built in code, for cases the sample files do not cover.
enum GenericEvents {
    static func subscription(
        id: String, type: BillingEventType = .subscriptionCreated, customer: String = "cus_generic",
        at time: Int64, items: [SubscriptionItem]
    ) -> BillingEvent {
        BillingEvent(
            id: id, type: type, occurredAt: time,
            customer: CustomerInfo(id: customer, metadata: ["segment": "PME"]),
            subscription: SubscriptionInfo(id: "sub_\(customer)", status: .active, currency: "eur", items: items)
        )
    }

    static func json(_ event: BillingEvent) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try! encoder.encode(event))
    }
}
