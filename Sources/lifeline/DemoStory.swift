import Foundation
import LifelineCore
import LifelineOutbound
import LifelineProviders
import LifelineStore

/// Plays the scenario against the running server: moves the clock to each event, posts it,
/// lets the outbox deliver what is due, and has the sandbox partner fund the offers it gets.
struct DemoStory {
    let baseURL: String
    let clock: DemoClock
    let dispatcher: OutboxDispatcher
    let peers: SandboxPeers
    let store: any LifelineStore
    let standardSecret: String
    let partnerSecret: String

    /// Action ids start with `act_<event id>_`: the ones planned for a told story are shown.
    static func isStory(_ actionID: String?, storyEvents: Set<String>) -> Bool {
        guard let actionID, actionID.hasPrefix("act_") else { return false }
        return storyEvents.contains { actionID.hasPrefix("act_\($0)_") }
    }

    func play(_ scenario: [DemoScenario.Step]) async throws {
        let storyEvents = Set(scenario.filter(\.narrated).map(\.event.id))
        let replayer = WebhookReplayer(baseURL: baseURL)
        let narrated = Set(scenario.filter(\.narrated).map(\.event.customer.id))
        let silent = Set(scenario.filter { !$0.narrated }.map(\.event.customer.id))
        print("Lifeline demo: \(scenario.count) webhooks, May to October 2026 — the stories of \(narrated.count) customers,")
        print("told below, inside a simulated portfolio of \(silent.count) more. The clock follows the events,")
        print("so a 2-day delay passes in an instant; the sandbox partner funds every offer it gets.\n")
        for step in scenario {
            clock.move(to: step.time)
            try await deliverDue(storyEvents: storyEvents)
            let outcome = try await replayer.post(body: step.body, provider: .standard, secret: standardSecret, name: step.file, now: clock.nowSeconds())
            guard (200..<300).contains(outcome.status) else {
                print("  ! \(step.file): \(outcome.status) \(outcome.response)")
                continue
            }
            try await waitForProjection()
            if step.narrated && Self.isNoteworthy(step.event) {
                print("\(LedgerReport.dateTime(step.time))  \(step.event.customer.name ?? step.event.customer.id): \(Self.describe(step.event))")
            }
            try await deliverDue(storyEvents: storyEvents)
        }
        // Let the remaining schedules run out.
        clock.move(to: (scenario.last?.time ?? 0) + 14 * 86_400)
        try await deliverDue(storyEvents: storyEvents)
    }

    /// The 2xx means the event is in the log; the projector applies it an instant later.
    func waitForProjection() async throws {
        while try await store.projectionStatus(now: clock.nowSeconds()).lagEvents > 0 {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Delivers what is due, answers new offers with partner callbacks, and says what happened.
    func deliverDue(storyEvents: Set<String>) async throws {
        let before = await peers.received.count
        try await dispatcher.drain()
        let received = await peers.received
        for request in received[before...] where Self.isStory(request.idempotencyKey, storyEvents: storyEvents) {
            print("    → \(Self.peerName(request.path)) received \(request.idempotencyKey ?? "?") (\(LedgerReport.dateTime(clock.nowSeconds())))")
        }
        for offer in await peers.newOffers() {
            guard let offerID = offer.idempotencyKey else { continue }
            for type in [PartnerCallbackType.accepted, .funded] {
                let status = try await sendCallback(type: type, offerID: offerID)
                if Self.isStory(offerID, storyEvents: storyEvents) { print("    ← sandbox partner: \(type.rawValue) (\(status))") }
            }
        }
    }

    func sendCallback(type: PartnerCallbackType, offerID: String) async throws -> Int {
        let now = clock.nowSeconds()
        let callback = PartnerCallback(id: "cb_\(offerID)_\(type.rawValue)", type: type, offerID: offerID, occurredAt: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = Array(try encoder.encode(callback))
        let replayer = WebhookReplayer(baseURL: baseURL)
        let headers = StandardWebhooksSignature.headers(id: callback.id, timestamp: now, body: body, secret: partnerSecret)
        return try await replayer.post(body: body, path: "/webhooks/partner/sandbox", headers: headers).status
    }

    func printRecoveryLog(customers: Set<String>) async throws {
        print("\n== Recovery log of the four stories (lifeline cases)")
        let all = try await store.cases(status: nil, category: nil)
        let cases = all.filter { customers.contains($0.customerID) }
        print(RecoveryLogReport.cases(cases))
        let outcomes = Dictionary(grouping: all, by: \.status).mapValues(\.count)
        print("All \(all.count) cases: " + CaseStatus.allCases.compactMap { status in
            outcomes[status].map { "\($0) \(status.rawValue)" }
        }.joined(separator: ", "))
        if let financed = cases.first(where: { $0.attributedActionKind == .financingOffer }),
           let detail = try await store.caseDetail(id: financed.id) {
            print("\n== One case in full (lifeline cases --id \(financed.id))")
            print(RecoveryLogReport.timeline(detail))
        }
    }

    static func isNoteworthy(_ event: BillingEvent) -> Bool {
        switch event.type {
        case .paymentFailed, .invoiceUncollectible, .subscriptionDeleted: true
        case .paymentSucceeded: (event.payment?.attempt ?? 1) > 1
        default: false
        }
    }

    static func describe(_ event: BillingEvent) -> String {
        let amount = event.payment.map { Money($0.amount, $0.currency).description } ?? ""
        switch event.type {
        case .paymentFailed:
            let code = event.payment?.declineCode ?? event.payment?.failureCode ?? "no code"
            return "payment of \(amount) failed (\(code))"
        case .paymentSucceeded: return "paid \(amount)"
        case .invoiceUncollectible: return "invoice \(event.invoiceID ?? "") written off"
        case .subscriptionDeleted: return "subscription cancelled (\(event.subscription?.cancellationReason?.rawValue ?? "no reason"))"
        default: return event.type.rawValue
        }
    }

    static func peerName(_ path: String) -> String {
        if path.hasPrefix("/partner") { return "financing partner" }
        if path.hasPrefix("/dunning") { return "dunning service" }
        if path.hasPrefix("/stripe") { return "Stripe invoice API" }
        return path
    }
}
