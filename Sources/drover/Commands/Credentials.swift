import ArgumentParser
import DroverAPI
import DroverCore
import Foundation

/// `drover credentials`: the key pair the AWS Batch–compatible API accepts, as `export` lines for a shell.
struct Credentials: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the access key and secret the API accepts, as export lines: eval \"$(drover credentials)\".",
        discussion: """
            The pair is made on first use and kept in STATE/credentials (mode 0600, AWS's shared-credentials \
            format). A server started with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment accepts \
            that pair instead.
            """)

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let credentials = try APICredentials.stored(in: global.directory)
        try Printer.out("""
            export AWS_ACCESS_KEY_ID=\(credentials.accessKeyId)
            export AWS_SECRET_ACCESS_KEY=\(credentials.secretAccessKey)
            """)
    }
}
