extension ThreadRun {
    /// Starts a `Parallel` state's branches, each a child thread on the same input (`Parameters` over the
    /// effective input, when given).
    mutating func startBranches(_ state: WorkflowState, _ branches: [StateMachine]) throws(StatesError) {
        let effective = try effectiveInput(state)
        var input = effective
        if let template = state.parameters { input = try PayloadTemplate.evaluate(template, input: effective, context: context()) }
        record(HistoryEvent("ParallelStateStarted", [:]))
        let started = result.events.count - 1
        let first = environment.nextThreadId(branches.count)
        for (index, branch) in branches.enumerated() {
            result.spawned.append(WorkflowThread(execution: thread.execution, id: first + index, parent: thread.id, slot: index,
                                                 path: thread.path.appending(state: state.name, branch: index), state: branch.startAt,
                                                 input: input, lastEvent: 0))
            result.childStarts[first + index] = started
        }
        thread.memo.firstChild = first
        thread.memo.children = branches.count
        thread.memo.started = branches.count
        thread.memo.open = branches.count
        thread.memo.limit = 0
        thread.step = .children
    }

    /// Starts a `Map` state's items: a child thread per item of `ItemsPath` (its input the item, or `ItemSelector`
    /// over the effective input with `$$.Map.Item`), at most `MaxConcurrency` running at once.
    mutating func startItems(_ state: WorkflowState, _ map: MapSpec) throws(StatesError) {
        let effective = try effectiveInput(state)
        var selected = effective
        if case .path(let path) = map.itemsPath { selected = try JSONPath.value(of: path, in: effective, context: context()) }
        guard case .array(let items) = selected else {
            throw StatesError(StatesError.runtime, "The ItemsPath of '\(state.name)' must select an array (got \(selected.document.prefix(200)))")
        }
        var limit = map.maxConcurrency
        if let path = map.maxConcurrencyPath {
            let value = try JSONPath.value(of: path, in: effective, context: context())
            guard let number = Self.wholeNumber(value), number >= 0 else {
                throw StatesError(StatesError.runtime, "The MaxConcurrencyPath '\(path)' must give a whole number of 0 or more (got \(value.document))")
            }
            limit = number
        }
        record(HistoryEvent("MapStateStarted", ["length": .integer(items.count)]))
        guard !items.isEmpty else {
            record(HistoryEvent("MapStateSucceeded", [:]))
            try finish(state, result: [])
            return
        }
        let running = limit == 0 ? items.count : min(limit, items.count)
        var children: [WorkflowThread] = []
        children.reserveCapacity(items.count)
        let first = environment.nextThreadId(items.count)
        for (index, item) in items.enumerated() {
            var input = item
            if let selector = map.itemSelector {
                input = try PayloadTemplate.evaluate(selector, input: effective, context: context((index, item)))
            }
            children.append(WorkflowThread(execution: thread.execution, id: first + index, parent: thread.id, slot: index,
                                           path: thread.path.appending(state: state.name, branch: 0), status: index < running ? .active : .waiting,
                                           state: map.processor.startAt, input: input, lastEvent: 0))
        }
        for index in 0..<running {
            record(HistoryEvent.iteration("MapIterationStarted", state: state.name, index: index))
            result.childStarts[first + index] = result.events.count - 1
        }
        result.spawned = children
        thread.memo.firstChild = first
        thread.memo.children = items.count
        thread.memo.started = running
        thread.memo.open = running
        thread.memo.limit = limit
        thread.step = .children
    }

    /// A child ended: a failure fails the state (the other children are stopped); an item that ended well lets the
    /// next waiting one start; when all have ended well their outputs are gathered.
    mutating func childEnded(_ state: WorkflowState, slot: Int, error: StatesError?, lastEvent: Int) {
        let isMap = if case .map = state.kind { true } else { false }
        if let error {
            if isMap { record(HistoryEvent.iteration("MapIterationFailed", state: state.name, index: slot, previous: lastEvent)) }
            record(HistoryEvent(isMap ? "MapStateFailed" : "ParallelStateFailed", [:]))
            result.abortChildren = true
            thread.memo.open = 0
            failed(state, error)
            return
        }
        thread.memo.open -= 1
        if isMap {
            record(HistoryEvent.iteration("MapIterationSucceeded", state: state.name, index: slot, previous: lastEvent))
            let memo = thread.memo
            var started = memo.started
            var open = memo.open
            while started < memo.children, memo.limit == 0 || open < memo.limit, let first = memo.firstChild {
                result.activate.append(first + started)
                record(HistoryEvent.iteration("MapIterationStarted", state: state.name, index: started))
                result.childStarts[first + started] = result.events.count - 1
                started += 1
                open += 1
            }
            thread.memo.started = started
            thread.memo.open = open
        }
        if thread.memo.open == 0, thread.memo.started == thread.memo.children { result.gatherChildren = true }
    }

    /// Every child ended well: their outputs, in order, are the state's result.
    mutating func childrenDone(_ state: WorkflowState, _ outputs: [JSONValue]) {
        let isMap = if case .map = state.kind { true } else { false }
        record(HistoryEvent(isMap ? "MapStateSucceeded" : "ParallelStateSucceeded", [:]))
        do {
            try finish(state, result: .array(outputs))
        } catch {
            failed(state, error)
        }
    }
}
