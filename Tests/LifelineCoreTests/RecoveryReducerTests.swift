import LifelineCore
import Testing

@Suite("Recovery reducer")
struct RecoveryReducerTests {
    let reducer = RecoveryReducer(policy: RecoveryPolicy())
    static let day: Int64 = 86_400
    static let start: Int64 = 1_780_000_000
    let customer = CustomerRecord(id: "cus_1", name: "Boulangerie", segment: "TPE", firstSeenAt: start - 200 * day, lastEventAt: start)

    func failure(_ id: String, invoice: String = "in_1", category: FailureCategory, decline: String? = nil, at time: Int64 = start) -> PaymentFailureRecord {
        PaymentFailureRecord(
            id: id, customerID: "cus_1", invoiceID: invoice, subscriptionID: "sub_1", paymentID: nil, amount: 4_900,
            currency: "eur", attempt: 1, failureCode: nil, declineCode: decline, adviceCode: nil, bankReasonCode: nil,
            category: category, decidedBy: "decline_code", isUnknownCode: false, nextAttemptAt: nil, occurredAt: time
        )
    }

    func invoice(_ id: String, status: InvoiceStatus = .open) -> InvoiceRecord {
        InvoiceRecord(
            id: id, customerID: "cus_1", subscriptionID: "sub_1", currency: "eur", amountDue: 4_900,
            amountPaid: status == .paid ? 4_900 : 0, amountRemaining: status == .paid ? 0 : 4_900, status: status,
            attempts: 1, dueAt: nil, paidAt: nil, createdAt: Self.start, lastEventAt: Self.start
        )
    }

    func event(_ id: String, _ type: BillingEventType, invoice: String? = "in_1", at time: Int64 = start, reason: CancellationReason? = nil) -> BillingEvent {
        BillingEvent(
            id: id, type: type, occurredAt: time, customer: CustomerInfo(id: "cus_1"),
            invoice: invoice.map { InvoiceInfo(id: $0, subscriptionID: "sub_1", currency: "eur", amountDue: 4_900, amountPaid: 0, amountRemaining: 4_900, status: .open) },
            payment: PaymentInfo(amount: 4_900, currency: "eur"),
            subscription: reason.map { SubscriptionInfo(id: "sub_1", status: .canceled, currency: "eur", items: [], cancellationReason: $0) }
        )
    }

    func ledger(_ failure: PaymentFailureRecord?) -> LedgerChanges {
        var changes = LedgerChanges(customer: customer)
        changes.failure = failure
        return changes
    }

    /// Opens a case on a technical failure and returns it with its actions.
    func openTechnicalCase() -> (RecoveryCase, [RecoveryAction]) {
        let first = failure("evt_1", category: .technical)
        let state = RecoveryState(customer: customer, invoices: [invoice("in_1")], customerMRR: 4_900)
        let changes = reducer.apply(event("evt_1", .paymentFailed), ledger: ledger(first), state: state, now: Self.start)
        return (changes.cases[0], changes.newActions)
    }

    @Test func aFailureOpensACaseWithItsPlan() {
        let (recoveryCase, actions) = openTechnicalCase()
        #expect(recoveryCase.status == .open)
        #expect(recoveryCase.category == .technical)
        #expect(recoveryCase.mrrAtRisk == 4_900)
        #expect(recoveryCase.amountDue == 4_900)
        #expect(actions.map(\.kind).contains(.retryPayment))
        #expect(actions.allSatisfy { $0.status == .pending && $0.caseID == recoveryCase.id })
        #expect(actions.allSatisfy { $0.dueAt >= Self.start })
    }

