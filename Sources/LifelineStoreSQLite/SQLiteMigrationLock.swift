import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serializes schema migrations of one SQLite file across processes and stores: GRDB reads the
/// applied migrations before it opens each migration's transaction, so two concurrent migrators
/// could both apply the same step.
enum SQLiteMigrationLock {
    /// Runs `body` holding an exclusive `flock` on `<database>-migrate.lock`.
    static func withLock<T>(databasePath path: String, _ body: () throws -> T) throws -> T {
        guard !path.isEmpty, path != ":memory:" else { return try body() }
        let lockPath = path + "-migrate.lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LockError(path: lockPath, code: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LockError(path: lockPath, code: errno) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    struct LockError: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "could not lock \(path) for migration: \(String(cString: strerror(code)))" }
    }
}
