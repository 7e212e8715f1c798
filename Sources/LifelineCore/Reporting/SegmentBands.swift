/// One MRR band: customers below `upperBound` (exclusive, minor units of the base currency).
public struct SegmentBand: Sendable, Hashable {
    public var name: String
    /// Nil for the last, open-ended band.
    public var upperBound: Int64?

    public init(_ name: String, below upperBound: Int64?) {
        self.name = name
        self.upperBound = upperBound
    }

    /// Parses `"TPE < 10000"` or `"enterprise"` (the config and environment spelling).
    public static func parse(_ text: String) -> SegmentBand? {
        let parts = text.split(separator: "<", omittingEmptySubsequences: false).map { $0.trimmed }
        guard let name = parts.first, !name.isEmpty, parts.count <= 2 else { return nil }
        guard parts.count == 2 else { return SegmentBand(name, below: nil) }
        guard let bound = Int64(parts[1].replacing("_", with: "")), bound > 0 else { return nil }
        return SegmentBand(name, below: bound)
    }

    /// The config spelling, for check-config and docs.
    public var text: String { upperBound.map { "\(name) < \($0)" } ?? name }
}

/// Names a customer's segment from its MRR when its metadata does not.
public struct SegmentBands: Sendable, Hashable {
    public var bands: [SegmentBand]

    /// TPE < 100 €, PME < 1,000 €, mid-market < 10,000 €, enterprise above (monthly).
    public static let standard = SegmentBands([
        SegmentBand("TPE", below: 10_000),
        SegmentBand("PME", below: 100_000),
        SegmentBand("mid-market", below: 1_000_000),
        SegmentBand("enterprise", below: nil),
    ])

    public init(_ bands: [SegmentBand]) {
        self.bands = bands
    }

    /// The first band whose bound is above `mrr`; the last band catches the rest.
    public func segment(forMRR mrr: Int64) -> String {
        for band in bands {
            guard let bound = band.upperBound else { return band.name }
            if mrr < bound { return band.name }
        }
        return bands.last?.name ?? "all"
    }

    /// Position of a segment name in the band order, for sorting rows; unknown names go last.
    public func rank(of name: String) -> Int {
        bands.firstIndex { $0.name == name } ?? bands.count
    }
}

extension Substring {
    var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
