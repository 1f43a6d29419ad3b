import DroverCore
import GRDB

extension Store {
    /// Removes the state machine `name` (for Step Functions' `DeleteStateMachine`); its executions, which keep the
    /// definition they started with, stay and run on. False when there was none.
    @discardableResult
    public func deleteStateMachine(_ name: String) throws(DroverError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM workflow_machine WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }
}
