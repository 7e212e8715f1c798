/// Everything the report reads, as plain values: the store fetches it, the core computes.
public struct ReportInput: Sendable {
    /// Movements before the period's end, oldest first (ties in ledger order).
    public var movements: [MRRMovement]
    public var customers: [CustomerRecord]
    public var cases: [RecoveryCase]
    /// Kinds of the actions delivered on each case, by case id.
    public var deliveredActionKinds: [String: Set<ActionKind>]
    /// When each payment failure happened: the first step of the recovery funnel.
    public var failureTimes: [Int64]

    public init(
        movements: [MRRMovement], customers: [CustomerRecord], cases: [RecoveryCase] = [],
        deliveredActionKinds: [String: Set<ActionKind>] = [:], failureTimes: [Int64] = []
    ) {
        self.movements = movements
        self.customers = customers
        self.cases = cases
        self.deliveredActionKinds = deliveredActionKinds
        self.failureTimes = failureTimes
    }
}
