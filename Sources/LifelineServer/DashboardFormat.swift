import LifelineCore

/// Text helpers for the dashboard: escaping, compact money, percentages and durations.
enum DashboardFormat {
    /// Everything interpolated into HTML or SVG goes through this: names come from webhooks.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static func symbol(_ currency: String) -> String {
        switch currency.lowercased() {
        case "eur": "€"
        case "usd": "$"
        case "gbp": "£"
        default: currency.uppercased()
        }
    }

    /// Whole units with thin-space thousands: "12 345 €" (minor units rounded).
    static func money(_ minor: Int64, _ currency: String, signed: Bool = false) -> String {
        let units = Ratio(minor, over: 100)?.scaled(by: 1) ?? 0
        let sign = units < 0 ? "−" : (signed && units > 0 ? "+" : "")
        return "\(sign)\(grouped(units.magnitude))\u{202F}\(symbol(currency))"
    }

    /// "12.3k €", "1.2M €": for chart labels where space is short.
    static func compactMoney(_ minor: Int64, _ currency: String, signed: Bool = false) -> String {
        let units = Ratio(minor, over: 100)?.scaled(by: 1) ?? 0
        let sign = units < 0 ? "−" : (signed && units > 0 ? "+" : "")
        let magnitude = Int64(units.magnitude)
        let text: String
        switch magnitude {
        case ..<10_000: text = grouped(UInt64(magnitude))
        case ..<1_000_000: text = oneDecimal(magnitude, 1_000) + "k"
        default: text = oneDecimal(magnitude, 1_000_000) + "M"
        }
        return "\(sign)\(text)\u{202F}\(symbol(currency))"
    }

    static func oneDecimal(_ value: Int64, _ unit: Int64) -> String {
        let tenths = Ratio(value * 10, over: unit)?.scaled(by: 1) ?? 0
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "\u{2009}" }
            out.append(digit)
        }
        return out
    }

    static func percent(_ ratio: Ratio?) -> String {
        ratio.map { $0.percent(decimals: 1) + "\u{202F}%" } ?? "n/a"
    }

    static func points(_ ratio: Ratio?) -> String {
        ratio.map { "+" + $0.percent(decimals: 1) + "\u{202F}pts" } ?? "n/a"
    }

    /// "18 h", "3.5 d".
    static func duration(_ seconds: Int64?) -> String {
        guard let seconds else { return "–" }
        if seconds < 3_600 { return "\(max(1, seconds / 60)) min" }
        if seconds < 2 * 86_400 { return "\(seconds / 3_600) h" }
        return oneDecimal(seconds, 86_400) + " d"
    }

    static func label(_ key: String) -> String {
        key.replacing("_", with: " ")
    }
}
