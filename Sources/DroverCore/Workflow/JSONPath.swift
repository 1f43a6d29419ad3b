/// JSONPath as Step Functions implements it (Jayway JsonPath): `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `.*`,
/// `..name`, `[1:3]`, `[0,2]`, `['a','b']`, `[?(@.price < 10)]`; a path starting `$$` reads the context object.
/// See ``JSONPathExpression`` for the parsed form.
public enum JSONPath {
    /// What is wrong with `text` as a path (nil when it is a valid one); `reference`: only a Reference Path
    /// (no wildcards, filters, slices or `..`) is allowed. `$$` paths name the context object.
    public static func problem(in text: String, reference: Bool) -> String? {
        let path: JSONPathExpression
        do {
            path = try JSONPathParser.parse(text)
        } catch {
            return "'\(text)' is not a valid JSONPath: \(error.message)"
        }
        if reference && !path.isReference {
            return "'\(text)' is not a Reference Path: only .name, ['name'] and [n] steps are allowed"
        }
        return nil
    }

    /// The value `path` selects: from `input`, or from `context` for a `$$` path. A definite path that selects
    /// nothing throws `States.Runtime`; an indefinite one (wildcards, filters...) gives the array of its matches.
    public static func value(of path: String, in input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        let expression = try JSONPathExpression(parsing: path)
        guard let value = expression.select(input: input, context: context) else {
            throw StatesError(StatesError.runtime, "Invalid path '\(path)' : No results for path: \(expression)")
        }
        return value
    }

    /// ``value(of:in:context:)`` for the state field `field` (`InputPath`, `OutputPath`, `ItemsPath`...): a definite
    /// path that selects nothing throws `error` (`States.Runtime` unless told) with Step Functions' cause,
    /// "The JSONPath '$.x' specified for the field 'InputPath' could not be found in the input '{...}'".
    public static func value(of path: String, in input: JSONValue, context: JSONValue, field: String,
                             error: String = StatesError.runtime) throws(StatesError) -> JSONValue {
        let expression = try JSONPathExpression(parsing: path)
        guard let value = expression.select(input: input, context: context) else {
            throw notFound(path, field: field, in: expression.root == .context ? context : input, error: error)
        }
        return value
    }

    /// The error for `path`, given for `field`, selecting nothing in `document`.
    static func notFound(_ path: String, field: String, in document: JSONValue, error: String) -> StatesError {
        StatesError(error, "The JSONPath '\(path)' specified for the field '\(field)' could not be found in the input '\(document.document)'")
    }
}
