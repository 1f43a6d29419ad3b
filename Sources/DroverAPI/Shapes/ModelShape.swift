import DroverCore

/// A shape of AWS Batch's model (botocore's `service-2.json`), as far as the resource operations need it: requests
/// are checked against their shape (``checked(_:at:problems:)``) and responses written through theirs
/// (``projected(_:)``), so that they carry the model's members only, with the model's types. The shapes themselves
/// are generated into `BatchModelShapes.swift` by `scripts/batch-model-shapes.py`.
indirect enum ModelShape: Sendable {
    case string
    /// A string of a length (in characters) within the range.
    case boundedString(ClosedRange<Int>)
    /// One of the model's values; `drover` lists values Drover also accepts in requests (its extensions).
    case enumeration([String], drover: [String] = [])
    /// A 32-bit integer.
    case integer
    /// A 64-bit integer.
    case long
    /// An integer within the range.
    case boundedInteger(ClosedRange<Int64>)
    case double
    case boolean
    case list(ModelShape)
    /// An object whose values have this shape (string keys).
    case map(ModelShape)
    case structure(ModelStructure)
    /// A member of the model Drover does not perform: a request that gives it is refused with this reason.
    case unsupported(String)

    /// A structure shape.
    static func structure(_ name: String, required: Set<String>, members: [String: ModelShape]) -> ModelShape {
        .structure(ModelStructure(name: name, required: required, members: members))
    }
}

/// The members of a structure shape.
struct ModelStructure: Sendable {
    /// The model's name of the shape.
    var name: String
    /// Members a value must have.
    var required: Set<String>
    /// Members, by JSON name.
    var members: [String: ModelShape]
}

// MARK: - Requests

extension ModelShape {
    /// `value` with enumeration values spelled as the model spells them (AWS takes `retry` for `RETRY`); every
    /// problem (a wrong type, a missing required member, a value not in an enumeration, a member Drover does not
    /// support) is added to `problems` as `PATH: what is wrong`. Members the model does not know are kept as given.
    func checked(_ value: JSONValue, at path: String, problems: inout [String]) -> JSONValue {
        func problem(_ expected: String) -> JSONValue {
            problems.append("\(path.isEmpty ? "the request body" : path): expected \(expected), got \(Self.kind(of: value))")
            return value
        }
        switch self {
        case .string:
            return value.string == nil ? problem("a string") : value
        case .boundedString(let range):
            guard let text = value.string else { return problem("a string") }
            if !range.contains(text.count) {
                problems.append("\(path): must be \(range.lowerBound) to \(range.upperBound) characters long (got \(text.count))")
            }
            return value
        case .enumeration(let values, let drover):
            guard let text = value.string else { return problem(Self.choice(values)) }
            if let match = Self.spelling(text, in: values + drover) { return .string(match) }
            problems.append("\(path): must be \(Self.choice(values)) (got '\(text)')")
            return value
        case .integer, .long, .boundedInteger:
            guard let whole = value.integer else { return problem("an integer") }
            if let range = integerRange, !range.contains(Int64(whole)) {
                problems.append("\(path): must be between \(range.lowerBound) and \(range.upperBound) (got \(whole))")
            }
            return value
        case .double:
            switch value {
            case .integer, .number: return value
            default: return problem("a number")
            }
        case .boolean:
            guard case .bool = value else { return problem("true or false") }
            return value
        case .list(let item):
            guard let items = value.array else { return problem("a list") }
            return .array(items.enumerated().map { item.checked($0.element, at: "\(path)[\($0.offset)]", problems: &problems) })
        case .map(let item):
            guard let members = value.object else { return problem("an object") }
            return .object(Dictionary(uniqueKeysWithValues: members.sorted { $0.key < $1.key }.map {
                ($0.key, item.checked($0.value, at: Self.path(path, $0.key), problems: &problems))
            }))
        case .structure(let structure):
            guard var members = value.object else { return problem("an object") }
            for name in structure.required.sorted() where (members[name] ?? .null) == .null {
                problems.append("\(Self.path(path, name)): is required")
            }
            for (name, member) in structure.members.sorted(by: { $0.key < $1.key }) {
                guard let given = members[name], given != .null else { continue }
                if case .unsupported(let reason) = member {
                    problems.append("\(Self.path(path, name)): \(reason)")
                    continue
                }
                members[name] = member.checked(given, at: Self.path(path, name), problems: &problems)
            }
            return .object(members)
        case .unsupported(let reason):
            problems.append("\(path): \(reason)")
            return value
        }
    }

