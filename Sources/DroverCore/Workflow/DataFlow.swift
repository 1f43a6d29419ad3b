/// How a state's input becomes its output: `InputPath` → (`Parameters`) → the work → (`ResultSelector`) →
/// `ResultPath` → `OutputPath`, as Step Functions does it.
public enum DataFlow {
    /// The state's effective input: `inputPath` applied to `raw` (`null` gives `{}`); a path that selects nothing
    /// throws `States.Runtime`.
    public static func select(_ raw: JSONValue, path: PathField, context: JSONValue) throws(StatesError) -> JSONValue {
        guard case .path(let text) = path else { return .object([:]) }
        return try JSONPath.value(of: text, in: raw, context: context)
    }

    /// ``select(_:path:context:)`` for the field `field` (`InputPath`, `OutputPath`, `ItemsPath`): a path that selects
    /// nothing throws `States.Runtime` with a cause naming the path and the field.
    public static func select(_ raw: JSONValue, path: PathField, context: JSONValue, field: String) throws(StatesError) -> JSONValue {
        guard case .path(let text) = path else { return .object([:]) }
        return try JSONPath.value(of: text, in: raw, context: context, field: field)
    }

    /// `result` placed into `raw` (the state's raw input) at `resultPath` (`null`: `raw` as it is; `$`: the result
    /// alone). A path through a value that is not an object throws `States.ResultPathMatchFailure`.
    public static func place(_ result: JSONValue, into raw: JSONValue, at resultPath: PathField) throws(StatesError) -> JSONValue {
        guard case .path(let text) = resultPath else { return raw }
        let path: JSONPathExpression
        do {
            path = try JSONPathExpression(parsing: text)
        } catch {
            throw StatesError(StatesError.resultPathMatchFailure, error.cause)
        }
        guard path.root == .input, path.isReference else {
            throw StatesError(StatesError.resultPathMatchFailure, "ResultPath '\(text)' is not a Reference Path over the input")
        }
        var steps: [JSONPathExpression.Selector] = []
        for segment in path.segments { steps.append(segment.selector) }
        do {
            return try setting(result, at: steps[...], in: raw)
        } catch {
            throw StatesError(StatesError.resultPathMatchFailure,
                              "Unable to apply ResultPath '\(text)' to input '\(raw.document)': \(error.message)")
        }
    }

    /// `value` with `newValue` at `steps` under it: missing members are created as objects; an index must name an
    /// existing item.
    private static func setting(_ newValue: JSONValue, at steps: ArraySlice<JSONPathExpression.Selector>,
                                in value: JSONValue?) throws(JSONPathSyntaxError) -> JSONValue {
        guard let step = steps.first else { return newValue }
        switch step {
        case .name(let name):
            let members: [String: JSONValue]
            switch value {
            case nil: members = [:]
            case .object(let existing): members = existing
            case let other?: throw JSONPathSyntaxError(message: "cannot set '\(name)' in \(other.kind)")
            }
            var updated = members
            updated[name] = try setting(newValue, at: steps.dropFirst(), in: members[name])
            return .object(updated)
        case .index(let index):
            guard case .array(var items) = value else {
                throw JSONPathSyntaxError(message: "cannot set item [\(index)] in \(value?.kind ?? "a missing value")")
            }
            let position = index < 0 ? items.count + index : index
            guard items.indices.contains(position) else {
                throw JSONPathSyntaxError(message: "no item [\(index)] in an array of \(items.count)")
            }
            items[position] = try setting(newValue, at: steps.dropFirst(), in: items[position])
            return .array(items)
        default:
            throw JSONPathSyntaxError(message: "not a Reference Path")
        }
    }

    /// A state's output from its raw input and its result: `resultSelector` (a payload template over the result,
    /// when given), then `resultPath` into `raw`, then `outputPath` (`null`: `{}`). Throws what those steps throw
    /// (`States.ParameterPathFailure`, `States.IntrinsicFailure`, `States.ResultPathMatchFailure`, `States.Runtime`).
    public static func output(raw: JSONValue, result: JSONValue, resultSelector: JSONValue?, resultPath: PathField,
                              outputPath: PathField, context: JSONValue) throws(StatesError) -> JSONValue {
        var selected = result
        if let resultSelector {
            selected = try PayloadTemplate.evaluate(resultSelector, input: result, context: context)
        }
        let placed = try place(selected, into: raw, at: resultPath)
        return try select(placed, path: outputPath, context: context, field: "OutputPath")
    }

    /// A state's effective input: `inputPath` over `raw`, then `parameters` (a payload template, when given).
    public static func input(raw: JSONValue, inputPath: PathField, parameters: JSONValue?, context: JSONValue) throws(StatesError) -> JSONValue {
        let selected = try select(raw, path: inputPath, context: context, field: "InputPath")
        guard let parameters else { return selected }
        return try PayloadTemplate.evaluate(parameters, input: selected, context: context)
    }
}
