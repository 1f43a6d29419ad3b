/// The type of a request member as AWS's model (botocore's) declares it, and what the AWS CLI makes of an option's
/// value with it: JSON when the value starts with `{` or `[`, else shorthand (``ShorthandParser``) whose text the
/// shape types as `aws` does: `"3"` becomes 3 where the model has an integer, `true`/`false` a boolean where it has a
/// boolean, and a single value where a list is expected a list of one.
///
/// Both forms are then checked as botocore checks a request: unknown members and missing required ones are refused,
/// as are values of the wrong type, each problem naming its path (`environment[0].name`).
public indirect enum MemberShape: Sendable {
    case string
    case integer
    case double
    case boolean
    /// A list of values of one shape.
    case list(MemberShape)
    /// Text keys to values of one shape.
    case map(MemberShape)
    /// Named members; `required` must be given.
    case structure([String: MemberShape], required: Set<String> = [])
    /// A member of AWS's model that Drover does not run (`nodeOverrides`...): refused, naming it.
    case unsupported

    /// Reads an option's value, JSON or shorthand. For a list shape, shorthand or a JSON object is one element
    /// (`--depends-on jobId=a,type=N_TO_N` is a list of one); the caller joins the values given.
    public func read(_ text: String) throws(DroverError) -> JSONValue {
        if case .unsupported = self { throw DroverError("this member is not supported by Drover") }
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let value = try JSONValue(parsing: text)
            if case .list(let element) = self, case .object = value {
                try element.check(value, path: "")
                return .array([value])
            }
            try check(value, path: "")
            return value
        }
        guard isComplex else { throw DroverError("expected JSON") }
        let parsed: [String: ShorthandValue]
        do {
            parsed = try ShorthandParser.parse(text)
        } catch {
            throw DroverError("not valid shorthand (key=value,...) or JSON: \(error)")
        }
        return try typed(.object(parsed), path: "")
    }

    /// Types a shorthand value by this shape.
    public func typed(_ value: ShorthandValue, path: String) throws(DroverError) -> JSONValue {
        switch (self, value) {
        case (.string, .scalar(let text)):
            return .string(text)
        case (.integer, .scalar(let text)):
            guard let whole = Int(text) else { throw Self.problem(path, "expected an integer (got '\(text)')") }
            return .integer(whole)
        case (.double, .scalar(let text)):
            guard let number = Double(text), number.isFinite else { throw Self.problem(path, "expected a number (got '\(text)')") }
            return .number(number)
        case (.boolean, .scalar(let text)):
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw Self.problem(path, "expected true or false (got '\(text)')")
            }
        case (.list(let element), .list(let values)):
            var result: [JSONValue] = []
            for (index, item) in values.enumerated() { result.append(try element.typed(item, path: "\(path)[\(index)]")) }
            return .array(result)
        case (.list(let element), _):
            return .array([try element.typed(value, path: "\(path)[0]")])
        case (.map(let element), .object(let members)):
            var result: [String: JSONValue] = [:]
            for (key, item) in members { result[key] = try element.typed(item, path: Self.join(path, key)) }
            return .object(result)
        case (.structure(let shapes, let required), .object(let members)):
            var result: [String: JSONValue] = [:]
            for (key, item) in members.sorted(by: { $0.key < $1.key }) {
                result[key] = try member(key, of: shapes, path: path).typed(item, path: Self.join(path, key))
            }
            try Self.requireMembers(required, in: result, path: path)
            return .object(result)
        case (.unsupported, _):
            throw DroverError("\(path.isEmpty ? "this member" : path) is not supported by Drover")
        default:
            throw Self.problem(path, "expected \(expected)")
        }
    }

    /// Checks a JSON value against this shape, as botocore validates a request.
    public func check(_ value: JSONValue, path: String) throws(DroverError) {
        switch (self, value) {
        case (.string, .string), (.integer, .integer), (.double, .integer), (.double, .number), (.boolean, .bool):
            return
        case (.list(let element), .array(let values)):
            for (index, item) in values.enumerated() { try element.check(item, path: "\(path)[\(index)]") }
        case (.map(let element), .object(let members)):
            for (key, item) in members.sorted(by: { $0.key < $1.key }) { try element.check(item, path: Self.join(path, key)) }
        case (.structure(let shapes, let required), .object(let members)):
            for (key, item) in members.sorted(by: { $0.key < $1.key }) {
                try member(key, of: shapes, path: path).check(item, path: Self.join(path, key))
            }
            try Self.requireMembers(required, in: members, path: path)
        case (.unsupported, _):
            throw DroverError("\(path.isEmpty ? "this member" : path) is not supported by Drover")
        default:
            throw Self.problem(path, "expected \(expected), got \(value.kind)")
        }
    }

    /// Whether the AWS CLI takes shorthand for this shape: a structure, a map, or a list of those.
    var isComplex: Bool {
        switch self {
        case .structure, .map: true
        case .list(let element): if case .structure = element { true } else { false }
        default: false
        }
    }

    var expected: String {
        switch self {
        case .string: "text"
        case .integer: "an integer"
        case .double: "a number"
        case .boolean: "true or false"
        case .list: "a list"
        case .map: "key=value pairs"
        case .structure(let shapes, _): "members (\(shapes.keys.sorted().joined(separator: ", ")))"
        case .unsupported: "nothing"
        }
    }

    func member(_ key: String, of shapes: [String: MemberShape], path: String) throws(DroverError) -> MemberShape {
        guard let shape = shapes[key] else {
            throw Self.problem(path, "unknown member '\(key)', expected one of \(shapes.keys.sorted().joined(separator: ", "))")
        }
        return shape
    }

    static func requireMembers(_ required: Set<String>, in members: [String: JSONValue], path: String) throws(DroverError) {
        if let missing = required.sorted().first(where: { members[$0] == nil }) {
            throw problem(path, "missing required member '\(missing)'")
        }
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func problem(_ path: String, _ message: String) -> DroverError {
        DroverError(path.isEmpty ? message : "\(path): \(message)")
    }
}
