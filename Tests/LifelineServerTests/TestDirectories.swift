import Foundation
import Synchronization

/// Temporary directories of the test process, removed when it exits: fixtures may be reopened by
/// path from another fixture, so no single fixture owns its directory's lifetime.
enum TestDirectories {
    private static let created = Mutex<[URL]>([])

    /// A new empty directory under the system's temporary directory.
    static func make(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let isFirst = created.withLock { directories in
            directories.append(directory)
            return directories.count == 1
        }
        if isFirst { atexit { TestDirectories.removeAll() } }
        return directory
    }

    static func removeAll() {
        for directory in created.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
    }
}
