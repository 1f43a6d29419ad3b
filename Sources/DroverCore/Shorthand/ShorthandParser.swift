import Foundation

/// The AWS CLI's shorthand syntax for structure, list and map options (`--array-properties size=3`,
/// `--container-overrides command=a,b,environment=[{name=K,value=V}]`), parsed as the `aws` command parses it
/// (awscli's `ShorthandParser`): purely syntactic, every scalar kept as text for a ``MemberShape`` to type.
///
/// - `key=value` pairs are separated by `,`; `key=a,b` makes a list, so `a=b,c,d=e` is `a: [b, c]` and `d: e`.
/// - A value runs to the next `,` and may hold spaces and `=` (`a=b c=d` is the single value `b c=d`); trailing
///   spaces are dropped; `\,` is a comma inside a value.
/// - `[a, b]` is a list and `{k=v, ...}` an object; both nest. `'...'` and `"..."` quote (`\'`, `\"`, `\\` inside).
/// - A key is letters, digits and `-_.#/:`; a key given twice at the top level is an error.
public struct ShorthandParser {
    let text: [Unicode.Scalar]
    var index = 0

    init(_ text: String) {
        self.text = Array(text.unicodeScalars)
    }

    /// Parses `text`, or says where and why it is not shorthand.
    public static func parse(_ text: String) throws(ShorthandError) -> [String: ShorthandValue] {
        var parser = ShorthandParser(text)
        return try parser.parameter()
    }

    // MARK: Grammar

    /// `keyval *("," keyval)`.
    mutating func parameter() throws(ShorthandError) -> [String: ShorthandValue] {
        var result: [String: ShorthandValue] = [:]
        let (key, value) = try keyValue()
        result[key] = value
        while !atEnd {
            try expect(",", skippingSpace: true)
            let start = index
            let (key, value) = try keyValue()
            if result[key] != nil {
                throw error("the key '\(key)' is given twice (a ',' where a space was meant?)", at: start)
            }
            result[key] = value
        }
        return result
    }

    mutating func keyValue() throws(ShorthandError) -> (String, ShorthandValue) {
        let key = self.key()
        try expect("=", skippingSpace: true)
        return (key, try values())
    }

    mutating func key() -> String {
        let start = index
        while let scalar = current, Self.isKeyCharacter(scalar) { index += 1 }
        return string(start..<index)
    }

    /// After a top-level key: nothing, a list, an object, or one value or more separated by commas.
    mutating func values() throws(ShorthandError) -> ShorthandValue {
        switch current {
        case nil: .scalar("")
        case "[": try explicitList()
        case "{": try object()
        default: try commaSeparated()
        }
    }

    /// `a` or `a,b,c`: a following `key=` ends the list (the parser backs up to the comma before it).
    mutating func commaSeparated() throws(ShorthandError) -> ShorthandValue {
        let first = try firstValue()
        skipSpace()
        guard current == "," else { return first }
        try expect(",", skippingSpace: true)
        var list = [first]
        while true {
            do throws(ShorthandError) {
                let next = try secondValue()
                skipSpace()
                if atEnd {
                    list.append(next)
                    break
                }
                try expect(",", skippingSpace: true)
                list.append(next)
            } catch {
                if atEnd { throw error }
                backUp(to: ",")
                break
            }
        }
        return list.count == 1 ? first : .list(list)
    }

    mutating func explicitList() throws(ShorthandError) -> ShorthandValue {
        try expect("[", skippingSpace: true)
        var values: [ShorthandValue] = []
        while current != "]" {
            values.append(try explicitValue())
            skipSpace()
            if current != "]" {
                try expect(",")
                skipSpace()
            }
        }
        try expect("]")
        return .list(values)
    }

    mutating func object() throws(ShorthandError) -> ShorthandValue {
        try expect("{", skippingSpace: true)
        var members: [String: ShorthandValue] = [:]
        while current != "}" {
            let key = self.key()
            try expect("=", skippingSpace: true)
            let value = try explicitValue()
            skipSpace()
            if current != "}" {
                try expect(",")
                skipSpace()
            }
            members[key] = value
        }
        try expect("}")
        return .object(members)
    }

    mutating func explicitValue() throws(ShorthandError) -> ShorthandValue {
        switch current {
        case "[": try explicitList()
        case "{": try object()
        default: try firstValue()
        }
    }