    @Test func aBetterDiagnosisBeforeAnyDeliveryReplansTheCase() {
        let (recoveryCase, actions) = openTechnicalCase()
        #expect(actions.map(\.id) == ["act_evt_1_technical-retry_first-retry", "act_evt_1_technical-retry_second-retry", "act_evt_1_technical-retry_reminder"])
        let enriched = failure("evt_1", category: .cashFlow, decline: "insufficient_funds")
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [invoice("in_1")], customerMRR: 4_900)
        let now = Self.start + 5
        let changes = reducer.apply(event("evt_2", .paymentFailed), ledger: ledger(enriched), state: state, now: now)
        let replanned = changes.cases.first
        #expect(replanned?.id == recoveryCase.id)
        #expect(replanned?.category == .cashFlow)
        #expect(replanned?.status == .open)
        #expect(Set(changes.cancelledActionIDs) == Set(actions.map(\.id)))
        // Insufficient funds on a 200-day customer scores 50, the financing threshold: the shipped
        // playbook's cash-flow-financing plan, due from the replan's time (no payday history).
        #expect(replanned?.stressScore == 50)
        let expected = [
            Planned(id: "act_evt_1_cash-flow-financing_offer", kind: .financingOffer, target: "sandbox", dueAt: now, parameters: ["terms": "instalments_3"]),
            Planned(id: "act_evt_1_cash-flow-financing_plan-email", kind: .dunningEmail, target: nil, dueAt: now + 2 * Self.day,
                    parameters: ["template": "payment_plan", "step": "1"]),
            Planned(id: "act_evt_1_cash-flow-financing_payday-retry", kind: .retryPayment, target: nil, dueAt: now + 5 * Self.day, parameters: [:]),
        ]
        #expect(changes.newActions.map(Planned.init) == expected)
        #expect(changes.newActions.allSatisfy { $0.status == .pending && $0.caseID == recoveryCase.id && $0.createdAt == now })
        #expect(changes.timeline.contains {
            $0.kind == "action" && $0.summary == "cancelled 3 pending actions (retry_payment, retry_payment, dunning_email): category changed to cash_flow"
        })
    }

    /// An action as the plan is compared: which step, where to, when.
    struct Planned: Equatable, CustomStringConvertible {
        var id: String
        var kind: ActionKind
        var target: String?
        var dueAt: Int64
        var parameters: [String: String]
        init(id: String, kind: ActionKind, target: String?, dueAt: Int64, parameters: [String: String]) {
            self.id = id
            self.kind = kind
            self.target = target
            self.dueAt = dueAt
            self.parameters = parameters
        }
        init(_ action: RecoveryAction) {
            self.init(id: action.id, kind: action.kind, target: action.target, dueAt: action.dueAt, parameters: action.parameters)
        }
        var description: String { "\(id) \(kind.rawValue) \(target ?? "-") @\(dueAt) \(parameters)" }
    }

    @Test func aBetterDiagnosisAfterADeliveryKeepsThePlan() {
        var (recoveryCase, actions) = openTechnicalCase()
        // The first retry went out: the case is acting, and what was sent cannot be unsent.
        recoveryCase.status = .acting
        recoveryCase.actingAt = Self.start + Self.day
        actions[0].status = .delivered
        actions[0].deliveredAt = Self.start + Self.day
        let enriched = failure("evt_1", category: .cashFlow, decline: "insufficient_funds")
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [invoice("in_1")], customerMRR: 4_900)
        let changes = reducer.apply(event("evt_2", .paymentFailed), ledger: ledger(enriched), state: state, now: Self.start + Self.day + 5)
        #expect(changes.cases.first?.id == recoveryCase.id)
        #expect(changes.cases.first?.category == .technical)
        #expect(changes.cases.first?.status == .acting)
        #expect(changes.cancelledActionIDs.isEmpty)
        #expect(changes.newActions.isEmpty)
        #expect(changes.timeline.map(\.summary) == ["failure report enriched: insufficient_funds → cash_flow"])
    }

    @Test("a failure reported after its invoice was settled opens no case", arguments: [InvoiceStatus.void, .uncollectible, .paid])
    func lateFailureOnASettledInvoice(_ settled: InvoiceStatus) {
        var changes = ledger(failure("evt_late", category: .cashFlow, decline: "insufficient_funds", at: Self.start + 10 * Self.day))
        changes.invoice = invoice("in_1", status: settled)
        let state = RecoveryState(customer: customer, invoices: [invoice("in_1", status: settled)], customerMRR: 4_900)
        let result = reducer.apply(event("evt_late", .paymentFailed, at: Self.start + 10 * Self.day), ledger: changes, state: state, now: Self.start + 10 * Self.day)
        #expect(result == RecoveryChanges(), "\(settled)")
        // The same failure while the invoice is open opens its case.
        changes.invoice = invoice("in_1")
        let open = RecoveryState(customer: customer, invoices: [invoice("in_1")], customerMRR: 4_900)
        #expect(reducer.apply(event("evt_late", .paymentFailed, at: Self.start + 10 * Self.day), ledger: changes, state: open, now: Self.start + 10 * Self.day).cases.count == 1)
    }

    @Test func aSecondFailureJoinsTheRunningCase() {
        let (recoveryCase, actions) = openTechnicalCase()
        let second = failure("evt_2", invoice: "in_2", category: .technical, at: Self.start + 30 * Self.day)
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [invoice("in_1"), invoice("in_2")], customerMRR: 4_900)
        let changes = reducer.apply(event("evt_2", .paymentFailed, invoice: "in_2"), ledger: ledger(second), state: state, now: Self.start + 30 * Self.day)
        #expect(changes.cases.first?.id == recoveryCase.id)
        #expect(changes.cases.first?.invoiceIDs == ["in_1", "in_2"])
        #expect(changes.cases.first?.amountDue == 9_800)
        #expect(changes.newActions.isEmpty)
    }

    @Test func payingOneOfTwoInvoicesKeepsTheCaseRunning() {
        var (recoveryCase, actions) = openTechnicalCase()
        recoveryCase.invoiceIDs = ["in_1", "in_2"]
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [invoice("in_1", status: .paid), invoice("in_2")])
        let changes = reducer.apply(event("evt_3", .paymentSucceeded), ledger: ledger(nil), state: state, now: Self.start)
        #expect(changes.cases.first?.status == .open)
        #expect(changes.cases.first?.amountDue == 4_900)
        #expect(changes.cancelledActionIDs.isEmpty)
    }

    @Test("ends", arguments: [
        (BillingEventType.invoiceUncollectible, CancellationReason?.none, CaseStatus.lost),
        (.subscriptionDeleted, .paymentFailed, .lost),
        (.invoiceVoided, nil, .closed),
        (.paymentSucceeded, nil, .recovered),
    ])
    func ends(type: BillingEventType, reason: CancellationReason?, expected: CaseStatus) {
        let (recoveryCase, actions) = openTechnicalCase()
        let paid = type == .paymentSucceeded ? invoice("in_1", status: .paid) : invoice("in_1", status: type == .invoiceVoided ? .void : .open)
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [paid])
        let changes = reducer.apply(event("evt_end", type, reason: reason), ledger: ledger(nil), state: state, now: Self.start + 10)
        #expect(changes.cases.first?.status == expected)
        #expect(Set(changes.cancelledActionIDs) == Set(actions.map(\.id)))
    }

    @Test func voluntaryCancellationDoesNotLoseTheCase() {
        let (recoveryCase, actions) = openTechnicalCase()
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions)
        let changes = reducer.apply(event("evt_end", .subscriptionDeleted, reason: .requested), ledger: ledger(nil), state: state, now: Self.start)
        #expect(changes.isEmpty)
    }

    @Test func savingGoesToTheLastActionDeliveredBeforeThePayment() {
        var (recoveryCase, actions) = openTechnicalCase()
        recoveryCase.status = .acting
        for index in actions.indices {
            actions[index].status = .delivered
            actions[index].deliveredAt = Self.start + Int64(index + 1) * Self.day
        }
        let paidAt = Self.start + Int64(actions.count) * Self.day - 1
        let state = RecoveryState(customer: customer, runningCases: [recoveryCase], caseActions: actions, invoices: [invoice("in_1", status: .paid)])
        let changes = reducer.apply(event("evt_paid", .paymentSucceeded, at: paidAt), ledger: ledger(nil), state: state, now: paidAt)
        let expected = actions[actions.count - 2]
        #expect(changes.cases.first?.attributedActionID == expected.id)
        #expect(changes.cases.first?.attributedActionKind == expected.kind)
    }
}

