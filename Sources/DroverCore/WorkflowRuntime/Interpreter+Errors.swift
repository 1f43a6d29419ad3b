extension ThreadRun {
    /// The state met `error`: the first retrier that names it retries the state after its delay while it has attempts
    /// left; otherwise the first catcher that names it moves on with the error in the input; otherwise the thread fails.
    /// `States.Runtime` and `States.DataLimitExceeded` are never retried nor caught.
    mutating func failed(_ state: WorkflowState, _ error: StatesError) {
        guard !error.isTerminal else { return fail(error) }
        if let index = state.retry.firstIndex(where: { Self.names($0.errorEquals, error) }) {
            let retrier = state.retry[index]
            let made = thread.memo.retries.indices.contains(index) ? thread.memo.retries[index] : 0
            if made < retrier.maxAttempts {
                let delay = RetryDelay.seconds(retrier: retrier, retryCount: made, random: environment.random())
                if thread.memo.retries.indices.contains(index) { thread.memo.retries[index] = made + 1 }
                thread.step = .retry
                thread.jobId = nil
                thread.wakeAt = now + EpochMillis((delay * 1000).rounded())
                return
            }
        }
        if let catcher = state.catchers.first(where: { Self.names($0.errorEquals, error) }) {
            do {
                let output = try DataFlow.place(["Error": .string(error.error), "Cause": .string(error.cause)], into: thread.input,
                                                at: catcher.resultPath)
                try exited(state, output: output)
                moveOn(to: catcher.next, input: output)
            } catch {
                fail(error)
            }
            return
        }
        fail(error)
    }

    /// Whether an `ErrorEquals` list names `error`: by its name, by `States.ALL`, or by `States.TaskFailed`, which
    /// stands for any error but `States.Timeout`. A missed heartbeat (`States.HeartbeatTimeout`) is a kind of
    /// `States.Timeout` ("a Task state either ran longer than TimeoutSeconds, or failed to send a heartbeat for longer
    /// than HeartbeatSeconds"): `States.Timeout` names it too, and `States.TaskFailed` does not.
    static func names(_ errorEquals: [String], _ error: StatesError) -> Bool {
        if error.isTerminal { return false }
        if errorEquals.contains(error.error) || errorEquals.contains(StatesError.all) { return true }
        let isTimeout = error.error == StatesError.timeout || error.error == StatesError.heartbeatTimeout
        if isTimeout { return errorEquals.contains(StatesError.timeout) }
        return errorEquals.contains(StatesError.taskFailed)
    }
}
