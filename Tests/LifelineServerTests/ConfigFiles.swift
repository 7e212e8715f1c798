import Foundation

/// Configuration files for tests: the shipped `config/lifeline.yaml` edited, or a snippet, in a fresh directory.
enum ConfigFiles {
    static var shipped: String {
        get throws { try String(contentsOf: ServerFixture.repository.appendingPathComponent("config/lifeline.yaml"), encoding: .utf8) }
    }

    static var reasonCodesPath: String { ServerFixture.repository.appendingPathComponent("config/reason-codes.yaml").path }

    /// Writes `text` as `lifeline.yaml` in a new directory, with the reason codes beside it; returns its path.
    static func write(_ text: String) throws -> String {
        let directory = try TestDirectories.make("lifeline-config")
        try FileManager.default.copyItem(atPath: reasonCodesPath, toPath: directory.appendingPathComponent("reason-codes.yaml").path)
        let path = directory.appendingPathComponent("lifeline.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The shipped file with one exact piece of text replaced (which must be there).
    static func shipped(replacing original: String, with replacement: String) throws -> String {
        let text = try shipped
        guard text.contains(original) else { throw Missing(text: original) }
        return try write(text.replacingOccurrences(of: original, with: replacement))
    }

    struct Missing: Error, CustomStringConvertible {
        var text: String
        var description: String { "config/lifeline.yaml no longer contains \(text)" }
    }
}
