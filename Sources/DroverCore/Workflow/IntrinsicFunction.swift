import Foundation

/// An intrinsic function call, as a `.$` field (or a Fail state's `ErrorPath`/`CausePath`) writes it:
/// `States.Format('Hello, {}', $.name)`. Arguments are literals (`'text'` with `\'`, `\{`, `\}`, `\\` escapes,
/// numbers, `true`, `false`, `null`), paths (`$.x`, `$$.Map.Item.Value`) or nested calls (at most 10 deep).
public struct IntrinsicFunction: Sendable, Equatable {
    /// One argument of a call.
    public indirect enum Argument: Sendable, Equatable {
        /// A string literal: its value, and its text as written between the quotes (which `States.Format` needs, to
        /// tell `{}` from `\{\}`).
        case string(String, written: String)
        /// A number without a fraction or exponent (`3`, `-1`).
        case integer(Int)
        /// Any other number (`2.5`, `1e3`).
        case number(Double)
        /// `true` or `false`.
        case bool(Bool)
        /// `null`.
        case null
        /// A path over the input (`$`) or the context object (`$$`), with its text.
        case path(JSONPathExpression, text: String)
        /// A nested call.
        case function(IntrinsicFunction)
    }

    /// How many arguments each function takes (nil: no upper limit).
    static let arities: [String: (min: Int, max: Int?)] = [
        "States.Format": (1, nil), "States.StringToJson": (1, 1), "States.JsonToString": (1, 1),
        "States.Array": (0, nil), "States.ArrayPartition": (2, 2), "States.ArrayContains": (2, 2),
        "States.ArrayRange": (3, 3), "States.ArrayGetItem": (2, 2), "States.ArrayLength": (1, 1),
        "States.ArrayUnique": (1, 1), "States.Base64Encode": (1, 1), "States.Base64Decode": (1, 1),
        "States.JsonMerge": (3, 3), "States.MathRandom": (2, 3), "States.MathAdd": (2, 2),
        "States.StringSplit": (2, 2), "States.UUID": (0, 0),
    ]

    /// The most calls one field may nest.
    public static let maximumNesting = 10

    /// The function's name (`States.Format`).
    public var name: String
    /// Its arguments, in order.
    public var arguments: [Argument]

    /// Creates a call.
    public init(name: String, arguments: [Argument]) {
        self.name = name
        self.arguments = arguments
    }

    /// Parses `text`; anything wrong (syntax, an unknown function, a wrong number of arguments, a bad path, a
    /// `States.Format` whose `{}` do not match its arguments) throws `States.IntrinsicFailure` saying what.
    public init(parsing text: String) throws(StatesError) {
        var parser = IntrinsicFunctionParser(text)
        let function: IntrinsicFunction
        do {
            function = try parser.parseWhole()
        } catch {
            throw StatesError(StatesError.intrinsicFailure, "Invalid intrinsic function '\(text)': \(error.message)")
        }
        if let problem = function.staticProblem(depth: 1) {
            throw StatesError(StatesError.intrinsicFailure, "Invalid intrinsic function '\(text)': \(problem)")
        }
        self = function
    }

    /// True when `text` is written as a call (`States.` then a name and `(`), not as a path: what a `.$` value
    /// must be when it is not a path.
    public static func looksLikeCall(_ text: String) -> Bool {
        text.hasPrefix("States.")
    }

    /// What is wrong with `text` as an intrinsic function call, nil when nothing is (the check validation runs).
    public static func problem(in text: String) -> String? {
        do {
            _ = try IntrinsicFunction(parsing: text)
            return nil
        } catch {
            return error.cause
        }
    }

    /// A problem found without running the call: arity, nesting, a literal template's placeholders.
    private func staticProblem(depth: Int) -> String? {
        if depth > Self.maximumNesting { return "more than \(Self.maximumNesting) nested functions" }
        if name == "States.Hash" { return "States.Hash is not supported" }
        guard let arity = Self.arities[name] else { return "unknown function \(name)" }
        if arguments.count < arity.min || arguments.count > (arity.max ?? Int.max) {
            let expected = arity.min == arity.max ? "\(arity.min)" : arity.max.map { "\(arity.min) to \($0)" } ?? "at least \(arity.min)"
            return "\(name) takes \(expected) argument\(expected == "1" ? "" : "s"), not \(arguments.count)"
        }
        if name == "States.Format", case .string(_, let written) = arguments[0] {
            let placeholders = Self.templatePieces(escaped: written).count - 1
            if placeholders != arguments.count - 1 {
                return "States.Format's template has \(placeholders) {} but \(arguments.count - 1) value\(arguments.count == 2 ? "" : "s") follow"
            }
        }
        for argument in arguments {
            if case .function(let inner) = argument, let problem = inner.staticProblem(depth: depth + 1) { return problem }
        }
        return nil
    }

    /// A `States.Format` template as written (escapes kept) cut at each unescaped `{}`, the pieces unescaped.
    static func templatePieces(escaped text: String) -> [String] {
        var pieces = [""]
        var characters = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if character == "\\" {
                if let escaped = characters.next() { pieces[pieces.count - 1].append(escaped) }
            } else if character == "{" {
                let next = characters.next()
                if next == "}" {
                    pieces.append("")
                } else {
                    pieces[pieces.count - 1].append(character)
                    pending = next
                }
            } else {
                pieces[pieces.count - 1].append(character)
            }
        }
        return pieces
    }

    /// A template that comes from the input (not written in the definition): cut at each `{}`.
    static func templatePieces(plain text: String) -> [String] {
        text.components(separatedBy: "{}")
    }
}
