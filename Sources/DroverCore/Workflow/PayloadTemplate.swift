// Placeholder: being written.

/// `Parameters`, `ItemSelector` and `ResultSelector`: JSON whose `.$` keys take a path or an intrinsic function.
public enum PayloadTemplate {
    /// Every problem of `template` found without running it (bad paths, bad intrinsic functions, a `.$` key whose
    /// value is not a string), each with the field path under `field` (`Parameters.JobName.$`).
    public static func problems(in template: JSONValue, field: String) -> [(field: String, message: String)] {
        []
    }

    /// `template` with each `.$` key replaced by the plain key and the value its path or function gives over
    /// `input` (`$`) and `context` (`$$`). A path that selects nothing throws `States.ParameterPathFailure`; a
    /// function given wrong arguments `States.IntrinsicFailure`.
    public static func evaluate(_ template: JSONValue, input: JSONValue, context: JSONValue) throws(StatesError) -> JSONValue {
        template
    }
}
