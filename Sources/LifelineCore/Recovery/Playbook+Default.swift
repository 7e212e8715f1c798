extension Playbook {
    /// The shipped playbook (also written out in `config/lifeline.yaml`), with the default
    /// cash-flow threshold of 50.
    public static let `default` = Playbook.standard(cashFlowThreshold: StressWeights().cashFlowThreshold)

    /// The shipped rules for a given cash-flow threshold: stressed cash flow gets a financing
    /// offer first, card problems an update request, technical failures retries, hard declines
    /// an update request and no retry, voluntary refusals and disputes go to ops only.
    public static func standard(cashFlowThreshold: Int) -> Playbook {
        let day: Int64 = 86_400
        return Playbook(rules: [
            PlaybookRule(
                name: "cash-flow-financing",
                match: PlaybookMatch(categories: [.cashFlow], minScore: cashFlowThreshold, minTenureDays: 30),
                steps: [
                    PlaybookStep(name: "offer", kind: .financingOffer, schedule: .after(seconds: 0), partner: "sandbox", parameters: ["terms": "instalments_3"]),
                    PlaybookStep(name: "plan-email", kind: .dunningEmail, schedule: .after(seconds: 2 * day), parameters: ["template": "payment_plan", "step": "1"]),
                    PlaybookStep(name: "payday-retry", kind: .retryPayment, schedule: .payday(fallbackSeconds: 5 * day)),
                ]),
            // Cash flow below the threshold, or too new a customer for financing.
            PlaybookRule(
                name: "cash-flow-retry",
                match: PlaybookMatch(categories: [.cashFlow]),
                steps: [
                    PlaybookStep(name: "payday-retry", kind: .retryPayment, schedule: .payday(fallbackSeconds: 3 * day)),
                    PlaybookStep(name: "reminder", kind: .dunningEmail, schedule: .after(seconds: day), parameters: ["template": "reminder", "step": "1"]),
                ]),
            PlaybookRule(
                name: "payment-method-update",
                match: PlaybookMatch(categories: [.paymentMethod]),
                steps: [
                    PlaybookStep(name: "update-request", kind: .dunningEmail, schedule: .after(seconds: 0), parameters: ["template": "card_update", "step": "1"]),
                    PlaybookStep(name: "update-reminder", kind: .dunningEmail, schedule: .after(seconds: 3 * day), parameters: ["template": "card_update", "step": "2"]),
                    PlaybookStep(name: "retry", kind: .retryPayment, schedule: .after(seconds: 5 * day)),
                ]),
            PlaybookRule(
                name: "technical-retry",
                match: PlaybookMatch(categories: [.technical]),
                steps: [
                    PlaybookStep(name: "first-retry", kind: .retryPayment, schedule: .after(seconds: day)),
                    PlaybookStep(name: "second-retry", kind: .retryPayment, schedule: .after(seconds: 3 * day)),
                    PlaybookStep(name: "reminder", kind: .dunningEmail, schedule: .after(seconds: 4 * day), parameters: ["template": "reminder", "step": "1"]),
                ]),
            // Retrying a stolen or blocked card only hurts the merchant's standing: never retry.
            PlaybookRule(
                name: "hard-decline",
                match: PlaybookMatch(categories: [.hardDecline]),
                steps: [
                    PlaybookStep(name: "update-request", kind: .dunningEmail, schedule: .after(seconds: 0), parameters: ["template": "update_request", "step": "1"]),
                    PlaybookStep(name: "ops", kind: .notifyOps, schedule: .after(seconds: 0)),
                ]),
            // A customer who refused or disputed needs a human, not automation.
            PlaybookRule(
                name: "voluntary-dispute",
                match: PlaybookMatch(categories: [.voluntaryDispute]),
                steps: [
                    PlaybookStep(name: "ops", kind: .notifyOps, schedule: .after(seconds: 0)),
                ]),
        ])
    }
}