    // MARK: Values

    /// The first value after `key=` (or inside brackets): may hold `=`, `[` and `{`; may be empty.
    mutating func firstValue() throws(ShorthandError) -> ShorthandValue {
        if let quote = current, quote == "'" || quote == "\"" { return .scalar(try quoted(quote)) }
        return .scalar(word(follow: Self.isFirstFollow) ?? "")
    }

    /// A later value of a comma-separated list: may not hold `=` (that starts the next key).
    mutating func secondValue() throws(ShorthandError) -> ShorthandValue {
        if let quote = current, quote == "'" || quote == "\"" { return .scalar(try quoted(quote)) }
        guard let word = word(follow: Self.isSecondFollow) else { throw error("expected a value", at: index) }
        return .scalar(word)
    }

    /// An unquoted value: a start character, then `follow` characters; `\,` counts as a comma. Trailing spaces are
    /// dropped. Nil when no value starts here.
    mutating func word(follow: (Unicode.Scalar) -> Bool) -> String? {
        let start = index
        var first = true
        while let scalar = current {
            if scalar == "\\", index + 1 < text.count, text[index + 1] == "," {
                index += 2
            } else if first ? Self.isStart(scalar) : follow(scalar) {
                index += 1
            } else {
                break
            }
            first = false
        }
        guard index > start else { return nil }
        var value = string(start..<index).replacingOccurrences(of: "\\,", with: ",")
        while let last = value.unicodeScalars.last, last.properties.isWhitespace { value.unicodeScalars.removeLast() }
        return value
    }

    /// `'...'` or `"..."`: `\` before the quote or another `\` escapes it. As the AWS CLI's pattern does, a value that
    /// would not close takes its last escaped quote as the closing one.
    mutating func quoted(_ quote: Unicode.Scalar) throws(ShorthandError) -> String {
        let start = index
        var position = index + 1
        var lastEscape: Int?
        var close: Int?
        while position < text.count {
            if text[position] == "\\", position + 1 < text.count, text[position + 1] == quote {
                lastEscape = position + 1
                position += 2
            } else if text[position] == quote {
                close = position
                break
            } else {
                position += 1
            }
        }
        guard let end = close ?? lastEscape else {
            throw error("the quoted value has no closing \(quote)", at: start)
        }
        index = end + 1
        return string(start + 1..<end)
            .replacingOccurrences(of: "\\\(quote)", with: String(quote))
            .replacingOccurrences(of: "\\\\", with: "\\")
    }

    // MARK: Characters

    /// What may start a value: not a space, quote, `,`, `=`, `[` or `{` (awscli's `_START_WORD`).
    static func isStart(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x3C, 0x3E...0x5A, 0x5C...0x7A, 0x7C...: true
        default: false
        }
    }

    /// What may follow in a first value: not a quote, `,`, `]` or `}` (`=`, `[` and `{` may).
    static func isFirstFollow(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x5C, 0x5E...0x7C, 0x7E...: true
        default: c.properties.isWhitespace
        }
    }

    /// What may follow in a later value: not a quote, `,` or `=`.
    static func isSecondFollow(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x3C, 0x3E...: true
        default: c.properties.isWhitespace
        }
    }

    static func isKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.#/:".unicodeScalars.contains(c))
    }

    // MARK: Reading

    var atEnd: Bool { index >= text.count }
    var current: Unicode.Scalar? { atEnd ? nil : text[index] }

    mutating func skipSpace() {
        while let scalar = current, scalar.properties.isWhitespace { index += 1 }
    }

    mutating func backUp(to scalar: Unicode.Scalar) {
        while index > 0 && (atEnd || text[index] != scalar) { index -= 1 }
    }

    mutating func expect(_ scalar: Unicode.Scalar, skippingSpace: Bool = false) throws(ShorthandError) {
        if skippingSpace { skipSpace() }
        guard let found = current else { throw error("expected '\(scalar)' but the text ended", at: index) }
        guard found == scalar else { throw error("expected '\(scalar)', found '\(found)'", at: index) }
        index += 1
        if skippingSpace { skipSpace() }
    }

    func string(_ range: Range<Int>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text[range])
        return String(result)
    }

    func error(_ message: String, at position: Int) -> ShorthandError {
        ShorthandError(message: message, position: position, text: string(0..<text.count))
    }
}
