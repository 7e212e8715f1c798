/// Ordered recovery rules from config: the first rule whose match fits a case decides its actions.
public struct Playbook: Sendable, Equatable {
    public var rules: [PlaybookRule]

    public init(rules: [PlaybookRule]) {
        self.rules = rules
    }
}

/// One named rule: which cases it is for and what to do about them, in order.
public struct PlaybookRule: Sendable, Equatable {
    /// Unique within the playbook; shown in decisions and on the case timeline.
    public var name: String
    public var match: PlaybookMatch
    public var steps: [PlaybookStep]

    public init(name: String, match: PlaybookMatch = PlaybookMatch(), steps: [PlaybookStep]) {
        self.name = name
        self.match = match
        self.steps = steps
    }
}

/// What a case must look like for a rule to apply; nil means "any", bounds are inclusive.
public struct PlaybookMatch: Sendable, Equatable {
    public var categories: [FailureCategory]?
    public var minScore: Int?
    public var maxScore: Int?
    /// The case's amount due, in minor units of the case's currency.
    public var minAmount: Int64?
    public var maxAmount: Int64?
    public var minTenureDays: Int?
    public var maxTenureDays: Int?
    /// Customer segments (`tpe`, `pme`, …); a case without a segment never matches a list.
    public var segments: [String]?

    public init(
        categories: [FailureCategory]? = nil, minScore: Int? = nil, maxScore: Int? = nil, minAmount: Int64? = nil,
        maxAmount: Int64? = nil, minTenureDays: Int? = nil, maxTenureDays: Int? = nil, segments: [String]? = nil
    ) {
        self.categories = categories
        self.minScore = minScore
        self.maxScore = maxScore
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.minTenureDays = minTenureDays
        self.maxTenureDays = maxTenureDays
        self.segments = segments
    }
}

/// When a step is due, counted from the decision.
public enum StepSchedule: Sendable, Equatable {
    /// A fixed delay.
    case after(seconds: Int64)
    /// The customer's usual paying day of month; `fallbackSeconds` when it has no payment history.
    case payday(fallbackSeconds: Int64)
}

/// One action a rule plans.
public struct PlaybookStep: Sendable, Equatable {
    /// The step's label in config (`offer`, `first-retry` …), unique within its rule.
    public var name: String
    public var kind: ActionKind
    public var schedule: StepSchedule
    /// The financing partner's name (`partners.<name>` in config); financing offers only.
    public var partner: String?
    /// Step settings passed on to the action: `terms`, `template`, `step` …
    public var parameters: [String: String]

    public init(name: String, kind: ActionKind, schedule: StepSchedule, partner: String? = nil, parameters: [String: String] = [:]) {
        self.name = name
        self.kind = kind
        self.schedule = schedule
        self.partner = partner
        self.parameters = parameters
    }
}
