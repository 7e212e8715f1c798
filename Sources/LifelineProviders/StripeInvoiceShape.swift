import LifelineCore

/// The links an invoice carries, read the same way from both invoice shapes: pre-2025
/// (`subscription`, `payment_intent`, `charge` at the top level) and 2025+ "basil"
/// (`parent.subscription_details.subscription`, `payments.data[].payment`).
struct StripeInvoiceShape: Sendable {
    let subscription: StripeReference?
    /// The subscription's metadata snapshot on the invoice (`segment` lives there).
    let subscriptionMetadata: [String: String]
    let paymentIntent: StripeReference?
    let charge: StripeReference?

    init(_ invoice: StripeObject) throws(WebhookRejection) {
        if let details = try invoice.optionalObject("parent")?.optionalObject("subscription_details") {
            subscription = try details.optionalReference("subscription")
            subscriptionMetadata = details.stringMetadata()
        } else {
            subscription = try invoice.optionalReference("subscription")
            subscriptionMetadata = try invoice.optionalObject("subscription_details")?.stringMetadata() ?? [:]
        }
        let payment = try Self.basilPayment(invoice)
        let legacyIntent = try invoice.optionalReference("payment_intent")
        let legacyCharge = try invoice.optionalReference("charge")
        paymentIntent = legacyIntent != nil ? legacyIntent : try payment?.optionalReference("payment_intent")
        charge = legacyCharge != nil ? legacyCharge : try payment?.optionalReference("charge")
    }

    /// The `payment` of the default invoice payment (else the first listed), basil shape only.
    private static func basilPayment(_ invoice: StripeObject) throws(WebhookRejection) -> StripeObject? {
        guard let entries = try invoice.optionalObject("payments")?.optionalList("data") else { return nil }
        let payments = entries.compactMap { $0 }
        var chosen = payments.first
        for entry in payments {
            if try entry.optionalBool("is_default") == true {
                chosen = entry
                break
            }
        }
        return try chosen?.optionalObject("payment")
    }
}
