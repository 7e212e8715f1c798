/// One row of the report: a group of the cohort in one currency, with its exact ratios.
public struct NRRFigures: Sendable, Hashable {
    /// Segment, cohort month, or "all".
    public var group: String
    public var currency: String
    /// Cohort members (customer × currency) in the row.
    public var customers: Int
    public var startMRR: Int64
    public var flows: MRRFlows
    public var endMRR: Int64
    /// MRR at risk of the cohort customers Lifeline saved during the period, once per customer and
    /// no more than the customer still pays at the end.
    public var recoveredMRR: Int64
    /// Σ min(end MRR, start MRR) over the members: what each kept of what it paid at the start.
    public var grossRetainedMRR: Int64

    public init(
        group: String, currency: String, customers: Int = 0, startMRR: Int64 = 0, flows: MRRFlows = MRRFlows(),
        endMRR: Int64 = 0, recoveredMRR: Int64 = 0, grossRetainedMRR: Int64? = nil
    ) {
        self.group = group
        self.currency = currency
        self.customers = customers
        self.startMRR = startMRR
        self.flows = flows
        self.endMRR = endMRR
        self.recoveredMRR = recoveredMRR
        self.grossRetainedMRR = grossRetainedMRR ?? min(startMRR, endMRR)
    }

    public var churn: Int64 { flows.voluntaryChurn + flows.involuntaryChurn }

    /// start + expansion + reactivation − contraction − churn: the numerator of NRR.
    public var retainedMRR: Int64 {
        startMRR + flows.expansion + flows.reactivation - flows.contraction - churn
    }

    /// Net revenue retention; nil for an empty cohort.
    public var nrr: Ratio? { Ratio(retainedMRR, over: startMRR) }

    /// Gross revenue retention, per customer: Σ min(end, start) / Σ start. A customer who dips
    /// and comes back within the period is retained; expansion never offsets another's loss.
    public var grr: Ratio? { Ratio(grossRetainedMRR, over: startMRR) }

    /// NRR points that recovered cases kept in (recovered / start).
    public var nrrRecovered: Ratio? { Ratio(recoveredMRR, over: startMRR) }

    /// NRR had the recovered cases churned: NRR − NRR recovered.
    public var counterfactualNRR: Ratio? { Ratio(retainedMRR - recoveredMRR, over: startMRR) }

    /// Adds a member's amounts (already in this row's currency).
    /// `grossRetained` defaults to one member's min(end, start).
    mutating func add(start: Int64, end: Int64, flows: MRRFlows, recovered: Int64, members: Int, grossRetained: Int64? = nil) {
        customers += members
        startMRR += start
        endMRR += end
        grossRetainedMRR += grossRetained ?? min(start, end)
        self.flows = self.flows + flows
        recoveredMRR += recovered
    }

    /// The same row in another currency; every amount converted on its own.
    func converted(to target: String, with rates: CurrencyRates) throws(ReportError) -> NRRFigures {
        func convert(_ amount: Int64) throws(ReportError) -> Int64 {
            try rates.convert(amount, from: currency, to: target)
        }
        return NRRFigures(
            group: group, currency: target, customers: customers, startMRR: try convert(startMRR),
            flows: MRRFlows(
                expansion: try convert(flows.expansion), contraction: try convert(flows.contraction),
                voluntaryChurn: try convert(flows.voluntaryChurn), involuntaryChurn: try convert(flows.involuntaryChurn),
                reactivation: try convert(flows.reactivation)
            ),
            endMRR: try convert(endMRR), recoveredMRR: try convert(recoveredMRR), grossRetainedMRR: try convert(grossRetainedMRR)
        )
    }
}

extension NRRFigures: Encodable {
    enum CodingKeys: String, CodingKey {
        case group, currency, customers, expansion, contraction, reactivation, nrr, grr
        case startMRR = "start_mrr"
        case voluntaryChurn = "voluntary_churn"
        case involuntaryChurn = "involuntary_churn"
        case endMRR = "end_mrr"
        case recoveredMRR = "recovered_mrr"
        case nrrRecovered = "nrr_recovered_points"
        case counterfactualNRR = "counterfactual_nrr"
    }

    /// Amounts in minor units; ratios exact, or null for an empty cohort.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: .group)
        try container.encode(currency, forKey: .currency)
        try container.encode(customers, forKey: .customers)
        try container.encode(startMRR, forKey: .startMRR)
        try container.encode(flows.expansion, forKey: .expansion)
        try container.encode(flows.contraction, forKey: .contraction)
        try container.encode(flows.voluntaryChurn, forKey: .voluntaryChurn)
        try container.encode(flows.involuntaryChurn, forKey: .involuntaryChurn)
        try container.encode(flows.reactivation, forKey: .reactivation)
        try container.encode(endMRR, forKey: .endMRR)
        try container.encode(recoveredMRR, forKey: .recoveredMRR)
        try container.encode(nrr, forKey: .nrr)
        try container.encode(grr, forKey: .grr)
        try container.encode(nrrRecovered, forKey: .nrrRecovered)
        try container.encode(counterfactualNRR, forKey: .counterfactualNRR)
    }
}
