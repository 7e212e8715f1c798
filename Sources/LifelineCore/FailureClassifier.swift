/// Reason codes → categories, in four tables consulted in a fixed order.
public struct ReasonCodeTable: Sendable, Equatable {
    /// Stripe `advice_code`; consulted first because it overrides the decline code.
    public var adviceCodes: [String: FailureCategory]
    /// Card issuer decline codes (Stripe `decline_code`).
    public var declineCodes: [String: FailureCategory]
    /// Bank return codes (SEPA ISO 20022 R-codes such as `AM04`).
    public var bankReasonCodes: [String: FailureCategory]
    /// Stripe `failure_code`, GoCardless `cause` and generic codes.
    public var failureCodes: [String: FailureCategory]

    public init(
        adviceCodes: [String: FailureCategory] = [:], declineCodes: [String: FailureCategory] = [:],
        bankReasonCodes: [String: FailureCategory] = [:], failureCodes: [String: FailureCategory] = [:]
    ) {
        self.adviceCodes = adviceCodes
        self.declineCodes = declineCodes
        self.bankReasonCodes = bankReasonCodes
        self.failureCodes = failureCodes
    }
}

/// The category of one failure and which code decided it.
public struct FailureClassification: Sendable, Hashable, Codable {
    public var category: FailureCategory
    /// `advice_code`, `decline_code`, `bank_reason_code`, `failure_code`, or nil when nothing matched.
    public var decidedBy: String?
    public var code: String?
    /// True when no code was known: the category is the `technical` fallback.
    public var isUnknown: Bool

    public init(category: FailureCategory, decidedBy: String?, code: String?, isUnknown: Bool) {
        self.category = category
        self.decidedBy = decidedBy
        self.code = code
        self.isUnknown = isUnknown
    }
}

/// Classifies a payment failure: advice code, then decline code, then bank return code,
/// then failure code; unknown codes fall back to `technical`.
public enum FailureClassifier {
    public static func classify(_ payment: PaymentInfo, using table: ReasonCodeTable) -> FailureClassification {
        let lookups: [(String, String?, [String: FailureCategory])] = [
            ("advice_code", payment.adviceCode, table.adviceCodes),
            ("decline_code", payment.declineCode, table.declineCodes),
            ("bank_reason_code", payment.bankReasonCode, table.bankReasonCodes),
            ("failure_code", payment.failureCode, table.failureCodes),
        ]
        for (field, code, codes) in lookups {
            guard let code, let category = codes[code.lowercased()] ?? codes[code] else { continue }
            return FailureClassification(category: category, decidedBy: field, code: code, isUnknown: false)
        }
        let firstCode = lookups.compactMap(\.1).first
        return FailureClassification(category: .technical, decidedBy: nil, code: firstCode, isUnknown: true)
    }
}
