import Yams

/// A YAML node with the dotted path that reached it, so every error can name its key.
struct YAMLField {
    let node: Node
    let path: String

    func fail(_ problem: String) -> RecoveryConfigError {
        .invalid(key: path, problem: problem)
    }

    /// `~`, `null` or nothing at all after the colon.
    var isNull: Bool {
        node.scalar != nil && node.null != nil
    }

    /// A map's entries in file order; keys must be plain strings.
    func entries() throws(RecoveryConfigError) -> [(key: String, field: YAMLField)] {
        guard let mapping = node.mapping else { throw fail("must be a map") }
        var result: [(key: String, field: YAMLField)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else { throw fail("has a key that is not a name") }
            result.append((name, YAMLField(node: value, path: path.isEmpty ? name : "\(path).\(name)")))
        }
        return result
    }

    /// A map's entries, refusing any key not in `allowed` (typos would otherwise be ignored).
    func entries(allowed: [String]) throws(RecoveryConfigError) -> [String: YAMLField] {
        var result: [String: YAMLField] = [:]
        for (key, field) in try entries() {
            guard allowed.contains(key) else {
                throw field.fail("unknown key\(Suggestion.clause(key, among: allowed)) (expected one of \(allowed.joined(separator: ", ")))")
            }
            result[key] = field
        }
        return result
    }

    func string() throws(RecoveryConfigError) -> String {
        guard let scalar = node.scalar, !isNull else { throw fail("must be a value") }
        return scalar.string
    }

    func int(in range: ClosedRange<Int>) throws(RecoveryConfigError) -> Int {
        Int(try int64(in: Int64(range.lowerBound)...Int64(range.upperBound)))
    }

    func int64(in range: ClosedRange<Int64>) throws(RecoveryConfigError) -> Int64 {
        let text = try string()
        guard let value = Int64(text) else { throw fail("must be a whole number, got '\(text)'") }
        guard range.contains(value) else { throw fail("must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        return value
    }

    /// A list's items; a single value is read as a list of one.
    func items() throws(RecoveryConfigError) -> [YAMLField] {
        if node.scalar != nil, !isNull { return [self] }
        guard let sequence = node.sequence else { throw fail("must be a list") }
        guard !sequence.isEmpty else { throw fail("must not be empty; leave the key out to match anything") }
        return sequence.enumerated().map { YAMLField(node: $1, path: "\(path)[\($0)]") }
    }
}
