// Placeholder: being written.

/// How a state's input becomes its output: `InputPath` → (`Parameters`) → the work → (`ResultSelector`) →
/// `ResultPath` → `OutputPath`, as Step Functions does it.
public enum DataFlow {
    /// The state's effective input: `inputPath` applied to `raw` (`null` gives `{}`); a path that selects nothing
    /// throws `States.Runtime`.
    public static func select(_ raw: JSONValue, path: PathField, context: JSONValue) throws(StatesError) -> JSONValue {
        guard case .path(let text) = path else { return .object([:]) }
        return try JSONPath.value(of: text, in: raw, context: context)
    }

    /// `result` placed into `raw` (the state's raw input) at `resultPath` (`null`: `raw` as it is; `$`: the result
    /// alone). A path through a value that is not an object throws `States.ResultPathMatchFailure`.
    public static func place(_ result: JSONValue, into raw: JSONValue, at resultPath: PathField) throws(StatesError) -> JSONValue {
        switch resultPath {
        case .null: return raw
        case .path("$"): return result
        case .path(let text): throw StatesError(StatesError.resultPathMatchFailure, "not yet implemented: \(text)")
        }
    }
}

extension ChoiceRule {
    /// Whether the rule holds for `input`. A `Variable` that selects nothing makes a comparison false (and
    /// `IsPresent` false); a comparator ending in `Path` whose path selects nothing throws `States.Runtime`.
    public func matches(_ input: JSONValue, context: JSONValue) throws(StatesError) -> Bool {
        false
    }
}
