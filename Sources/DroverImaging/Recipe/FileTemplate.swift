/// An output's file-name template, such as `{name}-{output}-{width}.{ext}`, parsed once when the recipe is read.
public struct FileTemplate: Sendable, Equatable, CustomStringConvertible {
    /// What a `{...}` placeholder stands for.
    public enum Placeholder: String, Sendable, CaseIterable {
        /// The input's file name without its extension.
        case name
        /// The output's name in the recipe.
        case output
        /// The extension of the format written (`jpg`, `png`, `webp`, `avif`).
        case ext
        /// The input's own extension, as written (`jpeg`, `JPG`): tells apart `photo.jpg` and `photo.png`.
        case srcext
        /// The requested width (one of `widths`), else the written image's width.
        case width
        /// The written image's height.
        case height
        /// The first 10 hex digits of the SHA-256 of the written bytes, for cache busting.
        case hash
    }

    enum Token: Sendable, Equatable {
        case text([UInt8])
        case value(Placeholder)
    }

    /// The template as written.
    public let text: String
    let tokens: [Token]

    /// Parses `text`; the error names the first unknown or unclosed placeholder.
    public init(_ text: String) throws(TemplateError) {
        self.text = text
        var tokens: [Token] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { tokens.append(.text(Array(rest[..<open].utf8))) }
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(where: { $0 == "{" || $0 == "}" }), after[close] == "}" else {
                throw TemplateError("'{' without a closing '}'")
            }
            let name = String(rest[rest.index(after: open)..<close])
            guard let placeholder = Placeholder(rawValue: name) else {
                let known = Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: ", ")
                throw TemplateError("unknown placeholder {\(name)}; the placeholders are \(known)")
            }
            tokens.append(.value(placeholder))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { tokens.append(.text(Array(rest.utf8))) }
        self.tokens = tokens
    }

    /// One of Drover's own templates, known to parse (a template that did not would be taken literally).
    init(builtIn text: String) {
        self = (try? FileTemplate(text)) ?? FileTemplate(literal: PathBytes(text))
    }

    /// A template that is exactly the file name `name`, braces included (the one-file commands' output).
    public init(literal name: PathBytes) {
        text = name.display
        tokens = [.text(name.bytes)]
    }

    /// The placeholders the template uses.
    public var placeholders: Set<Placeholder> {
        Set(tokens.compactMap { if case .value(let placeholder) = $0 { placeholder } else { nil } })
    }

    /// Whether the file name can be known before the image is processed (no `{height}` or `{hash}`).
    public var isPredictable: Bool { placeholders.isDisjoint(with: [.height, .hash]) }

    /// The file name, with each placeholder replaced by its value's bytes (a value not given stays `{...}`).
    public func render(_ values: [Placeholder: PathBytes]) -> PathBytes {
        var bytes: [UInt8] = []
        for token in tokens {
            switch token {
            case .text(let text): bytes += text
            case .value(let placeholder): bytes += values[placeholder]?.bytes ?? Array("{\(placeholder.rawValue)}".utf8)
            }
        }
        return PathBytes(bytes: bytes)
    }

    public var description: String { text }
}

/// Why a file-name template was refused.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
