import DroverCore
@testable import DroverStore
import Foundation
import Synchronization
import Testing

/// Memory stays bounded over a long life and over big logs.
struct MemoryTests {
    @Test func boundedCacheForgetsTheOldest() {
        var cache = BoundedCache<String, Int>(capacity: 3)
        for (index, key) in ["a", "b", "c", "d", "e"].enumerated() { cache[key] = index }
        cache["c"] = 20
        #expect(cache.count == 3)
        #expect(cache["a"] == nil && cache["b"] == nil)
        #expect(cache["c"] == 20 && cache["d"] == 3 && cache["e"] == 4)
        cache["d"] = nil
        cache["f"] = 5
        #expect(cache.count == 3 && cache["c"] == 20 && cache["f"] == 5)
    }

    @Test func specCacheIsBounded() throws {
        let sandbox = try Sandbox()
        let store = try sandbox.store()
        try store.apply(try DocumentLoader.parse(text: basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [true]}
            """, path: "env.yaml"))
        let jobs = try store.submit((0..<300).map { SubmitJobRequest(jobName: "job\($0)", jobQueue: "default", jobDefinition: "work") })
        #expect(store.specs.withLock { $0.count } == 256)
        // A forgotten spec is read again from the database.
        #expect(try store.spec(ofJob: jobs[0].jobId).jobName == "job0")
    }

    /// The peak resident memory (VmHWM) of a running process, in bytes.
    static func peakMemory(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
    }

    @Test func logsStreamInConstantMemory() throws {
        let sandbox = try Sandbox()
        let size = 200_000_000
        let file = try sandbox.write("big.yaml", basicEnvironment() + """
            jobDefinitions:
              - jobDefinitionName: big
                containerProperties: {command: [sh, -c, "head -c \(size) /dev/zero | tr '\\\\0' a"]}
            jobs:
              - {jobName: big, jobQueue: default, jobDefinition: big}
            """)
        let run = try sandbox.drover("run", file, "--quiet")
        #expect(run.status == 0, "\(run.stderr)")
        let id = try #require(try sandbox.store().jobs(JobFilter(all: true)).first?.jobId)
        for options in [[], ["--follow"]] {
            let process = sandbox.process(["logs", id] + options)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Read slowly enough to sample the writer's peak memory while it is alive (it blocks on the pipe).
            var bytes = 0
            var peak = 0
            while let chunk = try pipe.fileHandleForReading.read(upToCount: 1 << 20), !chunk.isEmpty {
                bytes += chunk.count
                peak = max(peak, Self.peakMemory(process.processIdentifier) ?? 0)
            }
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(bytes == size, "drover logs \(options)")
            #expect(peak > 0 && peak < 50 << 20, "drover logs \(options): peak \(peak >> 20) MiB")
        }
    }

    @Test func boundedCacheHoldsItsCostLimit() {
        var cache = BoundedCache<String, Int>(capacity: 100, costLimit: 10)
        cache.insert(1, for: "a", cost: 4)
        cache.insert(2, for: "b", cost: 4)
        cache.insert(3, for: "c", cost: 4)
        #expect(cache["a"] == nil && cache["b"] == 2 && cache["c"] == 3 && cache.totalCost == 8)
        cache.insert(4, for: "huge", cost: 11)
        #expect(cache["huge"] == nil && cache.count == 2, "a value over the limit is not kept")
    }

    @Test func theEngineStaysSmallOverManyJobsWithLargeParameters() throws {
        let sandbox = try Sandbox()
        let store = try sandbox.store()
        try store.apply(try DocumentLoader.parse(text: basicEnvironment(maxvCpus: 4) + """
            jobDefinitions:
              - jobDefinitionName: work
                containerProperties: {command: [true], vcpus: 1}
            """, path: "env.yaml"))
        let big = String(repeating: "p", count: 512 << 10)
        for batch in 0..<6 {
            _ = try store.submit((0..<50).map {
                var request = SubmitJobRequest(jobName: "job\(batch)-\($0)", jobQueue: "default", jobDefinition: "work")
                request.parameters = ["payload": big]
                return request
            })
        }
        let serve = sandbox.process(["serve", "--exit-when-idle", "--log-level", "error"])
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        var peak = 0
        while serve.isRunning {
            peak = max(peak, Self.peakMemory(serve.processIdentifier) ?? 0)
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(serve.terminationStatus == 0)
        #expect(try store.jobs(JobFilter(statuses: [.succeeded])).count == 300)
        // 300 specs of 512 KiB each: 150 MiB if they were all kept.
        #expect(peak > 0 && peak < 100 << 20, "engine peak \(peak >> 20) MiB")
    }
}
