package io.syncline.operators.jdbc;

import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The committer side of {@link JdbcTableSink}, which commits nothing: each batch commits in its own
 * transaction. It exists for savepoints: flink-connector-jdbc's sink, which wrote the same tables
 * under the same uids before, had a committer operator, and its state (empty for an at-least-once
 * sink, but present) restores only into an operator of the same uid. Without one, a savepoint taken
 * before would need {@code --allowNonRestoredState}.
 */
final class NoCommits implements Committer<Void> {

    /** Serializes no committable: there never is one. */
    static final SimpleVersionedSerializer<Void> SERIALIZER =
            new SimpleVersionedSerializer<>() {
                @Override
                public int getVersion() {
                    return 1;
                }

                @Override
                public byte[] serialize(Void committable) throws IOException {
                    throw new IOException("JdbcTableSink has no committables to serialize");
                }

                @Override
                public Void deserialize(int version, byte[] serialized) throws IOException {
                    throw new IOException(
                            "JdbcTableSink has no committables; found "
                                    + serialized.length
                                    + " bytes of one (version "
                                    + version
                                    + ") in the state, of a sink that had committables");
                }
            };

    @Override
    public void commit(Collection<CommitRequest<Void>> requests) {}

    @Override
    public void close() {}
}
