import LifelineStoreSQLite
import Testing

/// One conformance suite, run against both stores: the checks live in `Conformance`, and each
/// store gets a suite of one-line tests so a store that cannot run is skipped visibly.
/// Comparing with the SQLite reference is the PostgreSQL suite's alone: SQLite against itself
/// could not fail, so without a PostgreSQL server that check is skipped, never run on SQLite.
@Suite("Store conformance: SQLite")
struct SQLiteStoreConformanceTests {
    @Test func ingestStoresEachEventOnce() async throws { try await Conformance.ingestStoresEachEventOnce(.sqlite) }
    @Test func concurrentDuplicatesAreStoredOnce() async throws { try await Conformance.concurrentDuplicatesAreStoredOnce(.sqlite) }
    @Test func concurrentEventsOfOneCustomerKeepEveryUpdate() async throws { try await Conformance.concurrentEventsOfOneCustomerKeepEveryUpdate(.sqlite) }
    @Test func migrateIsRepeatableAndConcurrent() async throws { try await Conformance.migrateIsRepeatableAndConcurrent(.sqlite) }
    @Test func failurePlansACaseAndItsActions() async throws { try await Conformance.failurePlansACaseAndItsActions(.sqlite) }
    @Test func claimLeasesDueActionsUntilTheLeaseExpires() async throws { try await Conformance.claimLeasesDueActionsUntilTheLeaseExpires(.sqlite) }
    @Test func concurrentClaimersNeverShareAnAction() async throws { try await Conformance.concurrentClaimersNeverShareAnAction(.sqlite) }
    @Test func retryThenDeliveryMovesTheCaseToActing() async throws { try await Conformance.retryThenDeliveryMovesTheCaseToActing(.sqlite) }
    @Test func deadAndCancelledRules() async throws { try await Conformance.deadAndCancelledRules(.sqlite) }
    @Test func retryActionPutsADeadActionBack() async throws { try await Conformance.retryActionPutsADeadActionBack(.sqlite) }
    @Test func retryActionPutsACancelledActionBack() async throws { try await Conformance.retryActionPutsACancelledActionBack(.sqlite) }
    @Test func partnerCallbacksMoveTheCase() async throws { try await Conformance.partnerCallbacksMoveTheCase(.sqlite) }
    @Test func listsPageNewestFirstAlike() async throws { try await Conformance.listsPageNewestFirstAlike(.sqlite) }
    @Test func attemptsAndFailuresPageAlike() async throws { try await Conformance.attemptsAndFailuresPageAlike(.sqlite) }
    @Test func appendLogsAndProjectorApplies() async throws { try await Conformance.appendLogsAndProjectorApplies(.sqlite) }
    @Test func appendContentsOfLogsInOrder() async throws { try await Conformance.appendContentsOfLogsInOrder(.sqlite) }
    @Test func failingEventIsRecordedSkippedAndRetried() async throws { try await Conformance.failingEventIsRecordedSkippedAndRetried(.sqlite) }
    @Test func historyOpensCasesButPlansNoAction() async throws { try await Conformance.historyOpensCasesButPlansNoAction(.sqlite) }
    @Test func rebuildReproducesTheProjection() async throws { try await Conformance.rebuildReproducesTheProjection(.sqlite) }
    @Test func rebuildAppliesAnEditedReasonCodeTable() async throws { try await Conformance.rebuildAppliesAnEditedReasonCodeTable(.sqlite) }
    @Test func rebuildKeepsCasesTheLogNoLongerOpens() async throws { try await Conformance.rebuildKeepsCasesTheLogNoLongerOpens(.sqlite) }
    @Test func onlineRebuildBesideALiveProjectorMatchesNoRebuild() async throws { try await Conformance.onlineRebuildBesideALiveProjectorMatchesNoRebuild(.sqlite) }
    @Test func rawRetentionDropsOldBodiesAndKeepsTheEvents() async throws { try await Conformance.rawRetentionDropsOldBodiesAndKeepsTheEvents(.sqlite) }
    @Test func forgetErasesPersonalDataAndKeepsTheFigures() async throws { try await Conformance.forgetErasesPersonalDataAndKeepsTheFigures(.sqlite) }
    @Test func rawEventsAndReplacedNormalizedForms() async throws { try await Conformance.rawEventsAndReplacedNormalizedForms(.sqlite) }
    @Test func gaugesCountTheOutboxCasesAndLag() async throws { try await Conformance.gaugesCountTheOutboxCasesAndLag(.sqlite) }
}

