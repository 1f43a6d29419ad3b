import DroverCore
import Foundation
import ModelValidatorSupport
import Testing

/// `drover serve --api` driven by AWS's own clients: the real `aws` CLI and boto3 (scripts/api-client-checks.py), every
/// response checked against botocore's model; SigV4 refusals over HTTP; the server's lifetime.
@Suite(.serialized) struct APIClientTests {
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIADROVERTEST000001", "AWS_SECRET_ACCESS_KEY": String(repeating: "s3cr3t", count: 6) + "abcd"]

    /// Starts `drover serve --api 127.0.0.1:0` and returns its URL, read from the line it prints.
    static func startAPI(_ sandbox: Sandbox, options: [String] = [], environment: [String: String] = keys) throws -> (Process, String) {
        let server = try sandbox.serve(["--api", "127.0.0.1:0"] + options, environment: environment)
        var url = ""
        try eventually(within: 30, "the API's address in the serve log") {
            if let range = sandbox.serveLog.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                url = String(sandbox.serveLog[range])
            }
            return !url.isEmpty || !server.isRunning
        }
        #expect(server.isRunning, "serve --api exited: \(sandbox.serveLog)")
        return (server, url)
    }

    /// Runs scripts/api-client-checks.py CHECKS against `url`.
    static func clientChecks(_ checks: String, url: String, keys: [String: String] = keys) throws -> (status: Int32, output: String) {
        var environment: [String: String?] = ["DROVER_API_URL": url, "AWS_ENDPOINT_URL": nil, "AWS_ENDPOINT_URL_BATCH": nil]
        for (key, value) in keys { environment[key] = value }
        return try Python.run([Python.scripts.appendingPathComponent("api-client-checks.py").path, checks], environment: environment)
    }

    @Test func theAWSCLIAndBoto3RunAWholeScenario() throws {
        let sandbox = try Sandbox()
        let (_, url) = try Self.startAPI(sandbox)
        let result = try Self.clientChecks("scenario", url: url)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
    }

    @Test func aQueueMovesToANewEnvironmentWhileItsJobsRun() throws {
        let sandbox = try Sandbox()
        let (_, url) = try Self.startAPI(sandbox)
        let result = try Self.clientChecks("move", url: url)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
    }

    @Test func requestsThatAreNotSignedRightAreRefusedAndDoNothing() throws {
        let sandbox = try Sandbox()
        let (_, url) = try Self.startAPI(sandbox)
        let result = try Self.clientChecks("sigv4", url: url)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
    }

    @Test func hostileRequestsAreClientExceptionsAndStoreNothing() throws {
        let sandbox = try Sandbox()
        let (server, url) = try Self.startAPI(sandbox)
        let result = try Self.clientChecks("hostile", url: url)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
        #expect(server.isRunning)
    }

    @Test func aRateLimitAnswersTooManyRequestsAndARNsCarryTheRegionAndAccount() throws {
        let sandbox = try Sandbox()
        let (_, url) = try Self.startAPI(sandbox, options: ["--api-rate-limit", "5", "--region", "eu-west-1", "--account-id", "123456789012"])
        var keys = Self.keys
        keys["DROVER_EXPECT_ARN"] = "arn:aws:batch:eu-west-1:123456789012:"
        let result = try Self.clientChecks("throttle", url: url, keys: keys)
        #expect(result.status == 0, "\(result.output)\nserve log:\n\(sandbox.serveLog)")
        let bad = try sandbox.drover("serve", "--api", "127.0.0.1:0", "--account-id", "12345")
        #expect(bad.status == 2 && bad.stderr.contains("12 digits"), "\(bad.stderr)")
    }

    @Test func withoutKeysInItsEnvironmentTheServerUsesThePairDroverCredentialsPrints() throws {
        let sandbox = try Sandbox()
        var bare = ProcessInfo.processInfo.environment
        bare["AWS_ACCESS_KEY_ID"] = nil
        bare["AWS_SECRET_ACCESS_KEY"] = nil
        // The child inherits this process's environment; the variables are removed, not set to "".
        let server = sandbox.process(["serve", "--api", "127.0.0.1:0", "--poll-interval", "0.05"])
        server.environment = bare.merging(["DROVER_STATE_DIR": ""]) { $1 }.filter { $0.key != "DROVER_STATE_DIR" }
        let log = sandbox.root.appendingPathComponent("bare.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        server.standardError = try FileHandle(forWritingTo: log)
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var url = ""
        try eventually(within: 30, "the API's address") {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) { url = String(text[range]) }
            return !url.isEmpty || !server.isRunning
        }
        let printed = try sandbox.drover("credentials")
        #expect(printed.status == 0)
        var keys: [String: String] = [:]
        for line in printed.stdout.split(separator: "\n") {
            let parts = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { keys[parts[0]] = parts[1] }
        }
        #expect(keys["AWS_ACCESS_KEY_ID"]?.hasPrefix("AKIA") == true)
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.stateDir.appendingPathComponent("credentials").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let accepted = try Self.clientChecks("sigv4", url: url, keys: keys)
        #expect(accepted.status == 0, "\(accepted.output)")
        let refused = try Self.clientChecks("sigv4", url: url)
        #expect(refused.status != 0 && refused.output.contains("UnrecognizedClientException"), "a pair the server does not hold is refused: \(refused.output)")
    }

    @Test func sigtermStopsTheServerAndTheEngineTogether() throws {
        let sandbox = try Sandbox()
        let (server, url) = try Self.startAPI(sandbox)
        kill(server.processIdentifier, SIGTERM)
        try eventually(within: 20, "serve to exit") { !server.isRunning }
        #expect(server.terminationStatus == 0, "\(sandbox.serveLog)")
        let port = Int(url.split(separator: ":").last ?? "") ?? 0
        #expect(!Self.canConnect(port: port), "the API stopped listening")
        #expect(try sandbox.drover("health").status != 0, "no engine is left running")
    }

    @Test func aBadAddressOrAPortInUseIsAClearError() throws {
        let sandbox = try Sandbox()
        let bad = try sandbox.drover("serve", "--api", "localhost:http")
        #expect(bad.status == 2 && bad.stderr.contains("--api: 'localhost:http' is not HOST:PORT"), "\(bad.stderr)")
        let (_, url) = try Self.startAPI(sandbox)
        let other = try Sandbox()
        let busy = try other.drover(["serve", "--api", String(url.dropFirst("http://".count)), "--exit-when-idle"], environment: Self.keys)
        #expect(busy.status == 1 && busy.stderr.contains("cannot serve the API at") && busy.stderr.contains("in use"), "\(busy.stderr)")
    }

    /// A connection that sends nothing, or stops halfway through a request's head or body, is closed after
    /// `DROVER_API_IDLE_TIMEOUT_SECONDS` (default 60): they were kept for ever, so that abandoned or hostile clients
    /// could hold every file descriptor the server may open. A request under way is never cut.
    @Test func connectionsLeftIdleAreClosed() throws {
        let sandbox = try Sandbox()
        var environment = Self.keys
        environment["DROVER_API_IDLE_TIMEOUT_SECONDS"] = "1"
        let (_, url) = try Self.startAPI(sandbox, environment: environment)
        let port = Int(url.split(separator: ":").last ?? "") ?? 0
        for partial in ["", "POST /v1/describejobs HTTP/1.1\r\nHost: x\r\n", "POST /v1/describejobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"] {
            let socket = try #require(Self.connection(port: port))
            defer { close(socket) }
            _ = partial.withCString { send(socket, $0, strlen($0), 0) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let started = Date()
            var byte: UInt8 = 0
            let read = recv(socket, &byte, 1, 0)
            let waited = Date().timeIntervalSince(started)
            #expect(read <= 0 && waited < 9, "a connection left with '\(partial)' was still open after \(waited) s (recv \(read))")
        }
        let result = try Self.clientChecks("sigv4", url: url)
        #expect(result.status == 0, "requests are still answered: \(result.output)")
    }

    /// A socket connected to 127.0.0.1:`port`, or nil.
    static func connection(port: Int) -> Int32? {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if connected { return socket }
        close(socket)
        return nil
    }

    static func canConnect(port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
