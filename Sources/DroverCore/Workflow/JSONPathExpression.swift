/// A parsed JSONPath, as Step Functions reads it (Jayway JsonPath): a root (`$`, the input, or `$$`, the context
/// object) and the steps taken from it. Parse once with ``init(parsing:)``, then ``select(input:context:)``.
public struct JSONPathExpression: Sendable, Equatable, CustomStringConvertible {
    /// What a path starts from.
    public enum Root: Sendable, Equatable {
        /// `$`: the state's input (or, in a filter, the whole document).
        case input
        /// `$$`: the context object.
        case context
        /// `@`: the item a filter is testing.
        case current
    }

    /// One step: a selector, applied to the values reached so far or (`..`) to them and all their descendants.
    public struct Segment: Sendable, Equatable {
        /// `..`: the selector applies to every value under the current ones, at any depth, and to them.
        public var recursive: Bool
        /// What the step selects.
        public var selector: Selector

        /// Creates a step.
        public init(recursive: Bool = false, _ selector: Selector) {
            self.recursive = recursive
            self.selector = selector
        }
    }

    /// What one step selects from a value.
    public indirect enum Selector: Sendable, Equatable {
        /// `.name`, `['name']`: an object's member.
        case name(String)
        /// `['a','b']`: several members.
        case names([String])
        /// `[0]`, `[-1]` (counted from the end): an array's item.
        case index(Int)
        /// `[0,2]`: several items.
        case indices([Int])
        /// `[1:3]`, `[:2]`, `[-2:]`: a range of items (end excluded).
        case slice(start: Int?, end: Int?)
        /// `*`, `[*]`: every member or item.
        case wildcard
        /// `[?(@.price < 10)]`: the items (or the object itself) the filter holds for.
        case filter(Filter)
    }

    /// A filter's condition.
    public indirect enum Filter: Sendable, Equatable {
        /// `@.isbn`: the path selects something.
        case exists(JSONPathExpression)
        /// `@.price < 10`.
        case compare(Operand, Comparison, Operand)
        /// `a && b`.
        case and(Filter, Filter)
        /// `a || b`.
        case or(Filter, Filter)
        /// `!a`.
        case not(Filter)
    }

    /// One side of a filter comparison.
    public enum Operand: Sendable, Equatable {
        /// `@.price`, `$.limit`.
        case path(JSONPathExpression)
        /// `10`, `'text'`, `true`, `null`.
        case literal(JSONValue)
    }

    /// A filter's comparison operator: numbers compare by value, strings by UTF-16 code unit; `==` and `!=` compare any
    /// JSON values (`1` equals `1.0`), the others are false for values that are not two numbers or two strings.
    public enum Comparison: String, Sendable, Equatable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    /// Where the path starts.
    public var root: Root
    /// The steps, in order.
    public var segments: [Segment]

    /// Creates a path from its parts.
    public init(root: Root, segments: [Segment]) {
        self.root = root
        self.segments = segments
    }

    /// Parses `text`; a syntax error throws `States.Runtime` with what is wrong.
    public init(parsing text: String) throws(StatesError) {
        do {
            self = try JSONPathParser.parse(text)
        } catch {
            throw StatesError(StatesError.runtime, "Invalid path '\(text)': \(error.message)")
        }
    }

    /// What is wrong with `text` as a path, nil when it parses.
    public static func syntaxProblem(in text: String) -> String? {
        do {
            _ = try JSONPathParser.parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    /// True when the path names at most one value (no `..`, wildcard, filter, slice or union): it then gives that
    /// value, not an array of matches.
    public var isDefinite: Bool {
        segments.allSatisfy { segment in
            guard !segment.recursive else { return false }
            switch segment.selector {
            case .name, .index: return true
            default: return false
            }
        }
    }

    /// True for a Reference Path: only `.name`, `['name']` and `[n]` steps (what `ResultPath` and the `...Path`
    /// fields accept).
    public var isReference: Bool { isDefinite && root != .current }

    /// The path in Jayway's normalized form (`$['a'][0]`), as Step Functions' messages quote it.
    public var description: String {
        var text: String
        switch root {
        case .input: text = "$"
        case .context: text = "$$"
        case .current: text = "@"
        }
        for segment in segments {
            if segment.recursive { text += ".." }
            switch segment.selector {
            case .name(let name): text += "['\(name)']"
            case .names(let names): text += "[" + names.map { "'\($0)'" }.joined(separator: ",") + "]"
            case .index(let index): text += "[\(index)]"
            case .indices(let indices): text += "[" + indices.map(String.init).joined(separator: ",") + "]"
            case .slice(let start, let end): text += "[\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")]"
            case .wildcard: text += "[*]"
            case .filter: text += "[?]"
            }
        }
        return text
    }
}
