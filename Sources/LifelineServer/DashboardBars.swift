import LifelineCore

/// Horizontal bar charts: NRR by segment (with the points recovered) and the recovery funnel.
enum DashboardBars {
    /// Published medians quoted in the design notes: ~97 % SMB, ~108 % mid-market, ~118 % enterprise.
    static let benchmarks: [String: Int64] = ["TPE": 9_700, "PME": 9_700, "mid-market": 10_800, "enterprise": 11_800]

    static let teal = "#0f9b9b"

    static func segments(_ rows: [NRRFigures]) -> String {
        let rows = rows.filter { $0.startMRR > 0 }
        guard !rows.isEmpty else { return #"<p class="empty">No segment had MRR at the start of the period.</p>"# }
        let values = rows.flatMap { [$0.nrr?.basisPoints ?? 0, $0.counterfactualNRR?.basisPoints ?? 0] }
            + rows.compactMap { benchmarks[$0.group] }
        let rawLow = max(0, min(8_000, (values.min() ?? 8_000) - 500))
        let rawHigh = max(12_000, (values.max() ?? 12_000) + 1_500)
        let step: Int64 = rawHigh - rawLow > 6_000 ? 2_000 : 1_000
        let low = rawLow / step * step
        let high = (rawHigh + step - 1) / step * step
        let width = 620.0, left = 118.0, right = 450.0, rowHeight = 46.0, top = 16.0
        let height = top + rowHeight * Double(rows.count) + 44
        func x(_ basisPoints: Int64) -> Double {
            left + Double(min(max(basisPoints, low), high) - low) / Double(high - low) * (right - left)
        }
        var svg = #"<svg viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="NRR by segment" class="chart">"#
        var tick = low
        while tick <= high {
            svg += #"<line x1="\#(x(tick))" x2="\#(x(tick))" y1="\#(top - 6)" y2="\#(height - 34)" class="grid"/>"#
            svg += #"<text x="\#(x(tick))" y="\#(height - 18)" class="axis" text-anchor="middle">\#(tick / 100) %</text>"#
            tick += step
        }
        for (index, row) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let nrr = row.nrr?.basisPoints ?? 0
            let without = row.counterfactualNRR?.basisPoints ?? nrr
            let color = nrr >= 10_000 ? "#2e9d6a" : "#e8833a"
            svg += #"<text x="\#(left - 10)" y="\#(y + 17)" class="label strong" text-anchor="end">\#(DashboardFormat.escape(row.group))</text>"#
            svg += #"<text x="\#(left - 10)" y="\#(y + 32)" class="axis" text-anchor="end">\#(row.customers) customers</text>"#
            svg += #"<rect x="\#(x(low))" y="\#(y + 6)" width="\#(max(1, x(without) - x(low)))" height="24" rx="3" fill="\#(color)"/>"#
            if nrr > without {
                svg += #"<rect x="\#(x(without))" y="\#(y + 6)" width="\#(max(1.5, x(nrr) - x(without)))" height="24" fill="\#(teal)"><title>recovered by Lifeline</title></rect>"#
            }
            if let benchmark = benchmarks[row.group] {
                svg += #"<line x1="\#(x(benchmark))" x2="\#(x(benchmark))" y1="\#(y + 1)" y2="\#(y + 35)" class="benchmark"><title>published median \#(benchmark / 100) %</title></line>"#
            }
            var label = DashboardFormat.percent(row.nrr)
            if row.recoveredMRR > 0 { label += "  (" + DashboardFormat.points(row.nrrRecovered) + ")" }
            // Right of the bar and of the benchmark tick, so neither hides the figure.
            let labelX = max(x(max(nrr, without)), benchmarks[row.group].map(x) ?? 0) + 8
            svg += #"<text x="\#(min(labelX, right + 6))" y="\#(y + 23)" class="value">\#(DashboardFormat.escape(label))</text>"#
        }
        svg += #"<line x1="\#(x(10_000))" x2="\#(x(10_000))" y1="\#(top - 10)" y2="\#(height - 30)" class="hundred"/>"#
        return svg + "</svg>"
    }

    static func funnel(_ funnel: RecoveryFunnel) -> String {
        let stages: [(String, Int, String)] = [
            ("Payment failures", funnel.failures, "#52667f"),
            ("Cases opened", funnel.cases, "#6b7f99"),
            ("Acted on", funnel.acting, "#2f6fde"),
            ("Recovered", funnel.recovered, teal),
            ("Lost", funnel.lost, "#d64545"),
            ("Still open", funnel.pending, "#b8c2cc"),
        ]
        let largest = max(1, stages.map(\.1).max() ?? 1)
        let width = 620.0, left = 140.0, right = 420.0, rowHeight = 40.0
        let height = rowHeight * Double(stages.count) + 8
        var svg = #"<svg viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="Recovery funnel" class="chart">"#
        for (index, stage) in stages.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let barWidth = max(2, Double(stage.1) / Double(largest) * (right - left))
            let x = left + (right - left - barWidth) / 2
            svg += #"<text x="\#(left - 10)" y="\#(y + 21)" class="label strong" text-anchor="end">\#(stage.0)</text>"#
            svg += #"<rect x="\#(x)" y="\#(y + 4)" width="\#(barWidth)" height="26" rx="3" fill="\#(stage.2)"/>"#
            var value = "\(stage.1)"
            if index >= 2, funnel.cases > 0, let share = Ratio(Int64(stage.1), over: Int64(funnel.cases)) {
                value += " · " + DashboardFormat.percent(share) + " of cases"
            }
            svg += #"<text x="\#(right + 10)" y="\#(y + 21)" class="value">\#(value)</text>"#
        }
        return svg + "</svg>"
    }
}
