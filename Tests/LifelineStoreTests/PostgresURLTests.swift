import LifelineStorePostgres
import Testing

/// `storage.url` parsing needs no server, so it always runs.
@Suite("PostgreSQL URL")
struct PostgresURLTests {
    @Test func fullURL() throws {
        let url = try PostgresURL("postgres://life%40line:p%3Ass@db.internal:6543/ledger?sslmode=disable&schema=tenant_1")
        #expect(url.username == "life@line")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "ledger")
        #expect(url.sslMode == "disable")
        #expect(url.schema == "tenant_1")
        #expect(!url.redacted.contains("p:ss"))
        #expect(url.clientConfiguration().options.additionalStartupParameters.first?.1 == "tenant_1")
        #expect(url.applicationName == "lifeline")
        let named = try PostgresURL("postgres://u@h/d?application_name=lifeline-eu-1")
        #expect(named.clientConfiguration().options.additionalStartupParameters.map(\.0) == ["application_name"])
        #expect(named.clientConfiguration().options.additionalStartupParameters.map(\.1) == ["lifeline-eu-1"])
    }

    @Test func defaults() throws {
        let url = try PostgresURL("postgresql://lifeline@localhost/lifeline")
        #expect(url.port == 5432)
        #expect(url.password == nil)
        #expect(url.sslMode == "prefer")
        #expect(url.schema == nil)
        #expect(url.unixSocketDirectory == nil)
        #expect(try PostgresURL("postgres://u@h:1/d?host=/run/postgresql").unixSocketDirectory == "/run/postgresql")
    }

    @Test func refusals() {
        #expect(throws: PostgresURL.ParseError.notPostgres("mysql")) { try PostgresURL("mysql://u@h/d") }
        #expect(throws: PostgresURL.ParseError.missing("user name")) { try PostgresURL("postgres://h/d") }
        #expect(throws: PostgresURL.ParseError.self) { try PostgresURL("postgres://u@h/d?sslmode=maybe") }
        #expect(throws: PostgresURL.ParseError.self) { try PostgresURL("postgres://u@h/d?schema=drop%20table") }
        #expect(throws: PostgresURL.ParseError.self) { try PostgresURL("postgres://u@h/d?schema=Upper") }
        #expect(throws: PostgresURL.ParseError.self) { try PostgresURL("postgres://u@h/d?application_name=caf%C3%A9") }
    }
}
