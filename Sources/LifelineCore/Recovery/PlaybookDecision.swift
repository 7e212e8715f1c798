/// What the playbook needs to know about a case at decision time.
public struct DecisionContext: Sendable {
    public var recoveryCase: RecoveryCase
    /// From customer metadata or MRR bands; nil when unknown.
    public var segment: String?
    /// Whole days since the customer's first payment (or first sighting).
    public var tenureDays: Int
    /// Days of month (1–31) on which the customer paid before, most recent first.
    public var paydays: [Int]
    /// Decision time, Unix seconds; every step's due time counts from it.
    public var now: Int64

    public init(recoveryCase: RecoveryCase, segment: String?, tenureDays: Int, paydays: [Int], now: Int64) {
        self.recoveryCase = recoveryCase
        self.segment = segment
        self.tenureDays = tenureDays
        self.paydays = paydays
        self.now = now
    }
}

/// One action to write to the outbox, with its due time fixed.
public struct PlannedStep: Sendable, Equatable {
    /// The playbook step's label, so an action id can be derived from (case, rule, step).
    public var name: String
    public var kind: ActionKind
    /// The partner for a financing offer.
    public var target: String?
    public var parameters: [String: String]
    public var dueAt: Int64
    /// Rule, step and how its time was chosen, for the recovery log.
    public var reason: String

    public init(name: String, kind: ActionKind, target: String?, parameters: [String: String], dueAt: Int64, reason: String) {
        self.name = name
        self.kind = kind
        self.target = target
        self.parameters = parameters
        self.dueAt = dueAt
        self.reason = reason
    }
}

/// The playbook's answer for a case: which rule, why, and the actions it plans.
public struct Decision: Sendable, Equatable {
    /// nil when no rule matched (then `steps` is empty).
    public var ruleName: String?
    public var reason: String
    public var steps: [PlannedStep]

    public init(ruleName: String?, reason: String, steps: [PlannedStep]) {
        self.ruleName = ruleName
        self.reason = reason
        self.steps = steps
    }
}
