/// Reads an intrinsic function call's text into an ``IntrinsicFunction`` (syntax only: names and arities are checked
/// afterwards).
struct IntrinsicFunctionParser {
    private let characters: [Character]
    private var position = 0

    init(_ text: String) {
        characters = Array(text)
    }

    /// The whole text as one call.
    mutating func parseWhole() throws(JSONPathSyntaxError) -> IntrinsicFunction {
        skipSpaces()
        let function = try parseCall()
        skipSpaces()
        if let extra = peek() { throw error("unexpected '\(extra)' after the call") }
        return function
    }

    /// `States.Name(argument, ...)`.
    private mutating func parseCall() throws(JSONPathSyntaxError) -> IntrinsicFunction {
        let start = position
        while let next = peek(), next.isLetter || next.isNumber || next == "." { position += 1 }
        let name = String(characters[start..<position])
        guard name.hasPrefix("States."), name.count > "States.".count else { throw error("expected a function such as States.Format") }
        skipSpaces()
        guard take("(") else { throw error("expected '(' after \(name)") }
        var arguments: [IntrinsicFunction.Argument] = []
        skipSpaces()
        if take(")") { return IntrinsicFunction(name: name, arguments: arguments) }
        while true {
            skipSpaces()
            arguments.append(try parseArgument())
            skipSpaces()
            if take(")") { break }
            guard take(",") else { throw error(peek().map { "expected ',' or ')' but found '\($0)'" } ?? "missing ')'") }
        }
        return IntrinsicFunction(name: name, arguments: arguments)
    }

    private mutating func parseArgument() throws(JSONPathSyntaxError) -> IntrinsicFunction.Argument {
        guard let next = peek() else { throw error("missing argument") }
        if next == "'" { return try parseString() }
        if next == "$" { return try parsePath() }
        if next == "S" { return .function(try parseCall()) }
        for (word, value) in [("true", IntrinsicFunction.Argument.bool(true)), ("false", .bool(false)), ("null", .null)] {
            if take(word) { return value }
        }
        let start = position
        while let character = peek(), character.isASCII, character.isNumber || "+-.eE".contains(character) { position += 1 }
        let text = String(characters[start..<position])
        if let whole = Int(text) { return .integer(whole) }
        if let number = Double(text), number.isFinite { return .number(number) }
        position = start
        throw error("expected an argument (a 'string', a number, true, false, null, a path or a function)")
    }

    /// `'text'`: `\` escapes `'`, `{`, `}` and `\`.
    private mutating func parseString() throws(JSONPathSyntaxError) -> IntrinsicFunction.Argument {
        position += 1
        var value = "", written = ""
        while let next = peek() {
            position += 1
            if next == "'" { return .string(value, written: written) }
            written.append(next)
            if next == "\\" {
                guard let escaped = peek() else { break }
                guard "'{}\\".contains(escaped) else { throw error("'\\\(escaped)' is not an escape (only \\', \\{, \\} and \\\\ are)") }
                position += 1
                written.append(escaped)
                value.append(escaped)
            } else {
                value.append(next)
            }
        }
        throw error("unterminated string")
    }

    /// A path: up to the `,` or `)` that ends the argument (outside brackets and quotes).
    private mutating func parsePath() throws(JSONPathSyntaxError) -> IntrinsicFunction.Argument {
        let start = position
        var depth = 0
        var quote: Character? = nil
        while let next = peek() {
            if let open = quote {
                if next == "\\" { position += 1 } else if next == open { quote = nil }
            } else if next == "'" || next == "\"" {
                quote = next
            } else if next == "[" || next == "(" {
                depth += 1
            } else if next == "]" || (next == ")" && depth > 0) {
                depth -= 1
            } else if depth == 0 && (next == "," || next == ")") {
                break
            }
            position += 1
        }
        let text = String(characters[start..<position]).trimmingSpaces()
        do {
            return .path(try JSONPathParser.parse(text), text: text)
        } catch {
            throw JSONPathSyntaxError(message: "bad path '\(text)': \(error.message)")
        }
    }

    // MARK: Characters

    private func peek() -> Character? {
        position < characters.count ? characters[position] : nil
    }

    private mutating func take(_ text: String) -> Bool {
        var index = position
        for character in text {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
        }
        position = index
        return true
    }

    private mutating func skipSpaces() {
        while let next = peek(), next.isWhitespace { position += 1 }
    }

    private func error(_ message: String) -> JSONPathSyntaxError {
        JSONPathSyntaxError(message: "\(message) at character \(position + 1)")
    }
}

extension String {
    /// The text without blanks at either end.
    func trimmingSpaces() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
