import LifelineCore

/// The dashboard's HTML tables: cohorts, recovery by category and action, recent cases.
enum DashboardTables {
    typealias F = DashboardFormat

    static func cohorts(_ rows: [NRRFigures]) -> String {
        guard !rows.isEmpty else { return #"<p class="empty">No cohort had MRR at the start of the period.</p>"# }
        var html = "<table><thead><tr><th>Cohort (first paid)</th><th class=num>Customers</th><th class=num>Start MRR</th>"
            + "<th class=num>Expansion</th><th class=num>Churn</th><th class=num>End MRR</th><th class=num>NRR</th>"
            + "<th class=num>GRR</th><th class=num>Recovered</th></tr></thead><tbody>"
        for row in rows {
            html += "<tr><td>\(F.escape(row.group))</td><td class=num>\(row.customers)</td>"
                + "<td class=num>\(F.money(row.startMRR, row.currency))</td>"
                + "<td class=num>\(F.money(row.flows.expansion + row.flows.reactivation, row.currency))</td>"
                + "<td class=num>\(F.money(row.churn + row.flows.contraction, row.currency))</td>"
                + "<td class=num>\(F.money(row.endMRR, row.currency))</td>"
                + "<td class=num><span class=\"pill \(tone(row.nrr))\">\(F.percent(row.nrr))</span></td>"
                + "<td class=num>\(F.percent(row.grr))</td>"
                + "<td class=num>\(row.recoveredMRR > 0 ? F.points(row.nrrRecovered) : "–")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func recovery(_ rows: [RecoveryBreakdown], title: String) -> String {
        guard !rows.isEmpty else { return #"<p class="empty">No case was opened in the period.</p>"# }
        var html = "<table><thead><tr><th>\(F.escape(title))</th><th class=num>Cases</th><th class=num>Recovered</th>"
            + "<th class=num>Lost</th><th class=num>Open</th><th class=num>Rate</th><th class=num>Median time</th></tr></thead><tbody>"
        for row in rows {
            html += "<tr><td>\(F.escape(F.label(row.key)))</td><td class=num>\(row.cases)</td><td class=num>\(row.recovered)</td>"
                + "<td class=num>\(row.lost)</td><td class=num>\(row.pending)</td>"
                + "<td class=num>\(F.percent(row.recoveryRate))</td><td class=num>\(F.duration(row.medianSecondsToRecover))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func recentCases(_ cases: [RecoveryCase], names: [String: String]) -> String {
        guard !cases.isEmpty else { return #"<p class="empty">No recovery case yet.</p>"# }
        var html = "<table><thead><tr><th>Opened</th><th>Customer</th><th>Category</th><th class=num>Stress</th>"
            + "<th class=num>MRR at risk</th><th class=num>Amount due</th><th>Status</th><th>Saved by</th><th class=num>Time</th></tr></thead><tbody>"
        for item in cases {
            let end = item.recoveredAt ?? item.lostAt ?? item.closedAt
            html += "<tr><td>\(ReportDate.day(item.openedAt))</td>"
                + "<td>\(F.escape(names[item.customerID] ?? item.customerID))</td>"
                + "<td>\(F.escape(F.label(item.category.rawValue)))</td><td class=num>\(item.stressScore)</td>"
                + "<td class=num>\(F.money(item.mrrAtRisk, item.currency))</td><td class=num>\(F.money(item.amountDue, item.currency))</td>"
                + "<td><span class=\"status \(item.status.rawValue)\">\(item.status.rawValue)</span></td>"
                + "<td>\(F.escape(item.attributedActionKind.map { F.label($0.rawValue) } ?? "–"))</td>"
                + "<td class=num>\(end.map { F.duration($0 - item.openedAt) } ?? "–")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func tone(_ ratio: Ratio?) -> String {
        guard let points = ratio?.basisPoints else { return "neutral" }
        return points >= 10_000 ? "good" : (points >= 9_500 ? "fair" : "poor")
    }
}
