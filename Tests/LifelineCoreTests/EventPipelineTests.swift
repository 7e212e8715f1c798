import LifelineCore
import Testing

@Suite("Event pipeline")
struct EventPipelineTests {
    let base = RecoveryReducerTests()
    let pipeline = EventPipeline(
        ledger: LedgerReducer(reasonCodes: ReasonCodeTable()), recovery: RecoveryReducer(policy: RecoveryPolicy())
    )
    static let start = RecoveryReducerTests.start

    @Test func onlyLiveAndReplayedEventsWithinTheHorizonMayAct() {
        let horizon = EventPipeline.defaultActionHorizonSeconds
        #expect(pipeline.mayAct(origin: .live, occurredAt: Self.start, receivedAt: Self.start + horizon))
        #expect(pipeline.mayAct(origin: .replay, occurredAt: Self.start, receivedAt: Self.start))
        #expect(!pipeline.mayAct(origin: .live, occurredAt: Self.start, receivedAt: Self.start + horizon + 1))
        #expect(!pipeline.mayAct(origin: .replay, occurredAt: Self.start - 730 * 86_400, receivedAt: Self.start))
        #expect(!pipeline.mayAct(origin: .import, occurredAt: Self.start, receivedAt: Self.start))
    }

    @Test func historyOpensTheCaseAndPlansNothing() {
        let failure = base.failure("evt_1", category: .cashFlow, decline: "insufficient_funds")
        let loaded = RecoveryLoad(invoices: [base.invoice("in_1")], customerMRR: 4_900)
        let event = base.event("evt_1", .paymentFailed)
        let live = pipeline.finish(event, origin: .live, receivedAt: Self.start, ledger: base.ledger(failure), recovery: loaded)
        let imported = pipeline.finish(event, origin: .import, receivedAt: Self.start, ledger: base.ledger(failure), recovery: loaded)
        #expect(!live.recovery.newActions.isEmpty)
        #expect(imported.recovery.newActions.isEmpty)
        #expect(imported.recovery.cases.map(\.id) == live.recovery.cases.map(\.id))
        #expect(imported.recovery.timeline.contains { $0.kind == "decision" && $0.summary.hasPrefix("history: no action planned") })
    }

    @Test func declaresWhatEachPhaseReads() {
        let failed = base.event("evt_1", .paymentFailed)
        let reads = pipeline.ledgerReads(for: failed)
        #expect(reads.customerID == "cus_1" && reads.invoiceID == "in_1" && reads.subscriptionID == nil)
        #expect(reads.relatedFailure == RelatedFailureKey(paymentID: nil, invoiceID: "in_1"))
        #expect(pipeline.recoveryReads(for: failed)?.history == true)
        #expect(pipeline.recoveryReads(for: base.event("evt_2", .invoiceCreated)) == nil)
        #expect(pipeline.recoveryReads(for: base.event("evt_3", .paymentSucceeded))?.history == false)
    }

    @Test func anUnknownReasonCodeIsNoted() {
        var failure = base.failure("evt_1", category: .technical)
        failure.isUnknownCode = true
        failure.declineCode = "weird_code"
        let changes = pipeline.finish(base.event("evt_1", .paymentFailed), origin: .live, receivedAt: Self.start, ledger: base.ledger(failure), recovery: RecoveryLoad())
        #expect(changes.notes == ["unknown reason code weird_code on evt_1: classified technical"])
    }
}
