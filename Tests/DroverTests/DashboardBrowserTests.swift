import DroverCore
import DroverStore
import Foundation
import ModelValidatorSupport
import Testing

/// The dashboard of `drover serve --api` in a real browser: headless Chromium loads each page (`--dump-dom`, the DOM
/// after the page's script ran), clicks its buttons through the DevTools protocol (scripts/dashboard-browser.py), and
/// takes screenshots at desktop and phone widths into .build/screenshots (kept out of git) to be looked at.
@Suite(.serialized) struct DashboardBrowserTests {
    static let driver = Python.scripts.appendingPathComponent("dashboard-browser.py").path
    static let screenshots = Sandbox.packageRoot.appendingPathComponent(".build/screenshots")

    /// Two queues: `default` (4 vCPUs) and `tight` (2 vCPUs); `work` fails for indices 3, 10 and 17 of a 20-child array.
    static let setup = """
        computeEnvironments:
          - computeEnvironmentName: local
            computeResources: {type: EC2, maxvCpus: 4}
          - computeEnvironmentName: small
            computeResources: {type: EC2, maxvCpus: 2}
        jobQueues:
          - jobQueueName: default
            priority: 10
            computeEnvironmentOrder: [{order: 1, computeEnvironment: local}]
          - jobQueueName: tight
            priority: 5
            computeEnvironmentOrder: [{order: 1, computeEnvironment: small}]
        jobDefinitions:
          - jobDefinitionName: work
            containerProperties:
              command: ["sh", "-c", "echo child $AWS_BATCH_JOB_ARRAY_INDEX; test $((AWS_BATCH_JOB_ARRAY_INDEX % 7)) -ne 3"]
              vcpus: 1
              memory: 32
          - jobDefinitionName: big
            containerProperties:
              command: ["true"]
              vcpus: 8
              memory: 32
          - jobDefinitionName: long
            containerProperties:
              command: ["sh", "-c", "i=0; while [ $i -lt 600 ]; do echo tick $i; i=$((i+1)); sleep 0.5; done"]
              vcpus: 1
              memory: 32

        """

    /// The DOM of `url` once its script ran, as `chromium-headless-shell --dump-dom` prints it; a load Chromium abandoned
    /// because the machine's network interfaces changed (the Slurm tests make and remove links meanwhile) is tried again.
    static func dom(_ url: String) throws -> String {
        var text = ""
        for _ in 0..<3 {
            text = try domOnce(url)
            if !text.contains("ERR_NETWORK_CHANGED") { break }
        }
        return text
    }

