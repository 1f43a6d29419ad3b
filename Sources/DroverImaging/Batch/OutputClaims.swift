import Synchronization

/// The output files of one batch run, each claimed by the input that writes it: names known only once an image is
/// written (`{height}`, `{hash}`, `{width}` without `widths`) cannot be checked before the run, so the second input
/// to reach a name fails instead of replacing the first one's file.
public final class OutputClaims: Sendable {
    private let owners = Mutex<[PathBytes: String]>([:])

    public init() {}

    /// Claims `path` for `input`; returns the input that claimed it first, when that is another one.
    public func claim(_ path: PathBytes, for input: String) -> String? {
        owners.withLock { owners in
            if let owner = owners[path], owner != input { return owner }
            owners[path] = input
            return nil
        }
    }
}
