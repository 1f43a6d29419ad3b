import DroverCore
import GRDB

extension Store {
    /// `DeleteComputeEnvironment`, with AWS's rules: the environment must be DISABLED, no queue may name it in its
    /// `computeEnvironmentOrder`, and no job may still run on it. Its tags go with it.
    public func deleteComputeEnvironment(_ name: String) throws(DroverError) {
        try write { db in
            let environment = try stored(db, .computeEnvironment, name, as: ComputeEnvironment.self).value
            guard !environment.isEnabled else {
                throw DroverError("compute environment '\(name)' is ENABLED: disable it first (UpdateComputeEnvironment with state DISABLED), then delete it")
            }
            if let users = try queueNames(db, where: { $0.orderedEnvironmentNames.contains(name) }) {
                throw DroverError("compute environment '\(name)' is in the computeEnvironmentOrder of job queue \(users): remove it from the queue (UpdateJobQueue) or delete the queue first")
            }
            let running = try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE environment = ? AND \(JobStatus.condition(JobStatus.active))", arguments: [name]) ?? 0
            if running > 0 {
                throw DroverError("compute environment '\(name)' still runs \(running) job(s): wait for them to finish or terminate them (TerminateJob), then delete it")
            }
            try remove(db, .computeEnvironment, name)
        }
    }

    /// `DeleteJobQueue`, with AWS's rules: the queue must be DISABLED; its unfinished jobs are terminated (those not
    /// started fail at once with `reason`, running ones are stopped by the engine), then the queue and its tags go.
    @discardableResult
    public func deleteJobQueue(_ name: String, reason: String) throws(DroverError) -> StopResult {
        try write { db in
            let queue = try stored(db, .jobQueue, name, as: JobQueue.self).value
            guard !queue.isEnabled else {
                throw DroverError("job queue '\(name)' is ENABLED: disable it first (UpdateJobQueue with state DISABLED), then delete it")
            }
            var result = StopResult()
            let unfinished = try String.fetchAll(db, sql: """
                SELECT id FROM job WHERE queue = ? AND parent_id IS NULL AND \(JobStatus.condition(Set(JobStatus.allCases.filter { !$0.isTerminal })))
                ORDER BY seq
                """, arguments: [name])
            for id in unfinished {
                let stopped = try stop(db, id, reason: reason, terminateRunning: true)
                result.stopped += stopped.stopped
                result.terminating += stopped.terminating
                result.untouched += stopped.untouched
            }
            try remove(db, .jobQueue, name)
            return result
        }
    }

    /// `DeregisterJobDefinition`: the revision becomes INACTIVE (kept and shown, never run again); one already
    /// INACTIVE stays so.
    public func deregisterJobDefinition(_ name: String, revision: Int) throws(DroverError) {
        try write { db in
            try db.execute(sql: "UPDATE job_definition SET status = 'INACTIVE' WHERE name = ? AND revision = ?", arguments: [name, revision])
            if db.changesCount == 0 {
                throw DroverError("job definition '\(name):\(revision)' does not exist")
            }
        }
    }

    /// `DeleteSchedulingPolicy`: refused while a job queue uses the policy (AWS's rule). Its tags go with it.
    public func deleteSchedulingPolicy(_ name: String) throws(DroverError) {
        try write { db in
            _ = try existingDocument(db, .schedulingPolicy, name)
            if let users = try queueNames(db, where: { $0.schedulingPolicyArn.map(ResourceName.fromArn) == name }) {
                throw DroverError("scheduling policy '\(name)' is used by job queue \(users): delete the queue first")
            }
            try remove(db, .schedulingPolicy, name)
        }
    }

    /// The names of the job queues for which `uses` holds, quoted and joined for a message; nil when there are none.
    func queueNames(_ db: Database, where uses: (JobQueue) -> Bool) throws -> String? {
        let names = try String.fetchAll(db, sql: "SELECT document FROM job_queue ORDER BY name").compactMap { document -> String? in
            let queue = try decode(JobQueue.self, document)
            return uses(queue) ? "'\(queue.jobQueueName)'" : nil
        }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    /// Deletes a resource's row and its tags.
    func remove(_ db: Database, _ kind: NamedResource, _ name: String) throws {
        try db.execute(sql: "DELETE FROM \(kind.table) WHERE name = ?", arguments: [name])
        try dropTags(db, kind.tagKey(name))
    }
}
