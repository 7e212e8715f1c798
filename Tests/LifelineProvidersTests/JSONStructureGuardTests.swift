import Foundation
@testable import LifelineProviders
import Testing

/// The pre-decoding scan: depth and repeated keys only, everything else left to JSONDecoder.
@Suite struct JSONStructureGuardTests {
    static func check(_ text: String) -> String? {
        do {
            try JSONStructureGuard.check(Array(text.utf8))
            return nil
        } catch {
            return error.detail
        }
    }

    @Test func everySampleWebhookPasses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Webhooks")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") } ?? []
        #expect(files.count > 50)
        for file in files {
            #expect(Self.check(try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)) == nil, "\(file)")
        }
    }

    @Test func depthLimitIsSixtyFourLevels() {
        let levels = { (depth: Int) in String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        #expect(Self.check(levels(64)) == nil)
        #expect(Self.check(levels(65))?.contains("nested deeper than 64") == true)
        #expect(Self.check(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65)) != nil)
    }

    @Test(arguments: [
        #"{"a":1,"a":2}"#,
        #"{"a":{"b":1},"a":2}"#,
        #"{"x":[{"a":1,"b":2,"a":3}]}"#,
        #"{"id":"x","\u0069d":"y"}"#,
        #"{"é":1,"e\u0301":2}"#,
    ])
    func repeatedKeysAreRefused(_ text: String) {
        #expect(Self.check(text)?.contains("duplicate key") == true, "\(text)")
    }

    @Test(arguments: [
        #"[{"a":1},{"a":1}]"#,
        #"{"a":"a","b":["a","a"],"c":{"a":1}}"#,
        #"{"a":"}]{[\"","b":"\\","c":1}"#,
        #"{"a":1,"A":2}"#,
        #""just a string""#,
        #"{"unterminated": "#,
        "",
    ])
    func otherShapesPassTheScan(_ text: String) {
        #expect(Self.check(text) == nil, "\(text)")
    }
}
