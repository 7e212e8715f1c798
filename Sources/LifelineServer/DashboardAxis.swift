/// A value axis with round ticks; it may start above zero when the movements are small
/// next to the levels (a waterfall of 2 % moves on a 100 % bar would be flat).
struct ChartAxis {
    var floor: Int64
    var top: Int64
    var ticks: [Int64]

    static func fitting(low: Int64, high: Int64, tickCount: Int64 = 4) -> ChartAxis {
        let high = max(high, 1)
        let span = max(high - low, 0)
        // Start at zero unless the running totals all sit far above it.
        var floor: Int64 = 0
        if low > 0 && span * 3 < low { floor = low - span * 2 }
        let step = niceStep(max(1, (high - floor) / tickCount))
        floor = (floor / step) * step
        let top = ((high + step - 1) / step) * step + (high % step == 0 ? step / 2 : 0)
        var ticks: [Int64] = []
        var tick = floor
        while tick <= top {
            ticks.append(tick)
            tick += step
        }
        return ChartAxis(floor: floor, top: max(top, floor + step), ticks: ticks)
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Int64) -> Int64 {
        var power: Int64 = 1
        while power * 10 <= raw { power *= 10 }
        for factor: Int64 in [1, 2, 5, 10] where power * factor >= raw { return power * factor }
        return power * 10
    }
}
