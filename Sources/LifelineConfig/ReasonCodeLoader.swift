import Foundation
import LifelineCore
import Yams

/// Reads `config/reason-codes.yaml` into the classifier's table, refusing anything it would misread.
public enum ReasonCodeLoader {
    /// The four sections, in the file's spelling.
    public static let sections = ["advice_codes", "decline_codes", "bank_reason_codes", "failure_codes"]

    public static func load(path: String) throws(ReasonCodeLoaderError) -> ReasonCodeTable {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try load(yaml: yaml)
    }

    public static func load(yaml: String) throws(ReasonCodeLoaderError) -> ReasonCodeTable {
        let raw: [String: [String: String]?]
        do {
            // An empty section (`advice_codes:` with nothing under it) decodes as nil.
            raw = try YAMLDecoder().decode([String: [String: String]?].self, from: yaml)
        } catch {
            throw .invalidYAML(String(describing: error))
        }
        for section in raw.keys.sorted() where !sections.contains(section) {
            throw .unknownSection(section)
        }
        var maps: [String: [String: FailureCategory]] = [:]
        for section in sections {
            var map: [String: FailureCategory] = [:]
            // Sorted so the same file always reports the same first error.
            for (code, value) in (raw[section].flatMap { $0 } ?? [:]).sorted(by: { $0.key < $1.key }) {
                let key = code.lowercased()
                guard let category = FailureCategory(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
                    throw .unknownCategory(section: section, code: code, value: value)
                }
                guard map[key] == nil else { throw .duplicateCode(section: section, code: key) }
                map[key] = category
            }
            maps[section] = map
        }
        return ReasonCodeTable(
            adviceCodes: maps["advice_codes"] ?? [:], declineCodes: maps["decline_codes"] ?? [:],
            bankReasonCodes: maps["bank_reason_codes"] ?? [:], failureCodes: maps["failure_codes"] ?? [:])
    }
}

/// Why a reason-code file was refused; the description names the file, section and code.
public enum ReasonCodeLoaderError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidYAML(String)
    case unknownSection(String)
    case unknownCategory(section: String, code: String, value: String)
    /// Two keys that differ only by case (`AM04` and `am04`).
    case duplicateCode(section: String, code: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read reason codes from \(path): \(reason)"
        case .invalidYAML(let detail):
            "reason codes are not a YAML map of sections to maps of code: category: \(detail)"
        case .unknownSection(let section):
            "unknown reason-code section \"\(section)\" (expected one of \(ReasonCodeLoader.sections.joined(separator: ", ")))"
        case .unknownCategory(let section, let code, let value):
            "\(section).\(code): unknown category \"\(value)\" (expected one of \(FailureCategory.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .duplicateCode(let section, let code):
            "\(section).\(code) is listed twice (codes are case-insensitive)"
        }
    }
}
