/// What moved a cohort's MRR during the period, each as a positive amount when it moved the usual way.
public struct MRRFlows: Sendable, Hashable {
    public var expansion: Int64 = 0
    public var contraction: Int64 = 0
    public var voluntaryChurn: Int64 = 0
    public var involuntaryChurn: Int64 = 0
    public var reactivation: Int64 = 0

    public init(
        expansion: Int64 = 0, contraction: Int64 = 0, voluntaryChurn: Int64 = 0,
        involuntaryChurn: Int64 = 0, reactivation: Int64 = 0
    ) {
        self.expansion = expansion
        self.contraction = contraction
        self.voluntaryChurn = voluntaryChurn
        self.involuntaryChurn = involuntaryChurn
        self.reactivation = reactivation
    }

    /// Adds one movement of a cohort customer; losses are stored as positive amounts.
    public mutating func add(_ kind: MovementKind, delta: Int64) {
        switch kind {
        case .expansion: expansion += delta
        case .contraction: contraction -= delta
        case .voluntaryChurn: voluntaryChurn -= delta
        case .involuntaryChurn: involuntaryChurn -= delta
        // A cohort customer already had MRR, so a "new" can only be MRR coming back from zero.
        case .reactivation, .new: reactivation += delta
        }
    }

    public static func + (lhs: MRRFlows, rhs: MRRFlows) -> MRRFlows {
        MRRFlows(
            expansion: lhs.expansion + rhs.expansion, contraction: lhs.contraction + rhs.contraction,
            voluntaryChurn: lhs.voluntaryChurn + rhs.voluntaryChurn,
            involuntaryChurn: lhs.involuntaryChurn + rhs.involuntaryChurn,
            reactivation: lhs.reactivation + rhs.reactivation
        )
    }
}

/// One customer's MRR in one currency over the period: a member of the starting cohort.
public struct CohortMember: Sendable, Hashable {
    public var customerID: String
    public var currency: String
    /// `mrrAfter` of the last movement before the period; always > 0 for a member.
    public var startMRR: Int64
    /// `mrrAfter` of the last movement before the period's end.
    public var endMRR: Int64
    public var flows: MRRFlows

    public init(customerID: String, currency: String, startMRR: Int64, endMRR: Int64, flows: MRRFlows) {
        self.customerID = customerID
        self.currency = currency
        self.startMRR = startMRR
        self.endMRR = endMRR
        self.flows = flows
    }
}
