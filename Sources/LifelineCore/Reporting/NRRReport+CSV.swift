extension NRRReport {
    public static let csvHeader = [
        "group", "currency", "customers", "start_mrr", "expansion", "contraction", "voluntary_churn",
        "involuntary_churn", "reactivation", "end_mrr", "recovered_mrr", "nrr_percent", "grr_percent",
        "nrr_recovered_points", "counterfactual_nrr_percent",
    ]

    /// Group rows then totals (group "all"); amounts in minor units, ratios as percent with two
    /// decimals, empty when the cohort is empty.
    public var csv: String {
        var writer = CSVWriter()
        writer.row(Self.csvHeader)
        for row in groups + totals {
            let percent: (Ratio?) -> String = { $0?.percent(decimals: 2) ?? "" }
            writer.row([
                CSVWriter.safeText(row.group), row.currency, String(row.customers), String(row.startMRR),
                String(row.flows.expansion), String(row.flows.contraction), String(row.flows.voluntaryChurn),
                String(row.flows.involuntaryChurn), String(row.flows.reactivation), String(row.endMRR),
                String(row.recoveredMRR), percent(row.nrr), percent(row.grr), percent(row.nrrRecovered),
                percent(row.counterfactualNRR),
            ])
        }
        return writer.text
    }
}
