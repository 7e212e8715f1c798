import LifelineCore

/// The NRR waterfall: start → +expansion → +reactivation → −contraction → −voluntary churn →
/// −involuntary churn as it would have been → +recovered by Lifeline → end, as inline SVG.
enum DashboardWaterfall {
    struct Step {
        var label: [String]
        var amount: Int64
        var color: String
        /// Start and end are levels; the others move the running total.
        var isLevel: Bool
    }

    static func steps(_ total: NRRFigures) -> [Step] {
        let flows = total.flows
        return [
            Step(label: ["Start MRR"], amount: total.startMRR, color: "#52667f", isLevel: true),
            Step(label: ["Expansion"], amount: flows.expansion, color: "#2e9d6a", isLevel: false),
            Step(label: ["Reactivation"], amount: flows.reactivation, color: "#6cc196", isLevel: false),
            Step(label: ["Contraction"], amount: -flows.contraction, color: "#e8833a", isLevel: false),
            Step(label: ["Voluntary", "churn"], amount: -flows.voluntaryChurn, color: "#d64545", isLevel: false),
            // Shown as it would have been without Lifeline, so the recovered bar gives it back.
            Step(label: ["Involuntary churn", "before recovery"], amount: -(flows.involuntaryChurn + total.recoveredMRR), color: "#9b1c1c", isLevel: false),
            Step(label: ["Recovered", "by Lifeline"], amount: total.recoveredMRR, color: "#0f9b9b", isLevel: false),
            Step(label: ["End MRR"], amount: total.retainedMRR, color: "#2f6fde", isLevel: true),
        ]
    }

    static func svg(_ total: NRRFigures) -> String {
        guard total.startMRR > 0 else {
            return #"<p class="empty">No customer had MRR at the start of the period: there is no cohort to follow.</p>"#
        }
        let steps = steps(total)
        var levels: [(low: Int64, high: Int64)] = []
        var running: Int64 = 0
        for step in steps {
            if step.isLevel {
                running = step.amount
                levels.append((0, step.amount))
            } else {
                let next = running + step.amount
                levels.append((min(running, next), max(running, next)))
                running = next
            }
        }
        // Level bars start at zero; the floor is chosen from the running totals only.
        let lowest = zip(steps, levels).map { $0.isLevel ? $1.high : $1.low }.min() ?? 0
        let highest = levels.map(\.high).max() ?? 1
        let axis = ChartAxis.fitting(low: lowest, high: highest)

        let width = 1000.0, height = 360.0, left = 78.0, right = 990.0, top = 34.0, bottom = 282.0
        let slot = (right - left) / Double(steps.count)
        let barWidth = slot * 0.62
        func y(_ value: Int64) -> Double { bottom - Double(value - axis.floor) / Double(axis.top - axis.floor) * (bottom - top) }

        var svg = #"<svg viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="NRR waterfall" class="chart">"#
        for tick in axis.ticks {
            let tickY = y(tick)
            svg += #"<line x1="\#(left)" x2="\#(right)" y1="\#(tickY)" y2="\#(tickY)" class="grid"/>"#
            svg += #"<text x="\#(left - 8)" y="\#(tickY + 4)" class="axis" text-anchor="end">\#(DashboardFormat.escape(DashboardFormat.compactMoney(tick, total.currency)))</text>"#
        }
        for (index, step) in steps.enumerated() {
            let x = left + slot * Double(index) + (slot - barWidth) / 2
            let level = levels[index]
            let low = max(level.low, axis.floor)
            let barTop = y(level.high)
            let barHeight = max(1.5, y(low) - barTop)
            svg += #"<rect x="\#(x)" y="\#(barTop)" width="\#(barWidth)" height="\#(barHeight)" rx="3" fill="\#(step.color)"/>"#
            if step.isLevel && axis.floor > 0 {
                // The axis does not start at zero: a break mark says so on the level bars.
                svg += #"<path d="M\#(x - 3) \#(bottom - 9) l\#(barWidth + 6) -6 M\#(x - 3) \#(bottom - 3) l\#(barWidth + 6) -6" class="break"/>"#
            }
            if index + 1 < steps.count {
                let nextX = left + slot * Double(index + 1) + (slot - barWidth) / 2
                let levelY = y(step.isLevel ? step.amount : (step.amount >= 0 ? level.high : level.low))
                svg += #"<line x1="\#(x + barWidth)" x2="\#(nextX)" y1="\#(levelY)" y2="\#(levelY)" class="connector"/>"#
            }
            let value = step.isLevel
                ? DashboardFormat.compactMoney(step.amount, total.currency)
                : DashboardFormat.compactMoney(step.amount, total.currency, signed: true)
            svg += #"<text x="\#(x + barWidth / 2)" y="\#(barTop - 7)" class="value" text-anchor="middle">\#(DashboardFormat.escape(value))</text>"#
            for (line, text) in step.label.enumerated() {
                svg += #"<text x="\#(x + barWidth / 2)" y="\#(bottom + 20 + Double(line) * 15)" class="label" text-anchor="middle">\#(DashboardFormat.escape(text))</text>"#
            }
        }
        svg += #"<line x1="\#(left)" x2="\#(right)" y1="\#(bottom)" y2="\#(bottom)" class="baseline"/>"#
        if axis.floor > 0 {
            svg += #"<text x="\#(right)" y="\#(height - 8)" class="axis" text-anchor="end">axis starts at \#(DashboardFormat.escape(DashboardFormat.compactMoney(axis.floor, total.currency))) so small movements stay visible</text>"#
        }
        return svg + "</svg>"
    }
}
