import DroverCore
import DroverStore
import Foundation
import Logging

extension Engine {
    /// Takes over from the engines before this one. Attempts the store shows STARTING or RUNNING
    /// are matched with what the executor inherited: still running → adopted (they keep their
    /// capacity); ended while no engine recorded it → recorded with their real exit; claimed but
    /// never started → back to RUNNABLE, not counted; gone with their supervisor → whatever is left
    /// of them is killed and the attempt ends with `Engine restarted while the job was running`.
    func recover(recorder: Recorder) throws(DroverError) {
        let inherited = try executor.attach(inbox: inbox)
        var batch = EngineBatch()
        var known: Set<AttemptKey> = []
        var counts = (adopted: 0, recorded: 0, requeued: 0, lost: 0)
        let now = clock.epochMillis()
        let monotonicNow = clock.monotonicSeconds()
        for orphan in try store.orphans() {
            let key = AttemptKey(jobId: orphan.id, attempt: orphan.attempt)
            known.insert(key)
            let stop = orphan.terminateReason.map { RunningAttempt.StopKind.terminate(reason: $0) }
            if let exit = inherited.exits[key] {
                if case (let outcome, var counted)? = Self.outcome(of: exit, stop: stop) {
                    if orphan.status == .pending {
                        // Held on a cluster ahead of its dependencies: it ran if the cluster started it (recorded first),
                        // else it was dropped there and the job waits on.
                        if let startedAt = exit.startedAt, !exit.neverStarted, exit.launchError == nil {
                            batch.started.append(AttemptStart(id: orphan.id, attempt: orphan.attempt, pid: nil, at: startedAt,
                                                              host: exit.host, clusterJob: exit.clusterJob))
                        } else {
                            counted = false
                        }
                    }
                    logEnded(key, outcome: outcome, counts: counted, environment: orphan.environment, found: true)
                    batch.finished.append(FinishedAttempt(id: orphan.id, attempt: orphan.attempt, outcome: outcome, at: exit.endedAt ?? now, counts: counted))
                }
                counts.recorded += 1
            } else if let process = inherited.running[key] {
                let spec = try? store.spec(ofJob: orphan.id)
                var attempt = RunningAttempt(id: orphan.id, attempt: orphan.attempt, environment: orphan.environment ?? "",
                                             need: ResourceNeed(vcpus: spec?.vcpus ?? 0, memory: spec?.memory ?? 0))
                attempt.pid = process.pid
                attempt.launched = true
                attempt.hasStarted = process.startedAt != nil
                attempt.queue = spec?.jobQueue ?? ""
                attempt.runningSince = process.startedAt
                attempt.startedAt = monotonicNow - Double(max(0, now - (process.startedAt ?? now))) / 1000
                running[orphan.id] = attempt
                if orphan.status == .pending && process.startedAt == nil {
                    // Held on a cluster ahead of its dependencies and still waiting there: taken off the cluster (this
                    // engine resolves those dependencies itself); the job waits on, the attempt not counted. Should the
                    // cluster start it meanwhile, the stop is this engine's doing: not counted either, the job runs again
                    // (or, asked to stop meanwhile, ends as asked).
                    running[orphan.id]?.held = true
                    running[orphan.id]?.stopKind = stop ?? .shutdown
                    running[orphan.id]?.termSentAt = monotonicNow
                    executor.signal(key, SIGKILL, killAfter: nil)
                } else if orphan.status != .running, let startedAt = process.startedAt {
                    pendingStarts.append(AttemptStart(id: orphan.id, attempt: orphan.attempt, pid: process.pid, at: startedAt,
                                                      host: process.host, clusterJob: process.clusterJob))
                }
                counts.adopted += 1
            } else if (orphan.status == .starting && orphan.pid == nil) || orphan.status == .pending {
                let outcome = AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil,
                                             statusReason: "Engine restarted before the job started; it will run again")
                batch.finished.append(FinishedAttempt(id: orphan.id, attempt: orphan.attempt, outcome: outcome, at: now, counts: false))
                counts.requeued += 1
            } else {
                executor.reclaim(key, pid: orphan.pid)
                let outcome = orphan.terminateReason.map { AttemptOutcome(kind: .terminated, exitCode: nil, reason: nil, statusReason: $0) }
                    ?? AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil, statusReason: Reasons.engineRestarted)
                logEnded(key, outcome: outcome, counts: true, environment: orphan.environment, found: true)
                batch.finished.append(FinishedAttempt(id: orphan.id, attempt: orphan.attempt, outcome: outcome, at: now))
                counts.lost += 1
            }
        }
        // A process the store does not expect (its job moved on) must not run on unsupervised; an
        // exit nobody waits for is let go.
        for key in inherited.running.keys where !known.contains(key) {
            options.logger.warning("killing attempt \(key.attempt) of \(key.jobId): the store does not expect it to run", metadata: Self.metadata(key))
            executor.signal(key, SIGKILL, killAfter: nil)
        }
        executor.acknowledge(inherited.exits.keys.filter { !known.contains($0) })
        if !batch.isEmpty {
            recorder.record(batch)
            recorder.flush()
            _ = absorb(inbox.drainRecorded())
        }
        if counts != (0, 0, 0, 0) {
            options.logger.info("""
                taking over: \(counts.adopted) running attempt(s) adopted, \(counts.recorded) ended while no engine ran, \
                \(counts.requeued) claimed but never started (back in their queue), \(counts.lost) lost with their supervisor
                """, metadata: [
                    "adopted": .stringConvertible(counts.adopted), "recorded": .stringConvertible(counts.recorded),
                    "requeued": .stringConvertible(counts.requeued), "lost": .stringConvertible(counts.lost),
                ])
        }
        try store.endSimulation(reason: "the engine stopped")
    }

    /// Stops the engine. `.detach` leaves running attempts to their supervisor (the next engine
    /// adopts them); `.stopJobs` stops them (SIGTERM, SIGKILL after the grace period) and puts them
    /// back to RUNNABLE, not counted. Claims written but not started go back to RUNNABLE either way.
    func shutdown(recorder: Recorder) throws(DroverError) {
        let mode = inbox.stopMode ?? .detach
        stopping = true
        let start = clock.monotonicSeconds()
        let grace = min(options.killGraceSeconds, 10)
        if mode == .stopJobs {
            logStoppingJobs(grace: grace)
            for id in running.keys { stop(id, kind: .shutdown, now: start, killAfter: grace) }
        }
        var batch = EngineBatch()
        batch.instances = (try? stopSimulation(now: start)) ?? []
        while mode == .stopJobs && running.values.contains(where: \.launched) {
            batch.finished += handle(inbox.drain())
            if clock.monotonicSeconds() - start > grace + 10 { break }
            inbox.wait(seconds: 0.05)
        }
        batch.finished += handle(inbox.drain())
        batch.started = pendingStarts
        pendingStarts.removeAll()
        recorder.record(batch)
        // Claims still being written are not started now: once written, they go back.
        while true {
            let written = recorder.flush(timeout: 10)
            _ = absorb(inbox.drainRecorded())
            let unstarted = running.values.filter { !$0.launched && !unrecorded.contains($0.id) }
            guard written, !unstarted.isEmpty else { break }
            var release = EngineBatch()
            for attempt in unstarted {
                running[attempt.id] = nil
                let outcome = AttemptOutcome(kind: .engineRestarted, exitCode: nil, reason: nil,
                                             statusReason: "Engine stopped before the job started; it will run again")
                release.finished.append(FinishedAttempt(id: attempt.id, attempt: attempt.attempt, outcome: outcome, at: clock.epochMillis(), counts: false))
            }
            recorder.record(release)
        }
        let left = running.values.filter(\.launched).count
        executor.detach()
        logStopped(mode, left: left)
    }
}
