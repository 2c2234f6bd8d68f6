package io.syncline.benchmarks.jmh;

import io.syncline.benchmarks.SampleChanges;
import io.syncline.operators.sink.TargetColumn;
import io.syncline.operators.sink.TargetTable;
import io.syncline.operators.sink.VersionGuardedUpsert;
import io.syncline.schema.ChangeEvent;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Binding one change to the version-guarded upsert of its target table, against a statement that
 * only swallows the values: the JVM side of each row the JDBC sink writes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VersionGuardBenchmark {

    private VersionGuardedUpsert upsert;
    private ChangeEvent change;
    private PreparedStatement statement;

    @Setup
    public void setUp(Blackhole blackhole) {
        TargetTable table =
                new TargetTable(
                        "public",
                        "customers",
                        List.of(
                                new TargetColumn("id", "bigint"),
                                new TargetColumn("tenant_id", "text"),
                                new TargetColumn("name", "text"),
                                new TargetColumn("email", "text"),
                                new TargetColumn("status", "text"),
                                new TargetColumn("amount", "numeric(12,2)"),
                                new TargetColumn("quantity", "integer"),
                                new TargetColumn("created_at", "timestamp without time zone"),
                                new TargetColumn("updated_at", "timestamp without time zone"),
                                new TargetColumn("notes", "text"),
                                new TargetColumn("attributes", "jsonb")),
                        List.of("id"));
        upsert = new VersionGuardedUpsert(table);
        change = SampleChanges.customer(4711);
        statement =
                (PreparedStatement)
                        Proxy.newProxyInstance(
                                getClass().getClassLoader(),
                                new Class<?>[] {PreparedStatement.class},
                                (proxy, method, args) -> {
                                    if (args != null) {
                                        for (Object arg : args) {
                                            blackhole.consume(arg);
                                        }
                                    }
                                    return null;
                                });
    }

    @Benchmark
    public void bindUpsert() throws SQLException {
        upsert.statement(statement, change);
    }
}
