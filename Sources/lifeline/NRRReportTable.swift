import LifelineCLI
import LifelineCore

/// `lifeline report nrr` for people: one table of groups and totals, then recovery outcomes.
enum NRRReportTable {
    static func render(_ report: NRRReport) -> String {
        let period = report.query.period
        var out = ["NRR report, cohort with MRR at \(ReportDate.day(period.from)), period [\(ReportDate.day(period.from)), \(ReportDate.day(period.to)))"]
        var table = TextTable(
            "group", "cur", "cust", "start MRR", "+expansion", "+react.", "-contr.", "-vol. churn", "-invol. churn",
            "end MRR", "NRR", "GRR", "recovered", "NRR rec.", "NRR w/o"
        )
        for row in report.groups + report.totals {
            table.add(
                row.group, row.currency.uppercased(), String(row.customers), amount(row.startMRR), amount(row.flows.expansion),
                amount(row.flows.reactivation), amount(row.flows.contraction), amount(row.flows.voluntaryChurn),
                amount(row.flows.involuntaryChurn), amount(row.endMRR), row.nrr.display(), row.grr.display(),
                amount(row.recoveredMRR), row.nrrRecovered.display(decimals: 2, suffix: " pts"), row.counterfactualNRR.display()
            )
        }
        out.append(table.render())
        if report.totals.isEmpty { out.append("No customer had MRR at the start of the period: NRR is n/a.") }

        let funnel = report.recovery.funnel
        out.append("\nRecovery (cases opened in the period): \(funnel.failures) payment failures, \(funnel.cases) cases, "
            + "\(funnel.acting) acted on, \(funnel.recovered) recovered, \(funnel.lost) lost, \(funnel.pending) still open")
        for (title, rows) in [("category", report.recovery.byCategory), ("action", report.recovery.byActionKind)] where !rows.isEmpty {
            var recovery = TextTable(title, "cases", "recovered", "lost", "closed", "open", "rate", "median time to recover")
            for row in rows {
                recovery.add(
                    row.key, String(row.cases), String(row.recovered), String(row.lost), String(row.closed), String(row.pending),
                    row.recoveryRate.display(), row.medianSecondsToRecover.map(duration) ?? "-"
                )
            }
            out.append("\n" + recovery.render())
        }
        return out.joined(separator: "\n")
    }

    /// Major units with two decimals: "1234.56".
    static func amount(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let cents = minor.magnitude % 100
        return "\(sign)\(minor.magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds < 3_600 { return "\(seconds / 60) min" }
        return seconds < 2 * 86_400 ? "\(seconds / 3_600) h" : "\(seconds / 86_400) d \(seconds % 86_400 / 3_600) h"
    }
}