    static func domOnce(_ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["CHROMIUM"] ?? "chromium-headless-shell", "--no-sandbox", "--disable-gpu",
                             "--user-data-dir=" + FileManager.default.temporaryDirectory.appendingPathComponent("drover-dom-\(UUID().uuidString)").path,
                             "--dump-dom", url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "chromium --dump-dom \(url)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs the DevTools driver; its output.
    @discardableResult
    static func driver(_ arguments: [String], expectSuccess: Bool = true) throws -> String {
        let result = try Python.run([driver] + arguments)
        if expectSuccess { #expect(result.status == 0, "dashboard-browser.py \(arguments.joined(separator: " ")): \(result.output)") }
        return result.output
    }

    /// The JSON object the driver's `click` prints.
    static func click(_ url: String, _ selector: String, dismiss: Bool = false) throws -> [String: String] {
        let output = try driver(["click", url, selector] + (dismiss ? ["--dismiss"] : []))
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
        return object.compactMapValues { $0 as? String }
    }

    /// Screenshots of `url` at desktop and phone widths, named after `name`.
    static func screenshots(_ url: String, name: String) throws {
        try FileManager.default.createDirectory(at: screenshots, withIntermediateDirectories: true)
        for (suffix, width, height, mobile) in [("desktop", 1280, 900, false), ("phone", 390, 844, true)] {
            let path = screenshots.appendingPathComponent("\(name)-\(suffix).png").path
            try driver(["screenshot", url, path, String(width), String(height)] + (mobile ? ["--mobile"] : []))
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    /// The text of `string` between `start` and the next `end` after it.
    static func slice(_ string: String, from start: String, to end: String) -> String? {
        guard let lower = string.range(of: start), let upper = string.range(of: end, range: lower.upperBound..<string.endIndex) else { return nil }
        return String(string[lower.upperBound..<upper.lowerBound])
    }

    @Test func theBoardTheArrayGridTheJobPageAndTheButtonsWorkInABrowser() throws {
        let sandbox = try Sandbox()
        try sandbox.write("setup.yaml", Self.setup)
        #expect(try sandbox.drover("apply", "setup.yaml").status == 0)
        let array = try sandbox.submit("-q", "default", "-d", "work", "--array-size", "20", "-n", "squares")
        let stuck = try sandbox.submit("-q", "tight", "-d", "big", "-n", "too-big")
        let long = try sandbox.submit("-q", "default", "-d", "long", "-n", "ticker")
        let (_, url) = try APIClientTests.startAPI(sandbox)
        let store = try sandbox.store()
        try eventually(within: 60, "the array to finish, the long job to run and the big job to be held back") {
            try store.job(array)?.status == .failed && store.job(long)?.status == .running && store.job(stuck)?.statusReason != nil
        }
        try eventually(within: 30, "the long job's log") { (store.lastLogLine(ofJob: long, attempt: 1) ?? "").hasPrefix("tick") }

        // The queue board: counts, usage, and the stuck job's reason in plain words.
        let board = try Self.dom(url + "/")
        let tight = Self.slice(board, from: "<a href=\"/jobs?queue=tight\">tight</a>", to: "</div></div>") ?? ""
        #expect(tight.contains("RUNNABLE <b>1</b>") && tight.contains("0 / 2 vCPUs"), "\(tight)")
        let defaultQueue = Self.slice(board, from: "<a href=\"/jobs?queue=default\">default</a>", to: "</div></div>") ?? ""
        #expect(defaultQueue.contains("FAILED <b>3</b>") && defaultQueue.contains("SUCCEEDED <b>17</b>") && defaultQueue.contains("RUNNING <b>1</b>"),
                "\(defaultQueue)")
        #expect(defaultQueue.contains("1 / 4 vCPUs"), "the long job holds 1 vCPU of local: \(defaultQueue)")
        #expect(board.contains("data-events=\"/v1/events?after="), "the page follows the events after those it shows")
        let stuckSection = Self.slice(board, from: "Stuck RUNNABLE", to: "</section>") ?? ""
        #expect(stuckSection.contains("It needs more vCPUs than the maxvCpus of every compute environment of its queue"), "\(stuckSection)")
        #expect(stuckSection.contains("MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE") && stuckSection.contains(stuck), "\(stuckSection)")

        // The array page: counts, failed ranges, and the grid's run-length-encoded states, drawn by the script.
        let arrayPage = try Self.dom("\(url)/jobs/\(array)")
        #expect(arrayPage.contains("FAILED <b>3</b>") && arrayPage.contains("SUCCEEDED <b>17</b>"))
        #expect(arrayPage.contains("Failed indices (3):"), "\(arrayPage)")
        let ranges = Self.slice(arrayPage, from: "<span class=\"ranges\">", to: "</span>") ?? ""
        #expect(ranges == "<a href=\"/jobs/\(array):3\">3</a>, <a href=\"/jobs/\(array):10\">10</a>, <a href=\"/jobs/\(array):17\">17</a>", "\(ranges)")
        let canvas = Self.slice(arrayPage, from: "<canvas", to: ">") ?? ""
        #expect(canvas.contains("data-runs=\"S3FS6FS6FS2\"") && canvas.contains("data-size=\"20\""), "\(canvas)")
        #expect(canvas.contains("style=\"width:"), "the script drew the grid: \(canvas)")
        #expect(arrayPage.contains("data-events=\"/v1/events?job=\(array)&amp;after="), "the array's events, its children's included")
        #expect(arrayPage.contains("exit 1") && arrayPage.contains("20 attempts in all"))

        // The job list and its filters; a bad filter is an error page.
        let listed = try Self.dom("\(url)/jobs?queue=tight&status=RUNNABLE")
        #expect(listed.contains(stuck) && !listed.contains(array) && !listed.contains(long))
        let named = try Self.dom("\(url)/jobs?name=TICK&since=1h")
        #expect(named.contains(long) && !named.contains(stuck))
        let bad = try Self.dom("\(url)/jobs?status=DONE")
        #expect(bad.contains("status: 'DONE' is not a job status"), "\(bad)")
        let unknown = try Self.dom("\(url)/jobs/nosuchjob")
        #expect(unknown.contains("no job 'nosuchjob'"), "\(unknown)")

        // The job page: fields, the attempt, the log's tail.
        let jobPage = try Self.dom("\(url)/jobs/\(long)")
        #expect(jobPage.contains("RUNNING") && jobPage.contains("1 vCPU, 32 MiB") && jobPage.contains("tick 0"), "\(jobPage)")
        #expect(jobPage.contains("data-live=\"1\""))
        let child = try Self.dom("\(url)/jobs/\(array):3")
        #expect(child.contains("index 3 of") && child.contains("child 3") && child.contains(">1</td><td class=\"small\">"), "\(child)")

        for (name, path) in [("board", "/"), ("jobs", "/jobs"), ("array", "/jobs/\(array)"), ("job", "/jobs/\(long)"), ("child", "/jobs/\(array):3")] {
            try Self.screenshots(url + path, name: name)
            // No script exception, console error, failed request (the event stream included) or refusal by the content
            // security policy.
            // Chromium abandons a load when the machine's network interfaces change (the Slurm tests make and remove
            // links at the same time): such a load is tried again, any other problem counts.
            var problems: [Substring] = []
            for _ in 0..<3 {
                problems = try Self.driver(["problems", url + path]).split(separator: "\n")
                if !problems.allSatisfy({ $0.contains("ERR_NETWORK_CHANGED") }) || problems.isEmpty { break }
            }
            #expect(problems.isEmpty, "\(path): \(problems)")
        }

        // Terminate: a dismissed confirmation does nothing; an accepted one stops the job.
        let dismissed = try Self.click("\(url)/jobs/\(long)", "button[data-action=terminate]", dismiss: true)
        #expect(dismissed["dialog"]?.hasPrefix("Terminate \(long)?") == true, "\(dismissed)")
        #expect(try store.job(long)?.status == .running && store.job(long)?.terminateReason == nil)
        let terminated = try Self.click("\(url)/jobs/\(long)", "button[data-action=terminate]")
        #expect(terminated["note"] == "Terminate: 1 stopping.", "\(terminated)")
        try eventually(within: 30, "the terminated job to fail") { try store.job(long)?.status == .failed }
        #expect(try store.job(long)?.statusReason == Reasons.terminatedByUser)

        // Retry failed children: only 3, 10 and 17 run again (and fail again), the others keep their one attempt.
        let retried = try Self.click("\(url)/jobs/\(array)", "button[data-action=retry-failed]")
        #expect(retried["dialog"] == "Run the 3 failed children of \(array) again?" && retried["note"] == "3 failed children to run again.", "\(retried)")
        try eventually(within: 60, "the failed children to run again") {
            try [3, 10, 17].allSatisfy { try store.attempts("\(array):\($0)").count == 2 } && store.job(array)?.status == .failed
        }
        #expect(try store.attempts("\(array):0").count == 1 && store.job("\(array):0")?.status == .succeeded)
        let described = try sandbox.drover("describe", "\(array):10")
        #expect(described.status == 0 && described.stdout.contains("FAILED"), "\(described.stdout)")

        // The page updates in place when the store changes (an event from GET /v1/events).
        let updated = try Self.driver(["watch", "\(url)/jobs/\(stuck)", "h1", "FAILED", "--", Sandbox.binary, "cancel", "--state-dir", sandbox.stateDir.path, stuck])
        #expect(updated.contains("too-big FAILED"), "\(updated)")
    }

    @Test func postsWithoutTheTokenOrFromAnotherSiteAreRefusedAndChangeNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.write("setup.yaml", Self.setup)
        #expect(try sandbox.drover("apply", "setup.yaml").status == 0)
        let stuck = try sandbox.submit("-q", "tight", "-d", "big", "-n", "too-big", "-p", "note=<script>alert(1)</script>")
        let (_, url) = try APIClientTests.startAPI(sandbox)
        let store = try sandbox.store()
        try eventually(within: 30, "the big job to be held back") { try store.job(stuck)?.statusReason != nil }
        let page = try Self.dom("\(url)/jobs/\(stuck)")
        #expect(page.contains("note=&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"), "values are escaped")
        let token = Self.slice(page, from: "name=\"csrf\" value=\"", to: "\"") ?? ""
        #expect(token.count == 64)

        let cancel = "\(url)/jobs/\(stuck)/cancel"
        let refused: [[String]] = [
            [cancel],
            [cancel, "csrf=" + String(repeating: "0", count: 64)],
            [cancel, "csrf=" + token, "--header", "Origin: http://attacker.example"],
            [cancel, "csrf=" + token, "--header", "Origin: null"],
            [cancel, "csrf=" + token, "--header", "Sec-Fetch-Site: cross-site"],
            [cancel, "csrf=" + token, "--header", "Host: attacker.example"],
        ]
        for arguments in refused {
            let status = try Self.driver(["post"] + arguments).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(status == "403", "\(arguments): \(status)")
            #expect(try store.job(stuck)?.status == .runnable, "\(arguments) changed nothing")
        }
        #expect(try Self.driver(["post", "\(url)/jobs/nosuchjob/cancel", "csrf=" + token]).hasPrefix("404"))
        #expect(try Self.driver(["post", "\(url)/jobs/\(stuck)/retry-failed", "csrf=" + token]).hasPrefix("409"), "not an array")
        #expect(try store.job(stuck)?.status == .runnable)
        let accepted = try Self.driver(["post", cancel, "csrf=" + token, "--header", "Origin: \(url)", "--header", "Sec-Fetch-Site: same-origin"])
        #expect(accepted.hasPrefix("303"), "\(accepted)")
        #expect(try store.job(stuck)?.status == .failed && store.job(stuck)?.statusReason == Reasons.cancelledByUser)
    }
}
