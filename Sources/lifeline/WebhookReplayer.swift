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
        case missing(String)

        var description: String {
            switch self {
            case .noFiles(let directory): "no *.json files in \(directory)"
            case .missing(let path): "no such file or directory: \(path)"
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

    /// Files as given and each directory's files in name order, in the order of `paths`, spelt as given.
    static func files(at paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw ReplayError.missing(path) }
            if isDirectory.boolValue {
                let directory = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += try Self.files(in: path).map { "\(directory)/\($0.lastPathComponent)" }
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// The event ids a body carries: its top-level `id`, or each `events[].id` of a GoCardless batch.
    static func eventIDs(in body: [UInt8]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        if let id = object["id"] as? String { return [id] }
        return (object["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    func replay(directory: String, provider: ProviderName, secret: String, now: Int64? = nil) async throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for file in try Self.files(in: directory) {
            let body = Array(try Data(contentsOf: file))
            outcomes.append(try await post(body: body, provider: provider, secret: secret, name: file.lastPathComponent, now: now))
        }
        return outcomes
    }

    /// - Parameter extraHeaders: sent beside the signature (`Lifeline-Origin` and the admin token).
    func post(
        body: [UInt8], provider: ProviderName, secret: String, name: String, now: Int64? = nil, extraHeaders: [(String, String)] = []
    ) async throws -> Outcome {
        let timestamp = now ?? Int64(Date().timeIntervalSince1970)
        let eventID = WebhookSigner.eventID(in: body, fallback: name)
        let headers = WebhookSigner.headers(provider: provider, body: body, secret: secret, timestamp: timestamp, eventID: eventID) + extraHeaders
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
