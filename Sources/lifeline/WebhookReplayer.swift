import AsyncHTTPClient
import Foundation
import LifelineCore
import LifelineProviders
import NIOCore

/// Posts signed webhook files to a Lifeline server, like the provider would.
struct WebhookReplayer {
    struct Outcome {
        var file: String
        var status: Int
        var response: String
    }

    enum ReplayError: Error, CustomStringConvertible {
        case noFiles(String)

        var description: String {
            switch self {
            case .noFiles(let directory): "no *.json files in \(directory)"
            }
        }
    }

    var baseURL: String
    var client: HTTPClient = .shared

    /// Files in name order, so a numbered directory replays as the story it tells.
    static func files(in directory: String) throws -> [URL] {
        let url = URL(fileURLWithPath: directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
        guard !names.isEmpty else { throw ReplayError.noFiles(directory) }
        return names.map { url.appendingPathComponent($0) }
    }

    func replay(directory: String, provider: ProviderName, secret: String, now: Int64? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for file in try Self.files(in: directory) {
            let body = Array(try Data(contentsOf: file))
            outcomes.append(try await post(body: body, provider: provider, secret: secret, name: file.lastPathComponent, now: now))
        }
        return outcomes
    }

    func post(body: [UInt8], provider: ProviderName, secret: String, name: String, now: Int64? = nil) async throws -> Outcome {
        let timestamp = now ?? Int64(Date().timeIntervalSince1970)
        let eventID = WebhookSigner.eventID(in: body, fallback: name)
        let headers = WebhookSigner.headers(provider: provider, body: body, secret: secret, timestamp: timestamp, eventID: eventID)
        var outcome = try await post(body: body, path: "/webhooks/\(provider.rawValue)", headers: headers)
        outcome.file = name
        return outcome
    }

    /// Posts a body with the given (already signed) headers.
    func post(body: [UInt8], path: String, headers: [(String, String)]) async throws -> Outcome {
        var request = HTTPClientRequest(url: "\(baseURL)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "lifeline-replay")
        for (header, value) in headers { request.headers.add(name: header, value: value) }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return Outcome(file: path, status: Int(response.status.code), response: text)
    }
}
