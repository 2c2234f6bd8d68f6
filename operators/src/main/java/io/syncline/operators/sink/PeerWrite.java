package io.syncline.operators.sink;

import io.syncline.operators.decode.OriginColumns;
import io.syncline.schema.ChangeEvent;
import io.syncline.schema.Operation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.datasource.statements.JdbcQueryStatement;

/**
 * Writes resolved changes of one entity type back into a {@link PeerTable}, stamping each written
 * row with the change's origin and version vector so that its echo in the peer's change stream is
 * recognized and never sent back.
 *
 * <p>The connection must set {@code syncline.writer=on}: without it the peer's origin trigger
 * clears the origin, as it does for every application write.
 */
public final class PeerWrite implements JdbcQueryStatement<ChangeEvent> {

    private static final long serialVersionUID = 1L;

    private final PeerTable table;
    private final String sql;

    public PeerWrite(PeerTable table) {
        this.table = table;
        this.sql = table.writeSql();
    }

    @Override
    public String query() {
        return sql;
    }

    @Override
    public void statement(PreparedStatement statement, ChangeEvent event) throws SQLException {
        int index = 1;
        statement.setBoolean(index++, event.getOp() == Operation.DELETE);
        index =
                VersionGuardedUpsert.bindRow(
                        statement, index, table.columns(), table.primaryKey(), event);
        statement.setString(index++, originOf(event));
        statement.setString(index, OriginColumns.formatClock(event.getVectorClock()));
    }

    /**
     * The source the written version came from. A change that is not itself an echo came from the
     * source that produced it; never NULL, which would make the echo look like an application write
     * and send it round again.
     */
    static String originOf(ChangeEvent event) {
        return event.getOrigin() != null ? event.getOrigin() : event.getSourceId();
    }
}
