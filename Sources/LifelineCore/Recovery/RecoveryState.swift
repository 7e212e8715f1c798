/// What the recovery reducer needs to know beyond the event and its ledger changes.
public struct RecoveryState: Sendable {
    public var customer: CustomerRecord
    /// The customer's cases that are still running (open or acting), any currency.
    public var runningCases: [RecoveryCase]
    /// Actions of those cases.
    public var caseActions: [RecoveryAction]
    /// The customer's earlier failures, newest first.
    public var pastFailures: [PaymentFailureRecord]
    /// The customer's invoices, as the ledger holds them after this event.
    public var invoices: [InvoiceRecord]
    /// The customer's MRR in the event's currency after this event.
    public var customerMRR: Int64
    /// Days of month (UTC) on which the customer paid, most recent first.
    public var paydays: [Int]

    public init(
        customer: CustomerRecord, runningCases: [RecoveryCase] = [], caseActions: [RecoveryAction] = [],
        pastFailures: [PaymentFailureRecord] = [], invoices: [InvoiceRecord] = [], customerMRR: Int64 = 0,
        paydays: [Int] = []
    ) {
        self.customer = customer
        self.runningCases = runningCases
        self.caseActions = caseActions
        self.pastFailures = pastFailures
        self.invoices = invoices
        self.customerMRR = customerMRR
        self.paydays = paydays
    }
}

/// What to write after one event: the case, the outbox, the timeline.
public struct RecoveryChanges: Sendable, Equatable {
    public var cases: [RecoveryCase] = []
    public var newActions: [RecoveryAction] = []
    public var cancelledActionIDs: [String] = []
    public var timeline: [TimelineEntry] = []

    public init() {}

    public var isEmpty: Bool { cases.isEmpty && newActions.isEmpty && cancelledActionIDs.isEmpty && timeline.isEmpty }
}

/// The stress weights and playbook the reducer decides with.
public struct RecoveryPolicy: Sendable {
    public var weights: StressWeights
    public var playbook: Playbook
    /// Events heard of longer than this after they happened build history but plan no action.
    public var actionHorizonSeconds: Int64

    public init(weights: StressWeights = StressWeights(), playbook: Playbook = .default, actionHorizonSeconds: Int64 = 72 * 3_600) {
        self.weights = weights
        self.playbook = playbook
        self.actionHorizonSeconds = actionHorizonSeconds
    }
}