@Suite(
    "Store conformance: PostgreSQL",
    .enabled(if: PostgresTestServer.isConfigured, "LIFELINE_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL 15 and sets it")
)
struct PostgresStoreConformanceTests {
    @Test func ingestStoresEachEventOnce() async throws { try await Conformance.ingestStoresEachEventOnce(.postgres) }
    @Test func concurrentDuplicatesAreStoredOnce() async throws { try await Conformance.concurrentDuplicatesAreStoredOnce(.postgres) }
    @Test func concurrentEventsOfOneCustomerKeepEveryUpdate() async throws { try await Conformance.concurrentEventsOfOneCustomerKeepEveryUpdate(.postgres) }
    @Test func migrateIsRepeatableAndConcurrent() async throws { try await Conformance.migrateIsRepeatableAndConcurrent(.postgres) }
    @Test func ledgerAndRecoveryMatchTheSQLiteReference() async throws { try await Conformance.ledgerAndRecoveryMatchTheSQLiteReference(against: .postgres) }
    @Test func failurePlansACaseAndItsActions() async throws { try await Conformance.failurePlansACaseAndItsActions(.postgres) }
    @Test func claimLeasesDueActionsUntilTheLeaseExpires() async throws { try await Conformance.claimLeasesDueActionsUntilTheLeaseExpires(.postgres) }
    @Test func concurrentClaimersNeverShareAnAction() async throws { try await Conformance.concurrentClaimersNeverShareAnAction(.postgres) }
    @Test func retryThenDeliveryMovesTheCaseToActing() async throws { try await Conformance.retryThenDeliveryMovesTheCaseToActing(.postgres) }
    @Test func deadAndCancelledRules() async throws { try await Conformance.deadAndCancelledRules(.postgres) }
    @Test func retryActionPutsADeadActionBack() async throws { try await Conformance.retryActionPutsADeadActionBack(.postgres) }
    @Test func retryActionPutsACancelledActionBack() async throws { try await Conformance.retryActionPutsACancelledActionBack(.postgres) }
    @Test func partnerCallbacksMoveTheCase() async throws { try await Conformance.partnerCallbacksMoveTheCase(.postgres) }
    @Test func listsPageNewestFirstAlike() async throws { try await Conformance.listsPageNewestFirstAlike(.postgres) }
    @Test func attemptsAndFailuresPageAlike() async throws { try await Conformance.attemptsAndFailuresPageAlike(.postgres) }
    @Test func appendLogsAndProjectorApplies() async throws { try await Conformance.appendLogsAndProjectorApplies(.postgres) }
    @Test func appendContentsOfLogsInOrder() async throws { try await Conformance.appendContentsOfLogsInOrder(.postgres) }
    @Test func failingEventIsRecordedSkippedAndRetried() async throws { try await Conformance.failingEventIsRecordedSkippedAndRetried(.postgres) }
    @Test func historyOpensCasesButPlansNoAction() async throws { try await Conformance.historyOpensCasesButPlansNoAction(.postgres) }
    @Test func rebuildReproducesTheProjection() async throws { try await Conformance.rebuildReproducesTheProjection(.postgres) }
    @Test func rebuildAppliesAnEditedReasonCodeTable() async throws { try await Conformance.rebuildAppliesAnEditedReasonCodeTable(.postgres) }
    @Test func rebuildKeepsCasesTheLogNoLongerOpens() async throws { try await Conformance.rebuildKeepsCasesTheLogNoLongerOpens(.postgres) }
    @Test func onlineRebuildBesideALiveProjectorMatchesNoRebuild() async throws { try await Conformance.onlineRebuildBesideALiveProjectorMatchesNoRebuild(.postgres) }
    @Test func rawRetentionDropsOldBodiesAndKeepsTheEvents() async throws { try await Conformance.rawRetentionDropsOldBodiesAndKeepsTheEvents(.postgres) }
    @Test func forgetErasesPersonalDataAndKeepsTheFigures() async throws { try await Conformance.forgetErasesPersonalDataAndKeepsTheFigures(.postgres) }
    @Test func rawEventsAndReplacedNormalizedForms() async throws { try await Conformance.rawEventsAndReplacedNormalizedForms(.postgres) }
    @Test func gaugesCountTheOutboxCasesAndLag() async throws { try await Conformance.gaugesCountTheOutboxCasesAndLag(.postgres) }
}
