extension NRRReport {
    /// Each amount in minor units then, beside it, as a decimal amount (`…_decimal`).
    public static let csvHeader = [
        "group", "currency", "customers", "start_mrr", "start_mrr_decimal", "expansion", "expansion_decimal",
        "contraction", "contraction_decimal", "voluntary_churn", "voluntary_churn_decimal", "involuntary_churn",
        "involuntary_churn_decimal", "reactivation", "reactivation_decimal", "end_mrr", "end_mrr_decimal",
        "recovered_mrr", "recovered_mrr_decimal", "nrr_percent", "grr_percent", "nrr_recovered_points",
        "counterfactual_nrr_percent",
    ]

    /// Group rows then totals (group "all"); amounts in minor units and as decimals, ratios as
    /// percent with two decimals, empty when the cohort is empty.
    public var csv: String {
        var writer = CSVWriter(header: Self.csvHeader)
        for row in groups + totals {
            let percent: (Ratio?) -> CSVCell = { .number($0?.percent(decimals: 2)) }
            let amount: (Int64) -> [CSVCell] = { [.integer($0), .decimal($0, currency: row.currency)] }
            writer.row(
                [.text(row.group), .text(row.currency), .integer(row.customers)]
                    + amount(row.startMRR) + amount(row.flows.expansion) + amount(row.flows.contraction)
                    + amount(row.flows.voluntaryChurn) + amount(row.flows.involuntaryChurn) + amount(row.flows.reactivation)
                    + amount(row.endMRR) + amount(row.recoveredMRR)
                    + [percent(row.nrr), percent(row.grr), percent(row.nrrRecovered), percent(row.counterfactualNRR)]
            )
        }
        return writer.text
    }
}
