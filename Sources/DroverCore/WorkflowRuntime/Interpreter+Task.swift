extension ThreadRun {
    /// Submits a task's batch job: the `SubmitJob` request is the task's `Parameters` evaluated over its effective
    /// input. `batch:submitJob` is done once the job is accepted; `batch:submitJob.sync` waits for it to end.
    mutating func submit(_ state: WorkflowState, _ task: TaskSpec) throws(StatesError) {
        let effective = try effectiveInput(state)
        var parameters = effective
        if let template = state.parameters { parameters = try PayloadTemplate.evaluate(template, input: effective, context: context()) }
        if thread.memo.triedAt == nil {
            thread.memo.timeoutSeconds = try seconds(task.timeoutSeconds, path: task.timeoutSecondsPath, field: "TimeoutSecondsPath", in: effective)
            thread.memo.heartbeatSeconds = try seconds(task.heartbeatSeconds, path: task.heartbeatSecondsPath, field: "HeartbeatSecondsPath",
                                                       in: effective)
        }
        var scheduled: [String: JSONValue] = ["region": .string(environment.execution.region), "parameters": .string(parameters.document)]
        if let timeout = thread.memo.timeoutSeconds { scheduled["timeoutInSeconds"] = .integer(timeout) }
        if let heartbeat = thread.memo.heartbeatSeconds { scheduled["heartbeatInSeconds"] = .integer(heartbeat) }
        record(HistoryEvent.task("TaskScheduled", task, scheduled))
        record(HistoryEvent.task("TaskStarted", task))
        let submitted: SubmittedTask
        do {
            let request = try BatchTaskShapes.request(from: parameters)
            submitted = try environment.submit(request).get()
        } catch {
            record(HistoryEvent.task("TaskFailed", task, ["error": .string(error.error), "cause": .string(error.cause)]))
            failed(state, error)
            return
        }
        let response = BatchTaskShapes.submitResponse(jobArn: submitted.jobArn, jobName: submitted.jobName, jobId: submitted.jobId)
        thread.memo.triedAt = now
        switch task.integration {
        case .submitJob:
            record(HistoryEvent.task("TaskSucceeded", task, ["output": .string(response.document), "outputDetails": ["truncated": false]]))
            try finish(state, result: response)
        case .submitJobSync:
            record(HistoryEvent.task("TaskSubmitted", task, ["output": .string(response.document), "outputDetails": ["truncated": false]]))
            thread.step = .task
            thread.jobId = submitted.jobId
            thread.wakeAt = thread.memo.timeoutSeconds.map { now + EpochMillis($0) * 1000 }
        }
    }

    /// A limit in seconds, given or read from the input.
    func seconds(_ given: Int?, path: String?, field: String, in input: JSONValue) throws(StatesError) -> Int? {
        guard let path else { return given }
        let value = try JSONPath.value(of: path, in: input, context: context())
        guard let seconds = Self.wholeNumber(value), seconds > 0 else {
            throw StatesError(StatesError.runtime, "The \(field) '\(path)' must give a whole number of seconds above 0 (got \(value.document))")
        }
        return seconds
    }

    /// The job of a `.sync` task ended: its record is the result, or the cause of `States.TaskFailed`.
    mutating func jobEnded(_ state: WorkflowState, _ end: JobEnd) {
        guard case .task(let task) = state.kind else { return }
        thread.jobId = nil
        thread.wakeAt = nil
        if end.succeeded {
            record(HistoryEvent.task("TaskSucceeded", task, ["output": .string(end.record.document), "outputDetails": ["truncated": false]]))
            do {
                try finish(state, result: end.record)
            } catch {
                failed(state, error)
            }
        } else {
            let error = StatesError(StatesError.taskFailed, end.record.document)
            record(HistoryEvent.task("TaskFailed", task, ["error": .string(error.error), "cause": .string(error.cause)]))
            failed(state, error)
        }
    }

    /// A `.sync` task ran out of time (`TimeoutSeconds`) or went silent (`HeartbeatSeconds`): its job is terminated.
    mutating func timedOut(_ state: WorkflowState, _ error: StatesError) {
        guard case .task(let task) = state.kind else { return }
        if let job = thread.jobId { result.terminate.append((job, "Terminated by the workflow: \(error.error)")) }
        thread.jobId = nil
        thread.wakeAt = nil
        record(HistoryEvent.task("TaskTimedOut", task, ["error": .string(error.error), "cause": .string(error.cause)]))
        failed(state, error)
    }
}
