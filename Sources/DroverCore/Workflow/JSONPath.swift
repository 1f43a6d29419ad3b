// Placeholder: the data language (JSONPath as Step Functions implements it) is being written; see DataFlow.swift.

/// JSONPath as Step Functions implements it.
public enum JSONPath {
    /// What is wrong with `text` as a path (nil when it is a valid one); `reference`: only a Reference Path
    /// (no wildcards, filters, slices or `..`) is allowed. `$$` paths name the context object.
    public static func problem(in text: String, reference: Bool) -> String? {
        text.hasPrefix("$") ? nil : "must start with $ or $$"
    }

    /// The value `path` selects: from `input`, or from `context` for a `$$` path. A definite path that selects
    /// nothing throws `States.Runtime`; an indefinite one (wildcards, filters...) gives the array of its matches.
    public static func value(of path: String, in input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        if path == "$" { return input }
        if path == "$$" { return context }
        throw StatesError(StatesError.runtime, "not yet implemented: \(path)")
    }
}
