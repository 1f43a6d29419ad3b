import DroverCore
import DroverStore
import Foundation
import Testing

/// The engine is killed at random moments, by SIGKILL, SIGHUP and SIGTERM, and restarted each
/// time, while a 2,000-child array runs: every child runs exactly once, to success, and its record
/// is what really happened.
struct ChaosSoakTests {
    @Test func twoThousandChildrenSurviveTenRandomEngineDeaths() throws {
        let sandbox = try Sandbox()
        let marks = sandbox.root.appendingPathComponent("marks").path
        try sandbox.drover("apply", try sandbox.write("env.yaml", basicEnvironment(maxvCpus: 16) + """
            jobDefinitions:
              - jobDefinitionName: step
                containerProperties:
                  command: [sh, -c, "i=$AWS_BATCH_JOB_ARRAY_INDEX; echo \\"$i start $(date +%s%N)\\" >> \(marks); sleep $(printf '0.%03d' $(( (i * 7919) % 281 + 20 ))); echo \\"$i end $(date +%s%N)\\" >> \(marks)"]
                  vcpus: 1
                retryStrategy: {attempts: 1}

            """))
        let id = try sandbox.submit("-q", "default", "-d", "step", "--array-size", "2000")
        let store = try sandbox.store()
        var random = SystemRandomNumberGenerator()
        let signals = [SIGKILL, SIGHUP, SIGTERM]
        var kills = 0
        while try store.job(id)?.status.isTerminal != true {
            let engine = try sandbox.serve()
            let deadline = Date().addingTimeInterval(Double.random(in: 0.3...2.5, using: &random))
            while Date() < deadline, try store.job(id)?.status.isTerminal != true { Thread.sleep(forTimeInterval: 0.01) }
            if kills < 12, try store.job(id)?.status.isTerminal != true {
                kill(engine.processIdentifier, signals[kills % 3])
                engine.waitUntilExit()
                kills += 1
            } else {
                try eventually(within: 120, "the array to finish") { try store.job(id)?.status.isTerminal == true }
            }
        }
        #expect(kills >= 10, "the engine was stopped \(kills) times")
        #expect(try store.job(id)?.status == .succeeded)
        let summary = try store.childSummary(id)
        #expect(summary.counts[.succeeded] == 2000)
        var lines: [Int: [(kind: Substring, at: Int)]] = [:]
        for line in try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let index = Int(fields[0]), let at = Int(fields[2]) else { continue }
            lines[index, default: []].append((fields[1], at))
        }
        for index in 0..<2000 {
            let child = "\(id):\(index)"
            let attempts = try store.attempts(child)
            #expect(attempts.count == 1 && attempts.first?.exitCode == 0, "\(child): \(attempts)")
            let seen = lines[index] ?? []
            #expect(seen.map(\.kind) == ["start", "end"] && seen[0].at <= seen[1].at, "child \(index) ran once, start then end: \(seen)")
        }
        // maxvCpus held across every restart: never more than 16 children at once.
        var events: [(at: Int, change: Int)] = []
        for marks in lines.values {
            for mark in marks { events.append((mark.at, mark.kind == "start" ? 1 : -1)) }
        }
        // Ends before starts at the same instant.
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.change < $1.change }
        var concurrent = 0
        var most = 0
        for (_, change) in events {
            concurrent += change
            most = max(most, concurrent)
        }
        #expect(most <= 16, "at most maxvCpus children ran at once, saw \(most)")
        try eventually(within: 10, "no process of the array to be left") { SupervisionTests.processes(of: "\(id):").isEmpty }
    }
}
