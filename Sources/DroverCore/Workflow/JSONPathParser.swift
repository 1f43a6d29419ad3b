/// What is wrong with a JSONPath's text.
struct JSONPathSyntaxError: Error {
    var message: String
}

/// Reads a JSONPath's text into a ``JSONPathExpression`` (recursive descent; filters included).
struct JSONPathParser {
    private let characters: [Character]
    private var position = 0
    /// Filters, `!`, `(`, `&&` and `||` read so far: each can nest the filter one level deeper, and deep enough
    /// nesting would overflow the stack of the recursive descent (and of what walks its result).
    private var operators = 0
    /// The most ``operators`` a path may hold.
    static let maxOperators = 100

    init(_ text: String) {
        characters = Array(text)
    }

    /// Parses `text` as a whole path.
    static func parse(_ text: String) throws(JSONPathSyntaxError) -> JSONPathExpression {
        var parser = JSONPathParser(text)
        return try parser.parsePath()
    }

    /// The whole text as one path.
    mutating func parsePath() throws(JSONPathSyntaxError) -> JSONPathExpression {
        guard peek() == "$" else { throw JSONPathSyntaxError(message: "a path must start with $ or $$") }
        let path = try parseRooted()
        if let extra = peek() { throw error("unexpected '\(extra)'") }
        return path
    }

    // MARK: Paths

    /// `$...`, `$$...` or `@...` and its steps, up to the first character that cannot go on a path.
    private mutating func parseRooted() throws(JSONPathSyntaxError) -> JSONPathExpression {
        let root: JSONPathExpression.Root
        if take("@") {
            root = .current
        } else if take("$") {
            root = take("$") ? .context : .input
        } else {
            throw error("expected a path")
        }
        var segments: [JSONPathExpression.Segment] = []
        while let next = peek() {
            if next == "." {
                position += 1
                if take(".") {
                    if peek() == "[" {
                        segments.append(.init(recursive: true, try parseBracket()))
                    } else {
                        segments.append(.init(recursive: true, try parseDotSelector()))
                    }
                } else {
                    segments.append(.init(try parseDotSelector()))
                }
            } else if next == "[" {
                segments.append(.init(try parseBracket()))
            } else {
                break
            }
        }
        return JSONPathExpression(root: root, segments: segments)
    }

    /// What follows a `.`: `*` or a member name.
    private mutating func parseDotSelector() throws(JSONPathSyntaxError) -> JSONPathExpression.Selector {
        if take("*") { return .wildcard }
        let start = position
        while let next = peek(), !Self.endsName(next) { position += 1 }
        guard position > start else { throw error("expected a member name") }
        if peek() == "(" { throw error("functions are not supported") }
        return .name(String(characters[start..<position]))
    }

    /// Characters a member name after `.` stops at.
    private static func endsName(_ character: Character) -> Bool {
        character.isWhitespace || ".[]()'\",=!<>&|@$*".contains(character)
    }

    /// `[...]`: a wildcard, a filter, names, indices or a slice.
    private mutating func parseBracket() throws(JSONPathSyntaxError) -> JSONPathExpression.Selector {
        try expect("[")
        skipSpaces()
        let selector: JSONPathExpression.Selector
        if take("*") {
            selector = .wildcard
        } else if take("?") {
            try countOperator()
            skipSpaces()
            try expect("(")
            let filter = try parseOr()
            skipSpaces()
            try expect(")")
            selector = .filter(filter)
        } else if peek() == "'" || peek() == "\"" {
            var names = [try parseQuoted()]
            while skipSpaces(), take(",") {
                skipSpaces()
                names.append(try parseQuoted())
            }
            selector = names.count == 1 ? .name(names[0]) : .names(names)
        } else {
            selector = try parseIndices()
        }
        skipSpaces()
        try expect("]")
        return selector
    }

    /// `0`, `-1`, `0,2`, `1:3`, `:2`, `-2:`.
    private mutating func parseIndices() throws(JSONPathSyntaxError) -> JSONPathExpression.Selector {
        let first = try parseInteger(optional: true)
        skipSpaces()
        if take(":") {
            skipSpaces()
            let end = try parseInteger(optional: true)
            skipSpaces()
            if peek() == ":" { throw error("slice steps are not supported") }
            return .slice(start: first, end: end)
        }
        guard let first else { throw error("expected an index, a name in quotes, * or a filter") }
        var indices = [first]
        while skipSpaces(), take(",") {
            skipSpaces()
            guard let index = try parseInteger(optional: false) else { break }
            indices.append(index)
        }
        return indices.count == 1 ? .index(first) : .indices(indices)
    }

