import ArgumentParser

/// `drover workflow`: Amazon States Language state machines whose tasks are batch jobs, as Step Functions runs them.
struct Workflow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Amazon States Language state machines (Step Functions) whose tasks are batch jobs.",
        discussion: """
            Definitions are Step Functions JSON (or YAML): Task (arn:aws:states:::batch:submitJob and
            batch:submitJob.sync), Parallel, Map, Choice, Pass, Wait, Succeed and Fail, with Retry, Catch and
            the paths and intrinsic functions of the language. Executions live in the state directory: an
            engine that stops (or crashes) leaves them RUNNING, and the next one carries them on.
            """,
        subcommands: [WorkflowRun.self, WorkflowStart.self, WorkflowList.self, WorkflowDescribe.self, WorkflowStop.self, WorkflowValidate.self])
}
