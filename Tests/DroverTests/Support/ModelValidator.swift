import Foundation

/// scripts/aws-model-validate.py, the strict checker of AWS Batch bodies against botocore's model.
enum ModelValidator {
    /// Every problem the model finds in `body` as `operation`'s response (its request with `input`), one per line;
    /// empty when there is none.
    static func problems(_ operation: String, _ body: String, input: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Sandbox.packageRoot.appendingPathComponent("scripts/aws-model-validate.py").path]
            + (input ? ["--input"] : []) + [operation, "-"]
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(body.utf8))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return process.terminationStatus == 0 ? text : (text.isEmpty ? "exit status \(process.terminationStatus)" : text)
    }
}
