/// A sample body cut at the tokens a benchmark rewrites, so each copy is one concatenation
/// instead of a string search per token.
struct TemplateText: Sendable {
    enum Piece: Sendable {
        case bytes([UInt8])
        /// Replaced by `values[index]` when rendered.
        case slot(Int)
    }

    let pieces: [Piece]
    let byteCount: Int

    /// Tokens are cut in order, so a longer token listed first wins over one it contains.
    init(_ text: String, tokens: [String]) {
        var pieces: [Piece] = [.bytes(Array(text.utf8))]
        for (slot, token) in tokens.enumerated() {
            let needle = Array(token.utf8)
            pieces = pieces.flatMap { piece -> [Piece] in
                guard case .bytes(let bytes) = piece else { return [piece] }
                return Self.split(bytes, on: needle, slot: slot)
            }
        }
        self.pieces = pieces
        byteCount = text.utf8.count
    }

    func render(_ values: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(byteCount + 64)
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): out += bytes
            case .slot(let index): out += values[index].utf8
            }
        }
        return out
    }

    static func split(_ bytes: [UInt8], on needle: [UInt8], slot: Int) -> [Piece] {
        var pieces: [Piece] = []
        var start = 0
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle {
                pieces.append(.bytes(Array(bytes[start..<index])))
                pieces.append(.slot(slot))
                index += needle.count
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(.bytes(Array(bytes[start...])))
        return pieces
    }
}
