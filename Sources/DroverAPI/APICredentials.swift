import DroverCore
import Foundation

/// The key pair the API accepts: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` from the server's environment when
/// both are set, else the pair in `STATE/credentials`, made on first use. That file is in AWS's shared-credentials
/// format (a `[default]` profile), mode 0600, so `AWS_SHARED_CREDENTIALS_FILE=STATE/credentials` also works.
public struct APICredentials: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String
    /// Where the pair comes from: `the environment` or the file's path.
    public var source: String

    public init(accessKeyId: String, secretAccessKey: String, source: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.source = source
    }

    /// The file that holds the pair made for a state directory.
    public static func file(in stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("credentials")
    }

    /// The pair in effect for a server on `stateDirectory` (made and saved when there is none yet).
    public static func resolve(environment: [String: String], stateDirectory: URL) throws(DroverError) -> APICredentials {
        if let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !key.isEmpty, !secret.isEmpty {
            return APICredentials(accessKeyId: key, secretAccessKey: secret, source: "the environment")
        }
        return try stored(in: stateDirectory)
    }

    /// The pair saved in the state directory, made on first use.
    public static func stored(in stateDirectory: URL) throws(DroverError) -> APICredentials {
        let url = file(in: stateDirectory)
        if let existing = try read(url) { return existing }
        let made = APICredentials(accessKeyId: "AKIA" + random(16, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                                  secretAccessKey: random(40, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
                                  source: url.path)
        do {
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw DroverError("\(stateDirectory.path): cannot create the state directory: \(error.localizedDescription)")
        }
        let text = "[default]\naws_access_key_id = \(made.accessKeyId)\naws_secret_access_key = \(made.secretAccessKey)\n"
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            // Another process made it first: use theirs.
            if errno == EEXIST, let theirs = try read(url) { return theirs }
            throw DroverError("\(url.path): cannot create the API credentials: \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            unlink(url.path)
            throw DroverError("\(url.path): cannot write the API credentials: \(String(cString: strerror(errno)))")
        }
        return made
    }

    /// The pair in `url`, nil when there is no file; an error naming the file when it is not a credentials file.
    static func read(_ url: URL) throws(DroverError) -> APICredentials? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw DroverError("\(url.path): cannot read the API credentials")
        }
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let pair = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { values[pair[0]] = pair[1] }
        }
        guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"], !key.isEmpty, !secret.isEmpty else {
            throw DroverError("\(url.path): not a credentials file (it needs aws_access_key_id and aws_secret_access_key); delete it to make a new pair")
        }
        return APICredentials(accessKeyId: key, secretAccessKey: secret, source: url.path)
    }

    private static func random(_ count: Int, from alphabet: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = Array(alphabet)
        return String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
    }
}
