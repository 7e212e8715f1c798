/// The one path from a logged event to every change it makes: ledger rows, the failure record,
/// case changes, planned and cancelled actions and notes. Pure; every store runs it the same
/// way in two phases, loading only what each phase declares it reads:
///
/// ```
/// let state = load(pipeline.ledgerReads(for: event))
/// let ledger = pipeline.applyLedger(event, to: state)
/// let loaded = pipeline.recoveryReads(for: event).map(load)
/// let changes = pipeline.finish(event, origin:, receivedAt:, ledger:, recovery: loaded)
/// write(changes)
/// ```
public struct EventPipeline: Sendable {
    public var ledger: LedgerReducer
    public var recovery: RecoveryReducer
    /// Events received longer than this after they happened build history but plan no action.
    public var actionHorizonSeconds: Int64

    /// 72 hours: a failure older than three days when Lifeline hears of it is history.
    public static let defaultActionHorizonSeconds: Int64 = RecoveryPolicy().actionHorizonSeconds

    public init(ledger: LedgerReducer, recovery: RecoveryReducer, actionHorizonSeconds: Int64 = EventPipeline.defaultActionHorizonSeconds) {
        self.ledger = ledger
        self.recovery = recovery
        self.actionHorizonSeconds = actionHorizonSeconds
    }

    /// The pipeline of a store: the reason-code table and the recovery policy, horizon included.
    public init(reasonCodes: ReasonCodeTable, policy: RecoveryPolicy) {
        self.init(
            ledger: LedgerReducer(reasonCodes: reasonCodes), recovery: RecoveryReducer(policy: policy),
            actionHorizonSeconds: policy.actionHorizonSeconds
        )
    }

    /// The events the recovery reducer looks at; the others change the ledger alone.
    public static let recoveryEventTypes: Set<BillingEventType> = [
        .paymentFailed, .paymentChargedBack, .disputeOpened, .paymentSucceeded,
        .invoiceUncollectible, .invoiceVoided, .subscriptionDeleted,
    ]

    /// Phase one: what the ledger reducer reads for `event`.
    public func ledgerReads(for event: BillingEvent) -> LedgerReads {
        var reads = LedgerReads(customerID: event.customer.id, invoiceID: event.invoiceID, mrrCurrency: event.subscription?.currency)
        if LedgerReducer.subscriptionTypes.contains(event.type) { reads.subscriptionID = event.subscriptionID }
        if event.type == .paymentFailed || event.type == .paymentChargedBack {
            reads.relatedFailure = RelatedFailureKey(paymentID: event.payment?.id, invoiceID: event.invoiceID)
        }
        return reads
    }

    public func applyLedger(_ event: BillingEvent, to state: LedgerState) -> LedgerChanges {
        ledger.apply(event, to: state)
    }

    /// Phase two: what the recovery reducer reads, or nil when it has nothing to do with `event`.
    public func recoveryReads(for event: BillingEvent) -> RecoveryReads? {
        guard Self.recoveryEventTypes.contains(event.type) else { return nil }
        return RecoveryReads(customerID: event.customer.id, history: RecoveryReducer.readsHistory(event.type), currency: event.currency)
    }

    /// Whether an event may lead to an action: only live and replayed events, heard of within
    /// the horizon of when they happened. Older or imported ones build history alone.
    public func mayAct(origin: EventOrigin, occurredAt: Int64, receivedAt: Int64) -> Bool {
        origin != .import && receivedAt - occurredAt <= actionHorizonSeconds
    }

    /// Applies the recovery reducer to what phase two loaded and gathers every change.
    /// - Parameter receivedAt: when the event reached the log; actions are scheduled from it, so
    ///   projecting the same log again gives the same changes.
    public func finish(
        _ event: BillingEvent, origin: EventOrigin, receivedAt: Int64, ledger changes: LedgerChanges, recovery loaded: RecoveryLoad?
    ) -> PipelineChanges {
        var result = PipelineChanges(ledger: changes)
        if let loaded {
            let state: RecoveryState
            if let reads = recoveryReads(for: event), reads.needsCaseContext(runningCases: loaded.runningCases.count) {
                state = RecoveryState(
                    customer: changes.customer, runningCases: loaded.runningCases, caseActions: loaded.caseActions,
                    pastFailures: loaded.pastFailures, invoices: loaded.invoices, customerMRR: loaded.customerMRR,
                    paydays: PaydayScheduler.paydays(of: loaded.invoices)
                )
            } else {
                state = RecoveryState(customer: changes.customer)
            }
            let mayAct = mayAct(origin: origin, occurredAt: event.occurredAt, receivedAt: receivedAt)
            result.recovery = recovery.apply(event, ledger: changes, state: state, now: receivedAt, mayPlan: mayAct)
        }
        result.notes = Self.notes(of: changes)
        return result
    }

    /// The ledger's notes, and an unknown reason code, so the table can be completed.
    public static func notes(of changes: LedgerChanges) -> [String] {
        guard let failure = changes.failure, failure.isUnknownCode else { return changes.notes }
        let code = failure.codes.failureCode ?? failure.codes.declineCode ?? failure.codes.bankReasonCode ?? "none"
        return changes.notes + ["unknown reason code \(code) on \(failure.id): classified technical"]
    }
}

/// Every change one event makes, for a store to write in the projection's transaction.
public struct PipelineChanges: Sendable, Equatable {
    public var ledger: LedgerChanges
    public var recovery: RecoveryChanges
    /// Why parts of the event were not applied, and unknown reason codes: kept on the event's row.
    public var notes: [String]

    public init(ledger: LedgerChanges, recovery: RecoveryChanges = RecoveryChanges(), notes: [String] = []) {
        self.ledger = ledger
        self.recovery = recovery
        self.notes = notes
    }
}
