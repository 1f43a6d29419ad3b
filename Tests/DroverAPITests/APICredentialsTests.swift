import DroverCore
import Foundation
import Testing

@testable import DroverAPI

/// The API's key pair: made once per state directory, private, in AWS's shared-credentials format; the server's
/// environment wins when it has a pair.
@Suite struct APICredentialsTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("drover-credentials-\(UUID().uuidString.prefix(8))")
    }

    @Test func madeOnceKeptPrivateAndReadBack() throws {
        let state = Self.folder()
        defer { try? FileManager.default.removeItem(at: state) }
        let first = try APICredentials.resolve(environment: [:], stateDirectory: state)
        let again = try APICredentials.resolve(environment: [:], stateDirectory: state)
        #expect(first == again)
        #expect(first.accessKeyId.hasPrefix("AKIA") && first.accessKeyId.count == 20 && first.secretAccessKey.count == 40)
        let file = APICredentials.file(in: state).path
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text == "[default]\naws_access_key_id = \(first.accessKeyId)\naws_secret_access_key = \(first.secretAccessKey)\n")
        // A request signed with the pair passes the verifier built from it.
        let verifier = SigV4Verifier(secrets: [first.accessKeyId: first.secretAccessKey])
        let request = try SigV4VerifierTests.signed("POST", "/v1/describejobs", body: "{}", key: first.accessKeyId, secret: first.secretAccessKey)
        #expect(verifier.verify(request, now: Date()) == .success(first.accessKeyId))
    }

    @Test func theEnvironmentWinsAndABadFileIsNamed() throws {
        let state = Self.folder()
        defer { try? FileManager.default.removeItem(at: state) }
        let env = try APICredentials.resolve(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"], stateDirectory: state)
        #expect(env == APICredentials(accessKeyId: "AKIAENV", secretAccessKey: "s", source: "the environment"))
        #expect(!FileManager.default.fileExists(atPath: APICredentials.file(in: state).path), "nothing is made when the environment has a pair")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try "garbage".write(to: APICredentials.file(in: state), atomically: true, encoding: .utf8)
        #expect {
            try APICredentials.resolve(environment: [:], stateDirectory: state)
        } throws: { error in
            (error as? DroverError)?.message.contains("credentials: not a credentials file") == true
        }
    }
}
