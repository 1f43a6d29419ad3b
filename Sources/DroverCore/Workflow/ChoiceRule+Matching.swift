extension ChoiceRule {
    /// Whether the rule holds for `input`. A `Variable` that selects nothing makes `IsPresent` false, and any other
    /// comparison throw `States.Runtime`, as in Step Functions; so does a comparator ending in `Path` whose path
    /// selects nothing.
    ///
    /// Comparisons of values of the wrong type are false (`NumericEquals` on a string); strings compare by UTF-16
    /// code unit, numbers by value (`1` equals `1.0`), timestamps (RFC 3339 strings) by instant. `IsNull`,
    /// `IsPresent`, `IsNumeric`, `IsString`, `IsBoolean` and `IsTimestamp` take `true` or `false`: `false` asks for
    /// the opposite. `StringMatches` takes a pattern where `*` stands for any text (`\*` is a star, `\\` a backslash).
    public func matches(_ input: JSONValue, context: JSONValue) throws(StatesError) -> Bool {
        switch self {
        case .and(let rules):
            for rule in rules {
                if try !rule.matches(input, context: context) { return false }
            }
            return true
        case .or(let rules):
            for rule in rules {
                if try rule.matches(input, context: context) { return true }
            }
            return false
        case .not(let rule):
            return try !rule.matches(input, context: context)
        case .test(let variable, let comparator, let operand):
            let value = try JSONPathExpression(parsing: variable).select(input: input, context: context)
            if value == nil, comparator != "IsPresent" {
                throw StatesError(StatesError.runtime, "Invalid path '\(variable)': The choice state's condition path references an invalid value.")
            }
            return try Self.test(value, comparator, operand, input: input, context: context)
        }
    }

    /// The comparators that test a value's type or presence and take `true` or `false`.
    private static let typeTests: [String: @Sendable (JSONValue) -> Bool] = [
        "IsNull": { $0 == .null },
        "IsNumeric": { $0.numberValue != nil },
        "IsString": { $0.string != nil },
        "IsBoolean": { if case .bool = $0 { true } else { false } },
        "IsTimestamp": { $0.string.flatMap(RFC3339Timestamp.init) != nil },
    ]

    private static func test(_ value: JSONValue?, _ comparator: String, _ operand: JSONValue,
                             input: JSONValue, context: JSONValue) throws(StatesError) -> Bool {
        if comparator == "IsPresent" {
            guard case .bool(let wanted) = operand else { throw badOperand(comparator, operand) }
            return (value != nil) == wanted
        }
        if let typeTest = typeTests[comparator] {
            guard case .bool(let wanted) = operand else { throw badOperand(comparator, operand) }
            guard let value else { return false }
            return typeTest(value) == wanted
        }
        var name = comparator
        var expected = operand
        if comparator.hasSuffix("Path") {
            name = String(comparator.dropLast(4))
            guard let path = operand.string else { throw badOperand(comparator, operand) }
            expected = try JSONPath.value(of: path, in: input, context: context, field: comparator)
        }
        guard let value else { return false }
        if name == "StringMatches" {
            guard let text = value.string, let pattern = expected.string else { return false }
            return Self.wildcardMatch(text, pattern: pattern)
        }
        let orders: [(String, (JSONValue, JSONValue) -> Int?)] = [
            ("String", stringOrder), ("Numeric", numericOrder), ("Boolean", booleanOrder), ("Timestamp", timestampOrder),
        ]
        for (prefix, order) in orders where name.hasPrefix(prefix) {
            guard let relation = Relation(rawValue: String(name.dropFirst(prefix.count))) else { break }
            guard let order = order(value, expected) else { return false }
            return relation.holds(order)
        }
        throw StatesError(StatesError.runtime, "Unknown Choice comparator '\(comparator)'")
    }

    private static func badOperand(_ comparator: String, _ operand: JSONValue) -> StatesError {
        StatesError(StatesError.runtime, "The Choice comparator '\(comparator)' cannot take \(operand.kind) (\(operand.document))")
    }

    /// A comparator's relation, after its type prefix.
    private enum Relation: String {
        case equals = "Equals"
        case lessThan = "LessThan"
        case greaterThan = "GreaterThan"
        case lessThanEquals = "LessThanEquals"
        case greaterThanEquals = "GreaterThanEquals"

        func holds(_ order: Int) -> Bool {
            switch self {
            case .equals: order == 0
            case .lessThan: order < 0
            case .greaterThan: order > 0
            case .lessThanEquals: order <= 0
            case .greaterThanEquals: order >= 0
            }
        }
    }

    private static func stringOrder(_ value: JSONValue, _ expected: JSONValue) -> Int? {
        guard let left = value.string, let right = expected.string else { return nil }
        return JSONValue.compareUTF16(left, right)
    }

    private static func numericOrder(_ value: JSONValue, _ expected: JSONValue) -> Int? {
        guard value.numberValue != nil, expected.numberValue != nil else { return nil }
        return value.statesCompare(expected)
    }

    /// Booleans only test equality: anything but `Equals` is never true for them.
    private static func booleanOrder(_ value: JSONValue, _ expected: JSONValue) -> Int? {
        guard case .bool(let left) = value, case .bool(let right) = expected else { return nil }
        return left == right ? 0 : nil
    }

    private static func timestampOrder(_ value: JSONValue, _ expected: JSONValue) -> Int? {
        guard let left = value.string.flatMap(RFC3339Timestamp.init),
              let right = expected.string.flatMap(RFC3339Timestamp.init) else { return nil }
        return left < right ? -1 : left == right ? 0 : 1
    }

    /// Whether `text` matches `pattern`: `*` matches any run of characters, `\*` a star, `\\` a backslash.
    static func wildcardMatch(_ text: String, pattern: String) -> Bool {
        enum Token: Equatable { case character(Character), star }
        var tokens: [Token] = []
        var characters = pattern.makeIterator()
        while let character = characters.next() {
            if character == "\\", let escaped = characters.next() {
                tokens.append(.character(escaped))
            } else {
                tokens.append(character == "*" ? .star : .character(character))
            }
        }
        let text = Array(text)
        // Greedy matching with one backtrack point: the last star seen.
        var textIndex = 0, tokenIndex = 0
        var starToken: Int? = nil, starText = 0
        while textIndex < text.count {
            if tokenIndex < tokens.count, tokens[tokenIndex] == .character(text[textIndex]) {
                textIndex += 1
                tokenIndex += 1
            } else if tokenIndex < tokens.count, tokens[tokenIndex] == .star {
                starToken = tokenIndex
                starText = textIndex
                tokenIndex += 1
            } else if let star = starToken {
                tokenIndex = star + 1
                starText += 1
                textIndex = starText
            } else {
                return false
            }
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .star { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }
}
