import DroverAPI
import DroverCore

extension DroverError {
    /// An error of AWS Batch's operations as the CLI reports it: a ClientException is bad input (exit code 2), any
    /// other failure exit code 1; a ``DroverError`` stays as it is.
    static func from(_ error: any Error) -> DroverError {
        switch error {
        case let error as DroverError: error
        case let error as APIError: DroverError(error.message, exitCode: error.status == 400 ? 2 : 1)
        default: DroverError("\(error)", exitCode: 1)
        }
    }
}
