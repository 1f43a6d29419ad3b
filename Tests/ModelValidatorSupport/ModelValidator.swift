import Foundation

/// scripts/aws-model-validate.py, the strict checker of AWS Batch bodies against botocore's model, for the tests of
/// the API and of the CLI's `--output json`.
public enum ModelValidator {
    /// Runs the validator with `arguments` and `input` on its standard input: its exit status and output.
    public static func run(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        try Python.run([Python.scripts.appendingPathComponent("aws-model-validate.py").path] + arguments, input: Data(input.utf8))
    }

    /// Every problem the model finds in `body` as `operation`'s response (its request with `input`), one per line;
    /// empty when there is none.
    public static func problems(_ operation: String, _ body: String, input: Bool = false) throws -> String {
        let (status, output) = try run((input ? ["--input"] : []) + [operation, "-"], input: body)
        return status == 0 ? output : (output.isEmpty ? "exit status \(status)" : output)
    }
}
