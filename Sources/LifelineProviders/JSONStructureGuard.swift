import Foundation
import LifelineCore

/// A cheap scan of a body before it is decoded: refuses nesting deeper than `maximumDepth` and
/// objects that repeat a key.
///
/// Foundation stops at 512 levels but keeps the first of two equal keys silently, so
/// `{"amount":1,"amount":900}` would mean one thing to Lifeline and another to a parser that
/// keeps the last one. This is no JSON parser: it only follows strings and brackets, and leaves
/// every syntax error to `JSONDecoder`, which still decodes the body afterwards.
public enum JSONStructureGuard {
    /// Real webhooks nest about ten levels (Stripe invoice → lines → data → price → recurring).
    public static let maximumDepth = 64

    public static func check(_ body: [UInt8]) throws(WebhookRejection) {
        var scanner = Scanner(body: body)
        try scanner.run()
    }

    private struct Frame {
        var isObject: Bool
        var keys: Set<String> = []
        /// The next string in this object is a key (after `{` or `,`).
        var expectingKey: Bool
    }

    private struct Scanner {
        let body: [UInt8]
        var stack: [Frame] = []

        init(body: [UInt8]) {
            self.body = body
        }

        mutating func run() throws(WebhookRejection) {
            var index = 0
            while index < body.count {
                switch body[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(from: index + 1) else { return }  // unterminated: the decoder says so
                    if let top = stack.indices.last, stack[top].isObject, stack[top].expectingKey {
                        let key = Self.key(body[(index + 1)..<end])
                        guard stack[top].keys.insert(key).inserted else {
                            throw .malformed("duplicate key \"\(key.prefix(64))\" in a JSON object")
                        }
                        stack[top].expectingKey = false
                    }
                    index = end + 1
                    continue
                case UInt8(ascii: "{"):
                    try push(Frame(isObject: true, expectingKey: true))
                case UInt8(ascii: "["):
                    try push(Frame(isObject: false, expectingKey: false))
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard stack.popLast() != nil else { return }
                case UInt8(ascii: ","):
                    if let top = stack.indices.last, stack[top].isObject { stack[top].expectingKey = true }
                default:
                    break
                }
                index += 1
            }
        }

        mutating func push(_ frame: Frame) throws(WebhookRejection) {
            guard stack.count < JSONStructureGuard.maximumDepth else {
                throw .malformed("JSON nested deeper than \(JSONStructureGuard.maximumDepth) levels")
            }
            stack.append(frame)
        }

        /// Index of the closing quote of the string whose content starts at `start`.
        func stringEnd(from start: Int) -> Int? {
            var index = start
            while index < body.count {
                switch body[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): return index
                default: index += 1
                }
            }
            return nil
        }

        /// The key as `JSONDecoder` will see it, so `"id"` and `"\u0069d"` count as the same key.
        static func key(_ raw: ArraySlice<UInt8>) -> String {
            guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
            let quoted = [UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")]
            return (try? JSONDecoder().decode(String.self, from: Data(quoted))) ?? String(decoding: raw, as: UTF8.self)
        }
    }
}
