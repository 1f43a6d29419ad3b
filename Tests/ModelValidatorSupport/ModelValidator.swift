import Foundation

/// scripts/aws-model-validate.py, the strict checker of AWS Batch bodies against botocore's model, for the tests of
/// the API and of the CLI's `--output json`.
public enum ModelValidator {
    /// The package's root folder.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// Runs the validator with `arguments` and `input` on its standard input: its exit status and output.
    public static func run(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("scripts/aws-model-validate.py").path] + arguments
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Every problem the model finds in `body` as `operation`'s response (its request with `input`), one per line;
    /// empty when there is none.
    public static func problems(_ operation: String, _ body: String, input: Bool = false) throws -> String {
        let (status, output) = try run((input ? ["--input"] : []) + [operation, "-"], input: body)
        return status == 0 ? output : (output.isEmpty ? "exit status \(status)" : output)
    }
}