/// Stores skip loads by what `EventPipeline` declares (`recoveryEventTypes`, `RecoveryReads`): the reducer must decide the same
/// without what they skip.
@Suite("Recovery reducer inputs")
struct RecoveryReducerInputTests {
    let base = RecoveryReducerTests()

    @Test(arguments: BillingEventType.allCases)
    func whatStoresSkipChangesNothing(_ type: BillingEventType) {
        let (running, actions) = base.openTechnicalCase()
        let failure = base.failure("evt_2", invoice: "in_1", category: .cashFlow, decline: "insufficient_funds")
        var paid = base.invoice("in_0", status: .paid)
        paid.paidAt = RecoveryReducerTests.start - 30 * RecoveryReducerTests.day
        let full = RecoveryState(
            customer: base.customer, runningCases: [running], caseActions: actions,
            pastFailures: [base.failure("evt_0", invoice: "in_0", category: .cashFlow, at: RecoveryReducerTests.start - 40 * RecoveryReducerTests.day)],
            invoices: [base.invoice("in_1"), paid], customerMRR: 4_900, paydays: PaydayScheduler.paydays(of: [paid])
        )
        let event = base.event("evt_2", type, reason: .paymentFailed)
        let ledger = base.ledger(RecoveryReducer.failureTypes.contains(type) ? failure : nil)
        let reference = base.reducer.apply(event, ledger: ledger, state: full, now: RecoveryReducerTests.start)

        if !RecoveryReducer.readsHistory(type) {
            var withoutHistory = full
            withoutHistory.pastFailures = []
            withoutHistory.customerMRR = 0
            withoutHistory.paydays = []
            #expect(base.reducer.apply(event, ledger: ledger, state: withoutHistory, now: RecoveryReducerTests.start) == reference, "\(type)")
        }
        if !EventPipeline.recoveryEventTypes.contains(type) {
            #expect(reference == RecoveryChanges(), "\(type) is not a recovery event type, yet changes a case")
        }
        let reads = RecoveryReads(customerID: base.customer.id, history: RecoveryReducer.readsHistory(type), currency: "eur")
        if !reads.needsCaseContext(runningCases: 0) {
            let nothingRunning = RecoveryState(customer: base.customer, invoices: full.invoices, customerMRR: 4_900)
            #expect(base.reducer.apply(event, ledger: ledger, state: nothingRunning, now: RecoveryReducerTests.start) == RecoveryChanges(), "\(type)")
        }
    }
}
