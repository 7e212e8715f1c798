import Foundation

/// Runs one fuzz target: under libFuzzer when built with `-DFUZZING` (see `scripts/fuzz.sh`),
/// otherwise over every file of its seed and regression corpus, so CI replays past findings.
public enum FuzzHarness {
    /// The repository root, from this file's place in it (`Fuzz/FuzzSupport/`).
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// - Parameters:
    ///   - target: the corpus lives in `Fuzz/Corpus/<target>/` (`seeds/`, `regressions/`).
    ///   - extraSeeds: more directories, relative to the repository (e.g. `Webhooks/stripe`).
    ///   - body: one input; a bug must trap (precondition, overflow), never just return.
    public static func main(target: String, extraSeeds: [String] = [], _ body: @escaping @Sendable ([UInt8]) -> Void) -> Never {
        #if FUZZING
        LibFuzzer.run(body)
        #else
        let arguments = Array(CommandLine.arguments.dropFirst())
        let roots = arguments.isEmpty
            ? ["Fuzz/Corpus/\(target)"] + extraSeeds
            : arguments
        var count = 0
        for file in roots.flatMap(files(under:)) {
            body(Array((try? Data(contentsOf: file)) ?? Data()))
            count += 1
        }
        guard count > 0 else {
            print("\(target): no corpus files under \(roots.joined(separator: ", "))")
            exit(1)
        }
        print("\(target): \(count) corpus inputs replayed, no crash")
        exit(0)
        #endif
    }

    /// Every regular file under `path` (absolute, or relative to the repository), sorted.
    static func files(under path: String) -> [URL] {
        let root = path.hasPrefix("/") ? URL(fileURLWithPath: path) : repository.appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [root] }
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true, !url.lastPathComponent.hasPrefix(".") {
                found.append(url)
            }
        }
        return found.sorted { $0.path < $1.path }
    }
}
