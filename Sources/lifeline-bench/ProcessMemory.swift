import Foundation

/// Resident memory of this process from `/proc/self/status` (Linux); nil elsewhere.
enum ProcessMemory {
    /// Peak resident set size (`VmHWM`) in MiB.
    static var peakMiB: Double? { field("VmHWM") }
    /// Current resident set size (`VmRSS`) in MiB.
    static var currentMiB: Double? { field("VmRSS") }

    static func field(_ name: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("\(name):") {
            let kilobytes = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Double($0) }
            return kilobytes.map { $0 / 1_024 }
        }
        return nil
    }
}
