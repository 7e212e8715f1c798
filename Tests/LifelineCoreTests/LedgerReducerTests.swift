import LifelineCore
import Testing

@Suite("Ledger reducer")
struct LedgerReducerTests {
    let reducer = LedgerReducer(reasonCodes: ReasonCodeTable(
        declineCodes: ["insufficient_funds": .cashFlow, "expired_card": .paymentMethod],
        failureCodes: ["card_declined": .technical]
    ))
    let customer = CustomerInfo(id: "cus_1", name: "Boulangerie Martin", metadata: ["segment": "TPE"])

    func subscriptionEvent(_ type: BillingEventType, at time: Int64, amount: Int64, status: SubscriptionStatus = .active, reason: CancellationReason? = nil) -> BillingEvent {
        BillingEvent(
            id: "evt_\(time)", type: type, occurredAt: time, customer: customer,
            subscription: SubscriptionInfo(
                id: "sub_1", status: status, currency: "eur",
                items: [SubscriptionItem(unitAmount: amount, interval: .month)], cancellationReason: reason
            )
        )
    }

    /// Feeds events through the reducer the way a store would, keeping the state in memory.
    func replay(_ events: [BillingEvent]) -> (subscription: SubscriptionRecord?, movements: [MRRMovement], invoice: InvoiceRecord?, failures: [PaymentFailureRecord]) {
        var subscription: SubscriptionRecord?
        var customerRecord: CustomerRecord?
        var invoice: InvoiceRecord?
        var movements: [MRRMovement] = []
        var failures: [PaymentFailureRecord] = []
        for event in events {
            let state = LedgerState(
                customer: customerRecord, subscription: subscription, invoice: invoice,
                relatedFailure: failures.last, customerMRR: subscription?.mrr ?? 0, customerEverHadMRR: !movements.isEmpty
            )
            let changes = reducer.apply(event, to: state)
            customerRecord = changes.customer
            subscription = changes.subscription ?? subscription
            invoice = changes.invoice ?? invoice
            if let movement = changes.movement { movements.append(movement) }
            if let failure = changes.failure {
                if let index = failures.firstIndex(where: { $0.id == failure.id }) { failures[index] = failure } else { failures.append(failure) }
            }
        }
        return (subscription, movements, invoice, failures)
    }

    @Test func movementsFollowTheCustomerTotal() {
        let result = replay([
            subscriptionEvent(.subscriptionCreated, at: 100, amount: 4_900),
            subscriptionEvent(.subscriptionUpdated, at: 200, amount: 9_900),
            subscriptionEvent(.subscriptionUpdated, at: 300, amount: 2_900),
            subscriptionEvent(.subscriptionDeleted, at: 400, amount: 2_900, status: .canceled, reason: .paymentFailed),
            subscriptionEvent(.subscriptionCreated, at: 500, amount: 4_900),
        ])
        #expect(result.movements.map(\.kind) == [.new, .expansion, .contraction, .involuntaryChurn, .reactivation])
        #expect(result.movements.map(\.delta) == [4_900, 5_000, -7_000, -2_900, 4_900])
    }

    @Test func voluntaryCancellationIsVoluntaryChurn() {
        let result = replay([
            subscriptionEvent(.subscriptionCreated, at: 100, amount: 4_900),
            subscriptionEvent(.subscriptionDeleted, at: 200, amount: 4_900, status: .canceled, reason: .requested),
        ])
        #expect(result.movements.last?.kind == .voluntaryChurn)
        #expect(result.subscription?.mrr == 0)
        #expect(result.subscription?.cancellationReason == .requested)
    }

    @Test func pauseAndResume() {
        let result = replay([
            subscriptionEvent(.subscriptionCreated, at: 100, amount: 4_900),
            subscriptionEvent(.subscriptionPaused, at: 200, amount: 4_900),
            subscriptionEvent(.subscriptionResumed, at: 300, amount: 4_900),
        ])
        #expect(result.movements.map(\.kind) == [.new, .voluntaryChurn, .reactivation])
        #expect(result.subscription?.status == .active)
    }

    @Test func staleSnapshotDoesNotOverwriteNewerState() {
        let result = replay([
            subscriptionEvent(.subscriptionCreated, at: 100, amount: 4_900),
            subscriptionEvent(.subscriptionDeleted, at: 400, amount: 4_900, status: .canceled, reason: .requested),
            subscriptionEvent(.subscriptionUpdated, at: 300, amount: 9_900),  // arrives late
        ])
        #expect(result.subscription?.status == .canceled)
        #expect(result.subscription?.mrr == 0)
        #expect(result.movements.map(\.kind) == [.new, .voluntaryChurn])
    }

