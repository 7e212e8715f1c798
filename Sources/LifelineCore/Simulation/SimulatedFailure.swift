/// Realistic failure codes per payment method and category, as providers report them.
enum SimulatedFailure {
    /// Category mix outside cash flow: card/bank details, transient trouble, hard declines, disputes.
    static func category(_ rng: inout SplitMix64, cashFlowShare: Int, sepa: Bool) -> FailureCategory {
        if rng.chance(cashFlowShare) { return .cashFlow }
        let roll = rng.int(0...99)
        switch roll {
        case ..<45: return .paymentMethod
        case ..<85: return .technical
        case ..<94: return sepa ? .voluntaryDispute : .hardDecline
        default: return .voluntaryDispute
        }
    }

    static func payment(
        _ rng: inout SplitMix64, category: FailureCategory, sepa: Bool, id: String, amount: Int64, currency: String,
        attempt: Int, nextAttemptAt: Int64?
    ) -> PaymentInfo {
        var info = PaymentInfo(
            id: id, amount: amount, currency: currency, attempt: attempt, nextAttemptAt: nextAttemptAt,
            method: sepa ? "sepa_debit" : "card"
        )
        if sepa {
            switch category {
            case .cashFlow:
                // MS03 is what several banks send for insufficient funds, for privacy.
                let (bank, cause) = rng.chance(650) ? ("AM04", "insufficient_funds") : ("MS03", "refer_to_payer")
                info.bankReasonCode = bank
                info.failureCode = cause
                info.failureMessage = "The payer's bank returned the debit (\(bank))."
            case .paymentMethod:
                info.bankReasonCode = rng.pick(["AC04", "AC04", "AC06", "AC01"])
                info.failureCode = "bank_account_closed"
                info.failureMessage = "The debtor account cannot be debited."
            case .voluntaryDispute:
                info.bankReasonCode = rng.pick(["MD06", "MS02"])
                info.failureCode = "debit_not_authorized"
                info.failureMessage = "The payer refused or asked for a refund of the debit."
            case .technical, .hardDecline:
                info.failureCode = "processing_error"
                info.failureMessage = "The bank could not process the debit."
            }
            return info
        }
        info.failureCode = "card_declined"
        switch category {
        case .cashFlow:
            info.declineCode = rng.chance(800) ? "insufficient_funds" : "card_velocity_exceeded"
            info.adviceCode = "try_again_later"
            info.failureMessage = "Your card has insufficient funds."
        case .paymentMethod:
            info.declineCode = rng.pick(["expired_card", "expired_card", "incorrect_number", "card_not_supported"])
            info.failureMessage = "The card details need updating."
        case .technical:
            info.declineCode = rng.pick(["generic_decline", "do_not_honor", "processing_error"])
            info.failureMessage = "The card was declined."
        case .hardDecline:
            info.declineCode = rng.pick(["stolen_card", "lost_card", "fraudulent"])
            info.adviceCode = "do_not_try_again"
            info.failureMessage = "The card was declined."
        case .voluntaryDispute:
            info.declineCode = nil
            info.failureCode = "debit_not_authorized"
            info.failureMessage = "The payer refused the payment."
        }
        return info
    }

    /// Days until a failed invoice is paid: cash flow waits for the customer's client to pay.
    static func daysToRecover(_ rng: inout SplitMix64, _ category: FailureCategory) -> Int64 {
        switch category {
        case .cashFlow: rng.int64(4...14)
        case .technical: rng.int64(1...3)
        case .paymentMethod: rng.int64(2...9)
        case .hardDecline: rng.int64(5...12)
        case .voluntaryDispute: rng.int64(7...16)
        }
    }

    /// How often each category ends up paid, relative to the segment's recovery rate.
    static func recoveryFactor(_ category: FailureCategory) -> Int {
        switch category {
        case .cashFlow: 1_000
        case .technical: 1_250
        case .paymentMethod: 950
        case .hardDecline: 450
        case .voluntaryDispute: 350
        }
    }
}
