import Foundation
import Testing

/// `drover credentials`: the API's key pair as export lines, the same on every call, kept private.
@Suite struct CredentialsCommandTests {
    @Test func printsTheSamePairAsExportLines() throws {
        let sandbox = try Sandbox()
        let first = try sandbox.drover("credentials")
        let second = try sandbox.drover("credentials")
        #expect(first.status == 0 && first.stdout == second.stdout, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("export AWS_ACCESS_KEY_ID=AKIA") && lines[1].hasPrefix("export AWS_SECRET_ACCESS_KEY="))
        // A shell takes them as they are.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", first.stdout + "\nprintf '%s' \"$AWS_SECRET_ACCESS_KEY\""]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        let secret = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(secret.count == 40 && lines[1].hasSuffix(secret))
        let mode = try FileManager.default.attributesOfItem(atPath: sandbox.stateDir.appendingPathComponent("credentials").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
