import DroverCore
@testable import DroverEngine
import DroverStore
import Foundation
import Testing

/// `drover run`'s session in-process: resuming an unfinished run, submitting afresh, running an
/// engine of its own, and handing the jobs to an engine that already holds the state directory.
struct RunSessionTests {
    /// A temporary folder with a job file of two jobs and a store in `state`.
    final class Fixture {
        let folder: URL
        let path: String
        let store: Store

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("drover-session-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            path = folder.appendingPathComponent("run.yaml").path
            try (basicEnvironment() + """
                jobDefinitions:
                  - jobDefinitionName: work
                    containerProperties: {command: [work, Ref::n], vcpus: 1}
                    parameters: {n: "1"}
                jobs:
                  - {jobName: first, jobQueue: default, jobDefinition: work}
                  - {jobName: second, jobQueue: default, jobDefinition: work}

                """).write(toFile: path, atomically: true, encoding: .utf8)
            store = try Store(directory: folder.appendingPathComponent("state"))
        }

        deinit { try? FileManager.default.removeItem(at: folder) }

        /// A session of the job file.
        func session(parameters: [String: String] = [:], new: Bool = false, executor: (any Executor)? = nil) throws -> RunSession {
            let text = try DocumentLoader.read(path: path)
            return try RunSession(store: store, file: try DocumentLoader.parse(text: text, path: path), path: path, text: text,
                                  parameters: parameters, new: new, executor: executor)
        }

        var jobCount: Int {
            get throws { try store.jobs(JobFilter(all: true)).count }
        }
    }

    // MARK: - Starting

    @Test func aSecondSessionOfTheSameFileResumesTheFirst() throws {
        let fixture = try Fixture()
        let first = try fixture.session().start()
        guard case .submitted = first else { Issue.record("the first session submits"); return }
        let second = try fixture.session().start()
        guard case .resumed = second else { Issue.record("the second session resumes"); return }
        #expect(second.jobs == first.jobs)
        #expect(try fixture.jobCount == 2, "nothing was submitted twice")
    }

    @Test func differentParametersMakeADifferentRun() throws {
        let fixture = try Fixture()
        let plain = try fixture.session()
        let first = try plain.start()
        let other = try fixture.session(parameters: ["n": "2"])
        #expect(other.runKey != plain.runKey)
        let second = try other.start()
        guard case .submitted = second else { Issue.record("other parameters submit a run of their own"); return }
        #expect(Set(second.jobs.map(\.jobId)).isDisjoint(with: first.jobs.map(\.jobId)))
        #expect(try fixture.store.spec(ofJob: second.jobs[0].jobId).parameters["n"] == "2", "the override reaches the jobs")
        guard case .resumed = try fixture.session(parameters: ["n": "2"]).start() else {
            Issue.record("the same parameters resume"); return
        }
    }

    @Test func newSubmitsAfresh() throws {
        let fixture = try Fixture()
        let first = try fixture.session().start()
        let second = try fixture.session(new: true).start()
        guard case .submitted = second else { Issue.record("--new submits"); return }
        #expect(second.jobs != first.jobs)
        #expect(try fixture.jobCount == 4)
    }

    @Test func aFileWithoutJobsIsRefused() throws {
        let fixture = try Fixture()
        let file = try DocumentLoader.parse(text: basicEnvironment(), path: "env.yaml")
        #expect(throws: DroverError.self) {
            try RunSession(store: fixture.store, file: file, path: "env.yaml", text: basicEnvironment())
        }
    }

    /// Stored run keys must keep matching after an upgrade, or unfinished runs would not resume.
    @Test func theRunKeyIsStable() {
        #expect(RunSession.runKey(path: "/srv/run.yaml", text: "jobs: []", parameters: ["n": "2"]) == "d2154d7c2a659ea3")
        #expect(RunSession.runKey(path: "/srv/./run.yaml", text: "jobs: []", parameters: ["n": "2"]) == "d2154d7c2a659ea3")
        #expect(RunSession.runKey(path: "/srv/run.yaml", text: "jobs: []") != RunSession.runKey(path: "/srv/other.yaml", text: "jobs: []"))
    }

    // MARK: - Following

    @Test func aSessionRunsItsOwnEngineToTheEnd() throws {
        let fixture = try Fixture()
        var options = EngineOptions()
        options.pollInterval = 0.01
        let session = try RunSession(store: fixture.store, file: try DocumentLoader.load(path: fixture.path), path: fixture.path,
                                     text: try DocumentLoader.read(path: fixture.path), options: options, executor: FakeExecutor())
        var handedOff = false
        let outcome = try session.follow(try session.start()) { handedOff = true }
        #expect(!handedOff && !outcome.handedOff)
        #expect(outcome.ending == .finished)
        #expect(outcome.seed == options.seed)
        #expect(outcome.jobs.map(\.status) == [.succeeded, .succeeded])
        #expect(!outcome.anyFailed)
    }

    @Test func ctrlCStopsTheJobsOfTheEngineItRuns() throws {
        let fixture = try Fixture()
        let executor = FakeExecutor()
        executor.script = { _ in .hang }
        let session = try fixture.session(executor: executor)
        let inbox = session.inbox
        executor.onLaunch = { _ in inbox.requestStop(.stopJobs) }
        let outcome = try session.follow(try session.start())
        #expect(outcome.ending == .interrupted(.stopJobs))
        #expect(!outcome.handedOff)
        #expect(outcome.jobs.allSatisfy { $0.status == .runnable }, "stopped jobs are back in their queue")
    }

    @Test func aSessionBesideARunningEngineHandsItsJobsOffAndFollowsThem() throws {
        let fixture = try Fixture()
        let lock = try #require(try EngineLock(directory: fixture.store.directory))
        let session = try fixture.session()
        let start = try session.start()
        // The engine holding the lock, in another thread: it runs the session's jobs.
        let store = fixture.store
        let stopped = DispatchSemaphore(value: 0)
        let other = Inbox()
        Thread.detachNewThread {
            var options = EngineOptions()
            options.pollInterval = 0.01
            let engine = Engine(store: store, options: options, inbox: other, executor: FakeExecutor())
            try? engine.run()
            stopped.signal()
        }
        var handOffs = 0
        let outcome = try session.follow(start) { handOffs += 1 }
        other.requestStop()
        stopped.wait()
        #expect(handOffs == 1)
        #expect(outcome.handedOff)
        #expect(outcome.ending == .finished)
        #expect(outcome.seed == nil)
        #expect(outcome.jobs.map(\.status) == [.succeeded, .succeeded])
        withExtendedLifetime(lock) {}
    }

    @Test func stoppingAHandedOffSessionOnlyStopsTheWatch() throws {
        let fixture = try Fixture()
        let lock = try #require(try EngineLock(directory: fixture.store.directory))
        let session = try fixture.session()
        let start = try session.start()
        let inbox = session.inbox
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { inbox.requestStop(.stopJobs) }
        let outcome = try session.follow(start)
        #expect(outcome.handedOff)
        #expect(outcome.ending == .interrupted(.stopJobs))
        #expect(outcome.jobs.allSatisfy { !$0.status.isTerminal }, "the jobs are left to the engine holding the lock")
        withExtendedLifetime(lock) {}
    }
}
