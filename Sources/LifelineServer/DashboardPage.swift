import LifelineCore

/// The whole dashboard as one HTML document: inline CSS and SVG, no script, no external asset.
enum DashboardPage {
    typealias F = DashboardFormat

    static func html(_ model: DashboardModel, token: String?) -> String {
        let total = model.total
        let period = "\(ReportDate.day(model.period.from)) → \(ReportDate.day(model.period.to - 1))"
        var body = header(model, token: token, period: period)
        body += "<section class=kpis>"
            + tile("NRR", F.percent(total.nrr), "net revenue retention", tone: DashboardTables.tone(total.nrr))
            + tile("GRR", F.percent(total.grr), "gross, capped at 100 %")
            + tile("NRR recovered", F.points(total.nrrRecovered), "\(F.money(total.recoveredMRR, total.currency)) MRR saved", tone: "teal")
            + tile("NRR without Lifeline", F.percent(total.counterfactualNRR), "had those cases churned")
            + tile("Start MRR", F.money(total.startMRR, total.currency), "\(total.customers) customers in the cohort")
            + tile("End MRR", F.money(total.endMRR, total.currency), "same cohort, end of period")
            + "</section>"
        body += card("NRR waterfall", "Starting cohort, \(period). Involuntary churn is shown as it would have been; the teal bar is what Lifeline won back.", DashboardWaterfall.svg(total), wide: true)
        body += "<div class=row>"
            + card("NRR by segment", "Customer metadata, else MRR bands. Teal: points recovered. Dark ticks: published medians.", DashboardBars.segments(model.segments))
            + card("Recovery funnel", "Failures and cases opened in the period.", DashboardBars.funnel(model.recovery.funnel))
            + "</div>"
        body += card("Cohorts", "By month of first payment.", DashboardTables.cohorts(model.cohorts), wide: true)
        body += "<div class=row>"
            + card("Recovery by failure category", "Cases opened in the period.", DashboardTables.recovery(model.recovery.byCategory, title: "Category"))
            + card("Recovery by action", "Cases an action was delivered on; a case may count under several.", DashboardTables.recovery(model.recovery.byActionKind, title: "Action"))
            + "</div>"
        body += card("Recent cases", "Latest activity first.", DashboardTables.recentCases(model.recentCases, names: model.customerNames), wide: true)
        if !model.otherTotals.isEmpty {
            let others = model.otherTotals.map { "\($0.currency.uppercased()): NRR \(F.percent($0.nrr)) on \(F.money($0.startMRR, $0.currency))" }
            body += "<p class=note>Also in the cohort, not converted (no exchange rate in reports.rates): \(F.escape(others.joined(separator: "; ")))</p>"
        }
        body += "<footer>Generated \(ReportDate.day(model.generatedAt)) · amounts in \(model.currency.uppercased()), monthly · "
            + "JSON and CSV: <code>GET /api/v1/reports/nrr?from=\(ReportDate.day(model.period.from))&amp;to=\(ReportDate.day(model.period.to))&amp;format=csv</code></footer>"
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Lifeline · NRR dashboard</title><style>\(DashboardStyle.css)</style></head>
        <body><main>\(body)</main></body></html>
        """
    }

    static func header(_ model: DashboardModel, token: String?, period: String) -> String {
        let hidden = token.map { #"<input type="hidden" name="token" value="\#(F.escape($0))">"# } ?? ""
        return """
        <header><div><h1>Lifeline <span>revenue retention</span></h1><p>\(F.escape(period)) · cohort with MRR at the start</p></div>
        <form method="get" action="/dashboard">\(hidden)
        <label>From <input type="date" name="from" value="\(ReportDate.day(model.period.from))"></label>
        <label>To (excluded) <input type="date" name="to" value="\(ReportDate.day(model.period.to))"></label>
        <label>Convert to <input type="text" name="currency" size="4" maxlength="3" placeholder="\(F.escape(model.currency.uppercased()))" value="\(F.escape(model.requestedCurrency?.uppercased() ?? ""))"></label>
        <button type="submit">Show</button></form></header>
        """
    }

    static func tile(_ title: String, _ value: String, _ caption: String, tone: String = "") -> String {
        "<div class=\"tile \(tone)\"><h3>\(F.escape(title))</h3><div class=big>\(F.escape(value))</div><p>\(F.escape(caption))</p></div>"
    }

    static func card(_ title: String, _ caption: String, _ content: String, wide: Bool = false) -> String {
        "<section class=\"card\(wide ? " wide" : "")\"><h2>\(F.escape(title))</h2><p class=caption>\(F.escape(caption))</p>\(content)</section>"
    }
}
