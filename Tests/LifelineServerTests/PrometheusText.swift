import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), enough to refuse what a
/// Prometheus server would: every sample belongs to a family declared by one `# TYPE` line
/// before it, names and label names are valid, label values are quoted with only `\\`, `\"`
/// and `\n` escapes, values are numbers, histograms have increasing `le` buckets ending in
/// `+Inf` equal to their `_count`, and no series appears twice.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [(String, String)]
        var value: Double

        static func == (lhs: Sample, rhs: Sample) -> Bool {
            lhs.name == rhs.name && lhs.value == rhs.value && lhs.labels.elementsEqual(rhs.labels) { $0 == $1 }
        }

        func label(_ name: String) -> String? { labels.first { $0.0 == name }?.1 }
    }

    struct Invalid: Error, CustomStringConvertible {
        var line: Int
        var problem: String
        var description: String { "line \(line): \(problem)" }
    }

    /// Family name → type (counter, gauge, histogram, summary, untyped).
    private(set) var types: [String: String] = [:]
    private(set) var help: [String: String] = [:]
    private(set) var samples: [Sample] = []

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw Invalid(line: 0, problem: "the last line has no newline") }
        var seen = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, ["HELP", "TYPE"].contains(parts[1]) else { continue }  // a plain comment
                let name = parts[2]
                guard Self.isMetricName(name) else { throw Invalid(line: number, problem: "bad metric name \(name)") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw Invalid(line: number, problem: "bad TYPE line")
                    }
                    guard types[name] == nil else { throw Invalid(line: number, problem: "second TYPE for \(name)") }
                    guard !samples.contains(where: { Self.family(of: $0.name, in: [name: parts[3]]) == name }) else {
                        throw Invalid(line: number, problem: "TYPE of \(name) after its samples")
                    }
                    types[name] = parts[3]
                } else {
                    guard help[name] == nil else { throw Invalid(line: number, problem: "second HELP for \(name)") }
                    help[name] = parts.count == 4 ? parts[3] : ""
                }
                continue
            }
            let sample = try Self.sample(String(line), line: number)
            guard Self.family(of: sample.name, in: types) != nil else {
                throw Invalid(line: number, problem: "\(sample.name) has no TYPE line before it")
            }
            let key = sample.name + "{" + sample.labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
            guard seen.insert(key).inserted else { throw Invalid(line: number, problem: "duplicate series \(key)") }
            samples.append(sample)
        }
        try checkHistograms()
    }

    /// The value of the one series with exactly these labels (in any order).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && Dictionary($0.labels, uniquingKeysWith: { a, _ in a }) == labels }?.value
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first == ":" || CharacterSet.letters.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0 == ":" || CharacterSet.alphanumerics.contains($0)) }
    }

    static func isLabelName(_ name: String) -> Bool {
        isMetricName(name) && !name.contains(":")
    }

    /// The declared family a sample belongs to (`x_bucket` of histogram `x`, …).
    static func family(of name: String, in types: [String: String]) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if let type = types[base], type == "histogram" || (type == "summary" && suffix != "_bucket") { return base }
        }
        return nil
    }

    static func sample(_ line: String, line number: Int) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0 != "{" && $0 != " " })
        guard isMetricName(name) else { throw Invalid(line: number, problem: "bad metric name in \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [(String, String)] = []
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let labelName = String(rest.prefix { $0 != "=" })
                guard isLabelName(labelName), !labels.contains(where: { $0.0 == labelName }) else {
                    throw Invalid(line: number, problem: "bad or repeated label name '\(labelName)'")
                }
                rest = rest.dropFirst(labelName.count)
                guard rest.hasPrefix("=\"") else { throw Invalid(line: number, problem: "label \(labelName) is not quoted") }
                rest = rest.dropFirst(2)
                var value = ""
                while true {
                    guard let character = rest.first else { throw Invalid(line: number, problem: "unterminated label value") }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first else { throw Invalid(line: number, problem: "dangling escape") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw Invalid(line: number, problem: "bad escape \\\(escaped)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                labels.append((labelName, value))
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" {
                    throw Invalid(line: number, problem: "expected , or } after a label")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw Invalid(line: number, problem: "no space before the value") }
        let fields = rest.dropFirst().split(separator: " ")
        guard (1...2).contains(fields.count), let value = Self.number(String(fields[0])) else {
            throw Invalid(line: number, problem: "bad value in \(line)")
        }
        if fields.count == 2, Int64(fields[1]) == nil { throw Invalid(line: number, problem: "bad timestamp in \(line)") }
        return Sample(name: name, labels: labels, value: value)
    }

    static func number(_ text: String) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }

    /// Buckets cumulative and increasing in `le`, the last `+Inf`, equal to `_count`.
    func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            var series: [String: [(le: Double, count: Double)]] = [:]
            for sample in samples where sample.name == name + "_bucket" {
                guard let le = sample.label("le").flatMap(Self.number) else { throw Invalid(line: 0, problem: "\(name) bucket without le") }
                series[Self.key(sample, without: "le"), default: []].append((le, sample.value))
            }
            for (key, buckets) in series {
                guard buckets.last?.le == .infinity else { throw Invalid(line: 0, problem: "\(name){\(key)} has no +Inf bucket") }
                for (lower, upper) in zip(buckets, buckets.dropFirst()) where !(lower.le < upper.le && lower.count <= upper.count) {
                    throw Invalid(line: 0, problem: "\(name){\(key)} buckets are not cumulative")
                }
                let count = samples.first { $0.name == name + "_count" && Self.key($0, without: nil) == key }?.value
                guard count == buckets.last?.count else { throw Invalid(line: 0, problem: "\(name){\(key)} _count differs from +Inf") }
                guard samples.contains(where: { $0.name == name + "_sum" && Self.key($0, without: nil) == key }) else {
                    throw Invalid(line: 0, problem: "\(name){\(key)} has no _sum")
                }
            }
        }
    }

    static func key(_ sample: Sample, without excluded: String?) -> String {
        sample.labels.filter { $0.0 != excluded }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }
}
