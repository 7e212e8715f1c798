/// Why a payment failed, as far as recovery is concerned.
public enum FailureCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// The customer cannot pay right now (insufficient funds, over limit): financing helps.
    case cashFlow = "cash_flow"
    /// Transient processing trouble: a retry will likely work.
    case technical
    /// The card or mandate needs updating (expired, closed account).
    case paymentMethod = "payment_method"
    /// Do not retry (stolen card, fraud, blocked).
    case hardDecline = "hard_decline"
    /// The customer refused or disputed the payment.
    case voluntaryDispute = "voluntary_dispute"
}
