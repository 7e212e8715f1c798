/// Timestamps are parsed as plain decimal integers: no sign games, no floats, no overflow.
enum StrictInteger {
    static func parse(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(text)
    }
}
