@testable import DroverAPI
import HTTPTypes
import Testing

/// Which requests only read the store (they run beside each other and never wait behind a write).
@Suite struct APIServerRoutingTests {
    @Test(arguments: [
        ("POST", "/v1/describejobs", true), ("POST", "/v1/DescribeJobQueues", true), ("POST", "/v1/listjobs", true),
        ("POST", "/v1/getjobqueuesnapshot", true), ("GET", "/v1/tags/arn%3Aaws%3Abatch%3Aus-east-1%3A000000000000%3Ajob-queue%2Fq", true),
        ("POST", "/v1/submitjob", false), ("POST", "/v1/canceljob", false), ("POST", "/v1/deletejobqueue", false),
        ("POST", "/v1/registerjobdefinition", false), ("POST", "/v1/tags/arn", false), ("DELETE", "/v1/tags/arn", false),
        ("POST", "/v1/launchrocket", false),
    ])
    func readsAreToldFromWrites(method: String, path: String, read: Bool) {
        #expect(APIServer.isRead(method: HTTPRequest.Method(method) ?? .post, path: path) == read)
    }
}