    var integerRange: ClosedRange<Int64>? {
        switch self {
        case .integer: Int64(Int32.min)...Int64(Int32.max)
        case .boundedInteger(let range): range
        default: nil
        }
    }

    /// The value of `values` that `text` is, ignoring case.
    static func spelling(_ text: String, in values: [String]) -> String? {
        let key = text.uppercased()
        return values.first { $0.uppercased() == key }
    }

    static func path(_ base: String, _ member: String) -> String {
        base.isEmpty ? member : "\(base).\(member)"
    }

    /// `A or B`, or `one of A, B, C`.
    static func choice(_ values: [String]) -> String {
        values.count == 2 ? "\(values[0]) or \(values[1])" : "one of " + values.joined(separator: ", ")
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "true or false"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

// MARK: - Responses

extension ModelShape {
    /// `value` as the model allows it in a response: members the model does not know are left out; numbers and
    /// booleans written where the model has strings (as YAML job files do) become strings, and the reverse;
    /// enumeration values take the model's spelling. A value that cannot be made to fit is nil, and so is a
    /// structure that lacks a required member: the caller leaves it out rather than send what AWS never sends.
    func projected(_ value: JSONValue) -> JSONValue? {
        switch self {
        case .string, .boundedString:
            switch value {
            case .string: return value
            case .integer(let whole): return .string(String(whole))
            case .number(let number): return .string(DroverAPIFormat.number(number))
            case .bool(let flag): return .string(String(flag))
            default: return nil
            }
        case .enumeration(let values, _):
            guard let text = value.string else { return nil }
            return Self.spelling(text, in: values).map(JSONValue.string)
        case .integer, .long, .boundedInteger:
            let whole: Int64? = switch value {
            case .integer(let whole): Int64(whole)
            case .number(let number): Int64(exactly: number)
            case .string(let text): Int64(text)
            default: nil
            }
            guard let whole, integerRange?.contains(whole) ?? true, let value = Int(exactly: whole) else { return nil }
            return .integer(value)
        case .double:
            switch value {
            case .integer, .number: return value
            case .string(let text): return Double(text).flatMap { $0.isFinite ? JSONValue.number($0) : nil }
            default: return nil
            }
        case .boolean:
            switch value {
            case .bool: return value
            case .string(let text) where ["true", "false"].contains(text.lowercased()): return .bool(text.lowercased() == "true")
            default: return nil
            }
        case .list(let item):
            return value.array.map { .array($0.compactMap(item.projected)) }
        case .map(let item):
            return value.object.map { .object($0.compactMapValues(item.projected)) }
        case .structure(let structure):
            guard let result = structure.projectedMembers(value), structure.required.allSatisfy({ result[$0] != nil }) else { return nil }
            return result
        case .unsupported:
            return nil
        }
    }
}

extension ModelStructure {
    /// The members of `value` (an object) that the structure has, each through its shape (see
    /// ``ModelShape/projected(_:)``), whether or not the required ones are there; nil when `value` is not an object.
    func projectedMembers(_ value: JSONValue) -> JSONValue? {
        guard let given = value.object else { return nil }
        var result: [String: JSONValue] = [:]
        for (name, item) in given {
            if let member = members[name], let fitted = member.projected(item) { result[name] = fitted }
        }
        return .object(result)
    }
}
