extension Money {
    /// Currencies whose minor unit is not the hundredth, as billing providers count them
    /// (Stripe's zero-decimal and three-decimal currencies); every other has two digits.
    public static func minorUnitDigits(_ currency: String) -> Int {
        let code = currency.lowercased()
        if zeroDecimal.contains(code) { return 0 }
        if threeDecimal.contains(code) { return 3 }
        return 2
    }

    static let zeroDecimal: Set<String> = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ]
    static let threeDecimal: Set<String> = ["bhd", "jod", "kwd", "omr", "tnd"]

    /// The amount in major units with the currency's digits and no symbol: `-12.50`, `4900`
    /// (JPY), `1.234` (KWD). What a spreadsheet reads as a number.
    public var decimalText: String {
        let digits = Self.minorUnitDigits(currency)
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        guard digits > 0 else { return sign + String(magnitude) }
        var divisor: UInt64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return sign + String(magnitude / divisor) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

extension UTCDate {
    /// `2026-11-23T12:00:00Z`: ISO 8601 / RFC 3339 in UTC, for exports.
    public static func iso8601(_ seconds: Int64) -> String {
        let date = UTCDate(unixSeconds: seconds)
        let secondOfDay = ((seconds % secondsPerDay) + secondsPerDay) % secondsPerDay
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let time = "\(pad(Int(secondOfDay / 3_600), 2)):\(pad(Int(secondOfDay % 3_600 / 60), 2)):\(pad(Int(secondOfDay % 60), 2))"
        return "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))T\(time)Z"
    }
}
