/// Delays as config and the recovery log spell them: `2d`, `36h`, `30m`, `45s`.
public enum DelayText {
    static let units: [(suffix: Character, seconds: Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Seconds for `<digits><d|h|m|s>`, or nil for anything else (no sign, no spaces, no fractions).
    public static func parse(_ text: String) -> Int64? {
        guard let suffix = text.last, let unit = units.first(where: { $0.suffix == suffix }) else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits) else { return nil }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: unit.seconds)
        return overflow ? nil : seconds
    }

    /// The largest whole unit: 172800 → `2d`, 5400 → `90m`, 0 → `0s`.
    public static func format(_ seconds: Int64) -> String {
        for unit in units where seconds != 0 && seconds % unit.seconds == 0 {
            return "\(seconds / unit.seconds)\(unit.suffix)"
        }
        return "\(seconds)s"
    }
}
