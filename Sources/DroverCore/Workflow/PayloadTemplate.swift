/// `Parameters`, `ItemSelector` and `ResultSelector`: JSON whose `.$` keys take a path or an intrinsic function.
public enum PayloadTemplate {
    /// Every problem of `template` found without running it (bad paths, bad intrinsic functions, a `.$` key whose
    /// value is not a string), each with the field path under `field` (`Parameters.JobName.$`).
    public static func problems(in template: JSONValue, field: String) -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        collectProblems(in: template, field: field, into: &problems)
        return problems
    }

    private static func collectProblems(in template: JSONValue, field: String, into problems: inout [(field: String, message: String)]) {
        switch template {
        case .object(let members):
            for key in members.keys.sorted() {
                let value = members[key]!
                let path = "\(field).\(key)"
                guard key.hasSuffix(".$") else {
                    collectProblems(in: value, field: path, into: &problems)
                    continue
                }
                guard let text = value.string else {
                    problems.append((path, "must be a string holding a path or an intrinsic function, not \(value.kind)"))
                    continue
                }
                if let problem = expressionProblem(text) { problems.append((path, problem)) }
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                collectProblems(in: item, field: "\(field)[\(index)]", into: &problems)
            }
        default:
            break
        }
    }

    /// What is wrong with a `.$` value: a path (`$...`) or an intrinsic function (`States....`); `reference`: the
    /// path must be a Reference Path (a Fail state's `ErrorPath` and `CausePath`).
    public static func expressionProblem(_ text: String, reference: Bool = false) -> String? {
        if IntrinsicFunction.looksLikeCall(text) { return IntrinsicFunction.problem(in: text) }
        if text.hasPrefix("$") { return JSONPath.problem(in: text, reference: reference) }
        return "'\(text)' is neither a path (starting with $ or $$) nor an intrinsic function (States....)"
    }

    /// The value of one expression, a path or an intrinsic function, as a `.$` field `field` (or a Fail state's
    /// `ErrorPath`) gives it. A path that selects nothing throws `States.ParameterPathFailure`, naming `field`.
    public static func evaluate(expression text: String, field: String, input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try expression(text, key: field, input: input, context: context, using: &generator)
    }

    /// `template` with each `.$` key replaced by the plain key and the value its path or function gives over
    /// `input` (`$`) and `context` (`$$`). A path that selects nothing throws `States.ParameterPathFailure`; a
    /// function given wrong arguments `States.IntrinsicFailure`.
    public static func evaluate(_ template: JSONValue, input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        var generator = SystemRandomNumberGenerator()
        return try evaluate(template, input: input, context: context, using: &generator)
    }

    /// ``evaluate(_:input:context:)`` drawing `States.UUID` and `States.MathRandom` from `generator`.
    public static func evaluate(_ template: JSONValue, input: JSONValue, context: JSONValue,
                                using generator: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        switch template {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, value) in members {
                if key.hasSuffix(".$"), let text = value.string {
                    result[String(key.dropLast(2))] = try expression(text, key: key, input: input, context: context, using: &generator)
                } else {
                    result[key] = try evaluate(value, input: input, context: context, using: &generator)
                }
            }
            return .object(result)
        case .array(let items):
            var result: [JSONValue] = []
            for item in items {
                result.append(try evaluate(item, input: input, context: context, using: &generator))
            }
            return .array(result)
        default:
            return template
        }
    }

    /// The value of the `.$` field `key`'s expression `text`.
    private static func expression(_ text: String, key: String, input: JSONValue, context: JSONValue,
                                   using generator: inout some RandomNumberGenerator) throws(StatesError) -> JSONValue {
        if IntrinsicFunction.looksLikeCall(text) {
            return try IntrinsicFunction(parsing: text).evaluate(input: input, context: context, using: &generator)
        }
        return try JSONPath.value(of: text, in: input, context: context, field: key, error: StatesError.parameterPathFailure)
    }
}
