extension UTCDate {
    /// `2026-10-01 07:00 UTC`, for timelines people read.
    public static func text(_ seconds: Int64) -> String {
        let date = UTCDate(unixSeconds: seconds)
        let secondOfDay = ((seconds % secondsPerDay) + secondsPerDay) % secondsPerDay
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date.year)-\(two(date.month))-\(two(date.day)) \(two(Int(secondOfDay / 3_600))):\(two(Int(secondOfDay % 3_600 / 60))) UTC"
    }
}
