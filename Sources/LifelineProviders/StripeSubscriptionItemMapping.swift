import LifelineCore

/// Maps `items.data[]` to `SubscriptionItem`s, reading the price (or the legacy plan) of each.
enum StripeSubscriptionItemMapping {
    static func items(_ subscription: StripeObject) throws(WebhookRejection) -> [SubscriptionItem] {
        let items = try subscription.object("items")
        guard let entries = try items.optionalList("data") else {
            throw .malformed("\(items.fieldPath("data")) must be an array, got nothing")
        }
        var mapped: [SubscriptionItem] = []
        for (index, entry) in entries.enumerated() {
            guard let entry else { throw .malformed("\(items.fieldPath("data"))[\(index)] must be an object") }
            mapped.append(try item(entry))
        }
        return mapped
    }

    /// Tiered and decimal-only prices have no integer `unit_amount`; they are rejected with a
    /// clear detail rather than guessed, since MRR would be wrong.
    static func item(_ entry: StripeObject) throws(WebhookRejection) -> SubscriptionItem {
        let price = try entry.optionalObject("price")
        let plan = try entry.optionalObject("plan")
        guard price != nil || plan != nil else {
            throw .malformed("\(entry.path) has neither price nor plan")
        }
        var unitAmount = try price?.optionalAmount("unit_amount")
        if unitAmount == nil { unitAmount = try plan?.optionalAmount("amount") }
        guard let unitAmount else {
            throw .malformed("\(entry.path) has no integer price.unit_amount or plan.amount (tiered and decimal prices are not supported)")
        }
        let recurring = try price?.optionalObject("recurring")
        var intervalText = try recurring?.optionalString("interval")
        if intervalText == nil { intervalText = try plan?.optionalString("interval") }
        guard let intervalText, let interval = BillingInterval(rawValue: intervalText) else {
            throw .malformed("\(entry.path) has no recurring interval of day, week, month or year")
        }
        var intervalCount = try recurring?.optionalInteger("interval_count")
        if intervalCount == nil { intervalCount = try plan?.optionalInteger("interval_count") }
        let count = intervalCount ?? 1
        guard count >= 1 else { throw .malformed("\(entry.path) interval_count must be at least 1") }
        let quantity = try entry.optionalAmount("quantity") ?? 1
        var priceID = try price?.optionalString("id")
        if priceID == nil { priceID = try plan?.optionalString("id") }
        return SubscriptionItem(
            priceID: priceID, unitAmount: unitAmount, quantity: quantity, interval: interval, intervalCount: count
        )
    }
}