    private mutating func parseInteger(optional: Bool) throws(JSONPathSyntaxError) -> Int? {
        let start = position
        _ = take("-")
        while let next = peek(), next.isASCII, next.isNumber { position += 1 }
        let text = String(characters[start..<position])
        guard let value = Int(text) else {
            if optional && text.isEmpty { return nil }
            throw error("expected an integer")
        }
        return value
    }

    /// A string in single or double quotes; `\` escapes the next character.
    private mutating func parseQuoted() throws(JSONPathSyntaxError) -> String {
        guard let quote = peek(), quote == "'" || quote == "\"" else { throw error("expected a quoted name") }
        position += 1
        var text = ""
        while let next = peek() {
            position += 1
            if next == quote { return text }
            if next == "\\", let escaped = peek() {
                position += 1
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.append(escaped)
                }
            } else {
                text.append(next)
            }
        }
        throw error("unterminated string")
    }

    // MARK: Filters

    private mutating func parseOr() throws(JSONPathSyntaxError) -> JSONPathExpression.Filter {
        var filter = try parseAnd()
        while skipSpaces(), take("||") {
            try countOperator()
            filter = .or(filter, try parseAnd())
        }
        return filter
    }

    private mutating func parseAnd() throws(JSONPathSyntaxError) -> JSONPathExpression.Filter {
        var filter = try parseUnary()
        while skipSpaces(), take("&&") {
            try countOperator()
            filter = .and(filter, try parseUnary())
        }
        return filter
    }

    private mutating func parseUnary() throws(JSONPathSyntaxError) -> JSONPathExpression.Filter {
        skipSpaces()
        if peek() == "!" && peek(1) != "=" {
            position += 1
            try countOperator()
            return .not(try parseUnary())
        }
        if take("(") {
            try countOperator()
            let inner = try parseOr()
            skipSpaces()
            try expect(")")
            return inner
        }
        let left = try parseOperand()
        skipSpaces()
        guard let comparison = parseComparison() else {
            guard case .path(let path) = left else { throw error("expected a comparison after a value") }
            return .exists(path)
        }
        skipSpaces()
        return .compare(left, comparison, try parseOperand())
    }

    private mutating func parseComparison() -> JSONPathExpression.Comparison? {
        for comparison in [JSONPathExpression.Comparison.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater]
        where take(comparison.rawValue) {
            return comparison
        }
        return nil
    }

    private mutating func parseOperand() throws(JSONPathSyntaxError) -> JSONPathExpression.Operand {
        guard let next = peek() else { throw error("expected a value") }
        if next == "@" || next == "$" { return .path(try parseRooted()) }
        if next == "'" || next == "\"" { return .literal(.string(try parseQuoted())) }
        for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] where take(word) {
            return .literal(value)
        }
        let start = position
        while let character = peek(), character.isASCII, character.isNumber || "+-.eE".contains(character) { position += 1 }
        let text = String(characters[start..<position])
        if let whole = Int(text) { return .literal(.integer(whole)) }
        if let number = Double(text) { return .literal(.number(number)) }
        position = start
        throw error("expected a value")
    }

    private mutating func countOperator() throws(JSONPathSyntaxError) {
        operators += 1
        if operators > Self.maxOperators { throw error("more than \(Self.maxOperators) filters and operators (?, !, (, &&, ||)") }
    }

    // MARK: Characters

    private func peek(_ offset: Int = 0) -> Character? {
        position + offset < characters.count ? characters[position + offset] : nil
    }

    /// Consumes `text` when it comes next.
    private mutating func take(_ text: String) -> Bool {
        var index = position
        for character in text {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
        }
        position = index
        return true
    }

    private mutating func expect(_ text: String) throws(JSONPathSyntaxError) {
        guard take(text) else {
            throw error(peek().map { "expected '\(text)' but found '\($0)'" } ?? "expected '\(text)' at the end")
        }
    }

    /// Skips blanks; always true, so that it can lead a `while` condition.
    @discardableResult
    private mutating func skipSpaces() -> Bool {
        while let next = peek(), next.isWhitespace { position += 1 }
        return true
    }

    private func error(_ message: String) -> JSONPathSyntaxError {
        JSONPathSyntaxError(message: "\(message) at character \(position + 1)")
    }
}
