extension APIError {
    /// A Step Functions error (HTTP 400): `code` is the name of the error's shape in AWS's model
    /// (`ExecutionDoesNotExist`, `InvalidDefinition`...), sent as `__type`.
    static func states(_ code: String, _ message: String) -> APIError {
        APIError(code: code, status: 400, message: message)
    }
}
