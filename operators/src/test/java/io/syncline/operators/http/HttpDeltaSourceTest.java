package io.syncline.operators.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.retry.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The source's splits: each resource handed out once, its cursor kept through serialization, and a
 * resource configured after a checkpoint read from the start while the others keep their cursors.
 */
class HttpDeltaSourceTest {

    private static final HttpResource CUSTOMERS =
            new HttpResource("/customers", "customer", List.of("id"), "tenant", null);
    private static final HttpResource NOTES =
            new HttpResource("/notes", "note", List.of("id"), null, "acme");

    @Test
    void eachResourceGoesToOneReaderOnceAndComesBackWhenItsReaderFails() throws Exception {
        HttpDeltaSource source = source(List.of(CUSTOMERS, NOTES));
        try (MockSplitEnumeratorContext<HttpResourceSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> enumerator =
                    source.createEnumerator(context);
            register(context, enumerator, 0);
            register(context, enumerator, 1);

            Map<String, String> assigned = assignedSplits(context);
            assertThat(assigned).containsOnlyKeys("/customers", "/notes").containsValue("c0");
            assertThat(enumerator.snapshotState(1))
                    .isEqualTo(new HttpEnumeratorState(List.of(), Set.of("/customers", "/notes")));

            enumerator.addSplitsBack(List.of(new HttpResourceSplit("/notes", "c7")), 1);
            assertThat(context.getSplitsAssignmentSequence()).hasSize(3);
            assertThat(
                            context.getSplitsAssignmentSequence()
                                    .get(2)
                                    .assignment()
                                    .values()
                                    .iterator()
                                    .next())
                    .containsExactly(new HttpResourceSplit("/notes", "c7"));
        }
    }

    @Test
    void aResourceAddedAfterACheckpointStartsAtTheInitialCursor() throws Exception {
        HttpDeltaSource source = source(List.of(CUSTOMERS, NOTES));
        HttpEnumeratorState checkpointed =
                roundTrip(new HttpEnumeratorState(List.of(), Set.of("/customers")));
        try (MockSplitEnumeratorContext<HttpResourceSplit> context =
                new MockSplitEnumeratorContext<>(1)) {
            SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> enumerator =
                    source.restoreEnumerator(context, checkpointed);
            register(context, enumerator, 0);

            assertThat(assignedSplits(context)).containsExactly(Map.entry("/notes", "c0"));
        }
    }

    @Test
    void splitsKeepLongAndMissingCursors() throws Exception {
        String longCursor = "x".repeat(70_000);
        HttpResourceSplitSerializer serializer = HttpResourceSplitSerializer.INSTANCE;

        for (HttpResourceSplit split :
                List.of(
                        new HttpResourceSplit("/customers", null),
                        new HttpResourceSplit("/customers", longCursor))) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split)))
                    .isEqualTo(split);
        }
    }

    private static HttpEnumeratorState roundTrip(HttpEnumeratorState state) throws Exception {
        HttpResourceSplitSerializer.EnumeratorState serializer =
                new HttpResourceSplitSerializer.EnumeratorState();
        return serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
    }

    private static void register(
            MockSplitEnumeratorContext<HttpResourceSplit> context,
            SplitEnumerator<HttpResourceSplit, HttpEnumeratorState> enumerator,
            int subtask) {
        context.registerReader(new ReaderInfo(subtask, "localhost"));
        enumerator.addReader(subtask);
    }

    /** Cursor of each split assigned so far, by path. */
    private static Map<String, String> assignedSplits(
            MockSplitEnumeratorContext<HttpResourceSplit> context) {
        return context.getSplitsAssignmentSequence().stream()
                .map(SplitsAssignment::assignment)
                .flatMap(assignment -> assignment.values().stream())
                .flatMap(List::stream)
                .collect(Collectors.toMap(HttpResourceSplit::path, HttpResourceSplit::cursor));
    }

    private static HttpDeltaSource source(List<HttpResource> resources) {
        HttpApiSettings api =
                new HttpApiSettings(
                        "http://localhost:1",
                        null,
                        Duration.ofSeconds(1),
                        10,
                        "limit",
                        "/data",
                        new CursorSettings(CursorSettings.Mode.TOKEN, "cursor", "/next", "c0"),
                        ItemFields.defaults(),
                        RetryPolicy.defaults(),
                        Duration.ofSeconds(5));
        return new HttpDeltaSource(
                new HttpSourceSettings("crm", api, resources, Set.of()), Clock.systemUTC());
    }
}
