/// Report dates: `YYYY-MM-DD` (midnight UTC) or Unix seconds, in and out.
public enum ReportDate {
    /// Nil for anything else, including impossible days such as 2026-02-30.
    public static func parse(_ text: String) -> Int64? {
        let text = Substring(text).trimmed
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber) { return Int64(text) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...UTCDate.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        return UTCDate(year: year, month: month, day: day).unixSeconds()
    }

    /// "2026-11-23".
    public static func day(_ seconds: Int64) -> String {
        let date = UTCDate(unixSeconds: seconds)
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))"
    }

    /// "2026-11": a customer's cohort from its first payment.
    public static func month(_ seconds: Int64) -> String {
        let date = UTCDate(unixSeconds: seconds)
        return "\(pad(date.year, 4))-\(pad(date.month, 2))"
    }

    /// Midnight UTC of the first day of the month `offset` months after the one containing `seconds`.
    public static func monthStart(_ seconds: Int64, adding offset: Int = 0) -> Int64 {
        let date = UTCDate(unixSeconds: seconds)
        let index = date.year * 12 + (date.month - 1) + offset
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        return UTCDate(year: year, month: index - year * 12 + 1, day: 1).unixSeconds()
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
