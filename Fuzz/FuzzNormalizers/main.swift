import FuzzSupport
import LifelineCore
import LifelineProviders

/// Fuzzes every provider's normalizer with the same body, then feeds what they accept to the
/// ledger and recovery reducers, whose integer arithmetic must hold for any accepted event.
let providers: [any WebhookProvider] = [
    StripeProvider(signature: StripeSignature(secrets: [])),
    GoCardlessProvider(signature: GoCardlessSignature(secrets: [])),
    StandardProvider(signature: StandardWebhooksSignature(secrets: [])),
]
let ledger = LedgerReducer(reasonCodes: ReasonCodeTable(failureCodes: ["insufficient_funds": .cashFlow]))
let recovery = RecoveryReducer(policy: RecoveryPolicy())

/// Applies the event twice (new, then over its own result) and plans recovery for it.
func exercise(_ event: BillingEvent) {
    let first = ledger.apply(event, to: LedgerState())
    let state = LedgerState(
        customer: first.customer, subscription: first.subscription, invoice: first.invoice,
        relatedFailure: first.failure, customerMRR: first.subscription?.mrr ?? 0, customerEverHadMRR: true
    )
    let second = ledger.apply(event, to: state)
    if let subscription = event.subscription { _ = MRRCalculator.monthly(subscription) }
    let recoveryState = RecoveryState(
        customer: second.customer, pastFailures: [first.failure].compactMap { $0 },
        invoices: [second.invoice].compactMap { $0 }, customerMRR: second.subscription?.mrr ?? 0, paydays: [1, 15, 28]
    )
    _ = recovery.apply(event, ledger: second, state: recoveryState, now: event.occurredAt)
}

FuzzHarness.main(target: "FuzzNormalizers", extraSeeds: [
    "Webhooks/stripe", "Webhooks/stripe-shapes", "Webhooks/gocardless", "Webhooks/standard", "Webhooks/demo",
]) { body in
    for provider in providers {
        guard let delivery = try? provider.normalize(body: body) else { continue }
        for event in delivery.events {
            precondition(!event.id.isEmpty, "\(provider.name) accepted an event without an id")
            guard let normalized = event.normalized else { continue }
            // Whatever a normalizer lets through must pass the shared checks.
            let unknownCurrency = provider.name == .gocardless
            precondition((try? BillingEventValidation.validate(normalized, allowUnknownCurrency: unknownCurrency)) != nil,
                         "\(provider.name) produced an event that fails validation")
            exercise(normalized)
        }
    }
}
