// Reading back what `JSONText` writes, without a JSON decoder, for the common plain case.

extension JSONText {
    /// Reads `["a","b"]` as written by `array(_:)`; nil when a string holds an escape or the text
    /// is anything else, so the caller falls back to a full JSON decoder.
    public static func stringList(_ text: String) -> [String]? {
        var reader = FlatReader(text.utf8)
        guard reader.consume(UInt8(ascii: "[")) else { return nil }
        var values: [String] = []
        if reader.consume(UInt8(ascii: "]")) { return reader.atEnd ? values : nil }
        repeat {
            guard let value = reader.plainString() else { return nil }
            values.append(value)
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "]")) && reader.atEnd ? values : nil
    }

    /// Reads `{"k":"v"}` as written by `object(_:)`; nil on escapes, repeated keys or any other
    /// shape, so the caller falls back to a full JSON decoder.
    public static func stringMap(_ text: String) -> [String: String]? {
        var reader = FlatReader(text.utf8)
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var members: [String: String] = [:]
        if reader.consume(UInt8(ascii: "}")) { return reader.atEnd ? members : nil }
        repeat {
            guard let key = reader.plainString(), reader.consume(UInt8(ascii: ":")),
                  let value = reader.plainString(), members.updateValue(value, forKey: key) == nil
            else { return nil }
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "}")) && reader.atEnd ? members : nil
    }
}

/// A cursor over JSON text that only understands punctuation, whitespace and plain strings.
private struct FlatReader {
    let bytes: String.UTF8View
    var index: String.UTF8View.Index

    init(_ bytes: String.UTF8View) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return index == bytes.endIndex
        }
    }

    mutating func skipWhitespace() {
        while index < bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: bytes.formIndex(after: &index)
            default: return
            }
        }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        bytes.formIndex(after: &index)
        return true
    }

    /// A string without escapes or control characters; nil otherwise.
    mutating func plainString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let value = String(decoding: bytes[start..<index], as: UTF8.self)
                bytes.formIndex(after: &index)
                return value
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            bytes.formIndex(after: &index)
        }
        return nil
    }
}
