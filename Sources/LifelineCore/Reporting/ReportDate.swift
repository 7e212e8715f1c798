/// Report and list dates: `YYYY-MM-DD` (midnight UTC), an RFC 3339 time
/// (`2026-11-23T12:00:00Z`, `2026-11-23T13:00:00.5+01:00`) or Unix seconds (at most 11 digits,
/// before the year 5138), in; days out.
public enum ReportDate {
    /// Nil for anything else, including impossible days such as 2026-02-30.
    public static func parse(_ text: String) -> Int64? {
        if !text.isEmpty, text.count <= 11, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int64(text) }
        let characters = Array(text.utf8)
        guard characters.count >= 10, let day = self.day(characters[0..<10]) else { return nil }
        if characters.count == 10 { return day }
        return time(characters[10...], day: day)
    }

    /// `YYYY-MM-DD` as Unix seconds.
    static func day(_ text: ArraySlice<UInt8>) -> Int64? {
        let text = Array(text)
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
              let year = number(text[0..<4]), let month = number(text[5..<7]), let day = number(text[8..<10]),
              (1...12).contains(month), (1...UTCDate.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        return UTCDate(year: year, month: month, day: day).unixSeconds()
    }

    /// `THH:MM:SS[.fraction](Z|±HH:MM)` after a day (RFC 3339; a leap second counts as :59).
    static func time(_ text: ArraySlice<UInt8>, day: Int64) -> Int64? {
        let text = Array(text)
        guard text.count >= 10, text[0] == UInt8(ascii: "T") || text[0] == UInt8(ascii: "t"),
              text[3] == UInt8(ascii: ":"), text[6] == UInt8(ascii: ":"),
              let hour = number(text[1..<3]), let minute = number(text[4..<6]), let second = number(text[7..<9]),
              hour < 24, minute < 60, second <= 60
        else { return nil }
        var index = 9
        if text[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { index += 1 }
            guard index > start, index < text.count else { return nil }
        }
        var offset = 0
        switch text[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == text.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == text.count, text[index + 3] == UInt8(ascii: ":"),
                  let hours = number(text[(index + 1)..<(index + 3)]), let minutes = number(text[(index + 4)..<(index + 6)]),
                  hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (text[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        return day + Int64(hour * 3_600 + minute * 60 + min(second, 59) - offset)
    }

    /// Decimal digits only.
    static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return digits.isEmpty ? nil : value
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
