/// Opens, joins and ends recovery cases and plans their actions: pure, run by the store in the
/// same transaction as the event, so an action exists exactly when its cause does.
public struct RecoveryReducer: Sendable {
    public var policy: RecoveryPolicy
    /// False while applying history: cases open and end as they did, but no action is planned.
    var plansActions = true

    public init(policy: RecoveryPolicy) {
        self.policy = policy
    }

    /// The events that may open or extend a case; the others only move running cases.
    public static let failureTypes: Set<BillingEventType> = [.paymentFailed, .paymentChargedBack, .disputeOpened]

    /// Whether `apply` reads the customer's past failures, MRR and paydays: only to score and
    /// plan a case, so only for a failure. Stores load them for these events alone.
    public static func readsHistory(_ type: BillingEventType) -> Bool {
        failureTypes.contains(type)
    }

    /// - Parameters:
    ///   - now: when Lifeline received the event; actions are scheduled from it.
    ///   - mayPlan: false for history (`EventPipeline.mayAct`): the decision is recorded, no action planned.
    public func apply(_ event: BillingEvent, ledger: LedgerChanges, state: RecoveryState, now: Int64, mayPlan: Bool = true) -> RecoveryChanges {
        var reducer = self
        reducer.plansActions = mayPlan
        return reducer.reduce(event, ledger: ledger, state: state, now: now)
    }

    func reduce(_ event: BillingEvent, ledger: LedgerChanges, state: RecoveryState, now: Int64) -> RecoveryChanges {
        var changes = RecoveryChanges()
        switch event.type {
        case _ where Self.failureTypes.contains(event.type):
            guard let failure = ledger.failure else { break }
            // A payment failure reported after its invoice was settled (paid, voided, written
            // off: the ledger keeps it so) leaves nothing to collect: no case opens or grows.
            if event.type == .paymentFailed, let invoice = ledger.invoice, LedgerReducer.isSettled(invoice.status) { break }
            handleFailure(failure, event: event, ledger: ledger, state: state, now: now, into: &changes)
        case .paymentSucceeded:
            if let invoiceID = event.invoiceID { handlePayment(invoiceID: invoiceID, event: event, state: state, into: &changes) }
        case .invoiceUncollectible:
            if let invoiceID = event.invoiceID, let running = runningCase(containing: invoiceID, state) {
                end(running, as: .lost, at: event.occurredAt, why: "invoice \(invoiceID) marked uncollectible", event: event, state: state, into: &changes)
            }
        case .invoiceVoided:
            if let invoiceID = event.invoiceID, let running = runningCase(containing: invoiceID, state) {
                handleVoid(invoiceID: invoiceID, in: running, event: event, state: state, into: &changes)
            }
        case .subscriptionDeleted:
            if event.subscription?.cancellationReason == .paymentFailed, let currency = event.currency,
               let running = state.runningCases.first(where: { $0.currency == currency }) {
                end(running, as: .lost, at: event.occurredAt, why: "subscription \(event.subscriptionID ?? "?") cancelled for non-payment", event: event, state: state, into: &changes)
            }
        default:
            break
        }
        return changes
    }

    func runningCase(containing invoiceID: String, _ state: RecoveryState) -> RecoveryCase? {
        state.runningCases.first { $0.invoiceIDs.contains(invoiceID) }
    }

    /// Ends a case and cancels whatever it still had planned.
    func end(_ recoveryCase: RecoveryCase, as status: CaseStatus, at time: Int64, why: String, event: BillingEvent, state: RecoveryState, into changes: inout RecoveryChanges) {
        var ended = recoveryCase
        ended.status = status
        switch status {
        case .recovered: ended.recoveredAt = time
        case .lost: ended.lostAt = time
        case .closed: ended.closedAt = time
        case .open, .acting: break
        }
        ended.updatedAt = time
        changes.cases.append(ended)
        cancelPending(of: ended, because: why, at: time, state: state, into: &changes)
        changes.timeline.append(TimelineEntry(caseID: ended.id, at: time, kind: "status", summary: "\(status.rawValue): \(why)", reference: event.id))
    }

    func cancelPending(of recoveryCase: RecoveryCase, because why: String, at time: Int64, state: RecoveryState, into changes: inout RecoveryChanges) {
        let pending = state.caseActions.filter { $0.caseID == recoveryCase.id && ($0.status == .pending || $0.status == .leased) }
        guard !pending.isEmpty else { return }
        changes.cancelledActionIDs += pending.map(\.id)
        changes.timeline.append(TimelineEntry(
            caseID: recoveryCase.id, at: time, kind: "action",
            summary: "cancelled \(pending.count) pending action\(pending.count == 1 ? "" : "s") (\(pending.map(\.kind.rawValue).joined(separator: ", "))): \(why)"
        ))
    }
}
