/// A piece of HTML. The literal parts of `"<p>\(name)</p>"` are taken as markup and every interpolated value is
/// escaped, unless it is `HTML` itself: values never become markup by mistake.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    var text: String

    /// Markup written in the code.
    init(stringLiteral value: String) { text = value }

    /// Markup with escaped values.
    init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }

    /// Markup already made (by this type, or a trusted constant).
    init(trusted text: String) { self.text = text }

    var description: String { text }

    /// `text` with `&`, `<`, `>`, `"` and `'` written as entities: safe between tags and in quoted attributes.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// The pieces one after another.
    static func join(_ pieces: some Sequence<HTML>, separator: HTML = "") -> HTML {
        HTML(trusted: pieces.map(\.text).joined(separator: separator.text))
    }

    /// Builds markup: literals as they are, values escaped.
    struct StringInterpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { text += literal }

        /// Text, escaped.
        mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }

        /// Text, escaped; nothing for nil.
        mutating func appendInterpolation(_ value: String?) { text += value.map(HTML.escape) ?? "" }

        /// A number.
        mutating func appendInterpolation(_ value: some BinaryInteger) { text += String(value) }

        /// Markup, as it is.
        mutating func appendInterpolation(_ value: HTML) { text += value.text }

        /// Pieces of markup one after another.
        mutating func appendInterpolation(_ values: [HTML]) { text += values.map(\.text).joined() }
    }
}
