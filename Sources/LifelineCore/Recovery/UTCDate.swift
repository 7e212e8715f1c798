/// A calendar date in UTC, computed from Unix seconds with integer maths only, so scoring and
/// scheduling never depend on the host's time zone or on Foundation's Calendar.
public struct UTCDate: Sendable, Hashable {
    public var year: Int
    /// 1…12.
    public var month: Int
    /// 1…31.
    public var day: Int

    public static let secondsPerDay: Int64 = 86_400

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date containing `seconds` (negative times round towards the past).
    public init(unixSeconds seconds: Int64) {
        self.init(daysSinceEpoch: Self.floorDivide(seconds, Self.secondsPerDay))
    }

    /// Howard Hinnant's civil-from-days: proleptic Gregorian date of a day count since 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let z = days + 719_468
        let era = Self.floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(year: Int(year), month: Int(month), day: Int(day))
    }

    /// Days since 1970-01-01 (days-from-civil, the inverse of `init(daysSinceEpoch:)`).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = Self.floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Unix seconds of this date at the given UTC time of day.
    public func unixSeconds(hour: Int = 0, minute: Int = 0, second: Int = 0) -> Int64 {
        daysSinceEpoch * Self.secondsPerDay + Int64(hour * 3_600 + minute * 60 + second)
    }

    /// The first day of the following month.
    public var nextMonth: UTCDate {
        month == 12 ? UTCDate(year: year + 1, month: 1, day: 1) : UTCDate(year: year, month: month + 1, day: 1)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Division rounding towards negative infinity, so times before 1970 land on the right day.
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