    func invoiceEvent(_ type: BillingEventType, at time: Int64, status: InvoiceStatus, attempt: Int? = nil, decline: String? = nil, paymentID: String? = nil) -> BillingEvent {
        let invoice = InvoiceInfo(
            id: "in_1", subscriptionID: "sub_1", currency: "eur", amountDue: 4_900,
            amountPaid: status == .paid ? 4_900 : 0, amountRemaining: status == .paid ? 0 : 4_900, status: status
        )
        let payment = type == .paymentFailed || type == .paymentSucceeded
            ? PaymentInfo(id: paymentID, amount: 4_900, currency: "eur", attempt: attempt, declineCode: decline) : nil
        return BillingEvent(id: "evt_in_\(time)", type: type, occurredAt: time, customer: customer, invoice: invoice, payment: payment)
    }

    @Test func paidInvoiceDoesNotReopenWhenAnOlderFailureArrivesLate() {
        let result = replay([
            invoiceEvent(.invoiceFinalized, at: 100, status: .open),
            invoiceEvent(.paymentSucceeded, at: 300, status: .paid),
            invoiceEvent(.paymentFailed, at: 200, status: .open, attempt: 1, decline: "insufficient_funds"),
        ])
        #expect(result.invoice?.status == .paid)
        #expect(result.invoice?.amountRemaining == 0)
        #expect(result.invoice?.attempts == 1)
        #expect(result.failures.count == 1)
        #expect(result.failures.first?.category == .cashFlow)
    }

    @Test("a void or uncollectible invoice never reopens when a failure arrives after it", arguments: [
        (BillingEventType.invoiceVoided, InvoiceStatus.void), (.invoiceUncollectible, .uncollectible),
    ])
    func settledInvoiceDoesNotReopenOnALateFailure(_ type: BillingEventType, _ settled: InvoiceStatus) {
        for failureAt: Int64 in [200, 400] {
            let result = replay([
                invoiceEvent(.invoiceFinalized, at: 100, status: .open),
                invoiceEvent(type, at: 300, status: settled),
                invoiceEvent(.paymentFailed, at: failureAt, status: .open, attempt: 2, decline: "insufficient_funds"),
            ])
            #expect(result.invoice?.status == settled, "failure at \(failureAt)")
            #expect(result.invoice?.lastEventAt == 300, "failure at \(failureAt)")
            #expect(result.invoice?.attempts == 2)
        }
    }

    @Test func repeatedReportsOfOneFailureAreMerged() {
        let result = replay([
            invoiceEvent(.paymentFailed, at: 100, status: .open, attempt: 1),
            invoiceEvent(.paymentFailed, at: 101, status: .open, decline: "insufficient_funds", paymentID: "pi_1"),
            invoiceEvent(.paymentFailed, at: 90_000, status: .open, attempt: 2, decline: "expired_card"),
        ])
        #expect(result.failures.count == 2)
        #expect(result.failures.map(\.category) == [.cashFlow, .paymentMethod])
        #expect(result.failures.first?.decidedBy == "decline_code")
        #expect(result.invoice?.attempts == 2)
    }

    @Test func firstPaymentSetsTheCohort() {
        let reducer = self.reducer
        let changes = reducer.apply(invoiceEvent(.paymentSucceeded, at: 1_760_000_000, status: .paid), to: LedgerState())
        #expect(changes.customer.firstPaidAt == 1_760_000_000)
        #expect(changes.customer.segment == "TPE")
    }
}

/// Stores load the subscription row only for `subscriptionTypes`; every other event must reduce
/// the same with or without it.
@Suite("Ledger reducer inputs")
struct LedgerReducerInputTests {
    @Test(arguments: BillingEventType.allCases)
    func onlySubscriptionEventsReadTheSubscriptionRow(_ type: BillingEventType) {
        let reducer = LedgerReducer(reasonCodes: ReasonCodeTable(declineCodes: ["insufficient_funds": .cashFlow]))
        let snapshot = SubscriptionInfo(id: "sub_1", status: .active, currency: "eur", items: [SubscriptionItem(unitAmount: 4_900, interval: .month)])
        let event = BillingEvent(
            id: "evt_1", type: type, occurredAt: 1_000, customer: CustomerInfo(id: "cus_1"),
            invoice: InvoiceInfo(id: "in_1", subscriptionID: "sub_1", currency: "eur", amountDue: 4_900, amountPaid: 0, amountRemaining: 4_900, status: .open, dueAt: 900),
            payment: PaymentInfo(id: "py_1", amount: 4_900, currency: "eur", attempt: 1, declineCode: "insufficient_funds"),
            subscription: snapshot
        )
        // Newer than the event and with another MRR: any read of it changes the outcome.
        let row = SubscriptionRecord(
            id: "sub_1", customerID: "cus_1", status: .active, currency: "eur", mrr: 777, snapshot: snapshot,
            cancellationReason: nil, canceledAt: nil, lastEventAt: 5_000
        )
        let without = reducer.apply(event, to: LedgerState(customerMRR: 777, customerEverHadMRR: true))
        let with = reducer.apply(event, to: LedgerState(subscription: row, customerMRR: 777, customerEverHadMRR: true))
        #expect((with != without) == LedgerReducer.subscriptionTypes.contains(type), "\(type)")
    }
}
