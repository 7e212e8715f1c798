import LifelineCore

/// Why a payment failed, in Stripe's own codes, read from a charge or from a Stripe error.
struct StripeDecline: Sendable, Equatable {
    var failureCode: String?
    var declineCode: String?
    var adviceCode: String?
    var message: String?
    /// `card`, `sepa_debit`, …
    var method: String?

    /// A charge has no `decline_code`: issuers' decline codes travel in `outcome.reason`,
    /// which for Radar blocks holds a risk verdict instead, so only issuer/invalid outcomes count.
    static func fromCharge(_ charge: StripeObject) throws(WebhookRejection) -> StripeDecline {
        let outcome = try charge.optionalObject("outcome")
        let outcomeType = try outcome?.optionalString("type")
        let carriesDeclineCode = outcomeType == nil || outcomeType == "issuer_declined" || outcomeType == "invalid"
        return StripeDecline(
            failureCode: try charge.optionalString("failure_code"),
            declineCode: carriesDeclineCode ? try outcome?.optionalString("reason") : nil,
            adviceCode: try outcome?.optionalString("advice_code"),
            message: try charge.optionalString("failure_message"),
            method: try charge.optionalObject("payment_method_details")?.optionalString("type")
        )
    }

    /// A Stripe error object: a PaymentIntent's `last_payment_error` or an invoice's `last_finalization_error`.
    static func fromError(_ error: StripeObject) throws(WebhookRejection) -> StripeDecline {
        var method = try error.optionalObject("payment_method")?.optionalString("type")
        if method == nil { method = try error.optionalString("payment_method_type") }
        return StripeDecline(
            failureCode: try error.optionalString("code"),
            declineCode: try error.optionalString("decline_code"),
            adviceCode: try error.optionalString("advice_code"),
            message: try error.optionalString("message"),
            method: method
        )
    }

    /// The PaymentIntent's last error, when it has one.
    static func fromPaymentIntent(_ intent: StripeObject) throws(WebhookRejection) -> StripeDecline? {
        guard let error = try intent.optionalObject("last_payment_error") else { return nil }
        return try fromError(error)
    }

    /// Fills a `PaymentInfo` with these codes.
    func payment(
        id: String?, amount: Int64, currency: String, attempt: Int? = nil, nextAttemptAt: Int64? = nil
    ) -> PaymentInfo {
        PaymentInfo(
            id: id, amount: amount, currency: currency, attempt: attempt, failureCode: failureCode,
            declineCode: declineCode, adviceCode: adviceCode, failureMessage: message,
            nextAttemptAt: nextAttemptAt, method: method
        )
    }
}
