package io.syncline.operators.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.SocketTimeoutException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which SQLStates and causes are retried, which rows go to the error queue, and what fails. */
class SqlFaultTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "08000", "08001", "08003", "08006", "40001", "40P01", "53000", "53100", "53200",
                "53300", "55P03", "57014", "57P01", "57P02", "57P03", "58000", "58030"
            })
    void connectionResourceAndShutdownFaultsAreTransient(String state) {
        assertThat(SqlFault.of(new SQLException("failed", state))).isEqualTo(SqlFault.TRANSIENT);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "22001", "22003", "22P02", "22007", "23502", "23503", "23505", "23514", "42P01",
                "42703", "42501", "42601", "44000", "P0001"
            })
    void dataIntegrityAndDefinitionFaultsRejectTheRow(String state) {
        assertThat(SqlFault.of(new SQLException("refused", state))).isEqualTo(SqlFault.REJECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"28P01", "28000", "3D000", "XX000", "0A000", "25P02", "40002", "57000"})
    void authenticationMissingDatabasesAndUnknownFaultsAreFatal(String state) {
        assertThat(SqlFault.of(new SQLException("failed", state))).isEqualTo(SqlFault.FATAL);
    }

    @Test
    void aBatchsFailureIsReadFromTheStatementsExceptionChainedToIt() {
        BatchUpdateException batch =
                new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0], null);
        batch.setNextException(new SQLException("violates check constraint", "23514"));

        assertThat(SqlFault.sqlState(batch)).isEqualTo("23514");
        assertThat(SqlFault.of(batch)).isEqualTo(SqlFault.REJECTED);
    }

    @Test
    void withoutAStateTimeoutsAndIoErrorsAreTransient() {
        assertThat(SqlFault.of(new SQLException("I/O", null, new EOFException())))
                .isEqualTo(SqlFault.TRANSIENT);
        assertThat(SqlFault.of(new SQLException("read", new SocketTimeoutException())))
                .isEqualTo(SqlFault.TRANSIENT);
        assertThat(SqlFault.of(new SQLTimeoutException("query timed out")))
                .isEqualTo(SqlFault.TRANSIENT);
        assertThat(SqlFault.of(new SQLTransientConnectionException("pool exhausted")))
                .isEqualTo(SqlFault.TRANSIENT);
        assertThat(SqlFault.of(new SQLException("something else"))).isEqualTo(SqlFault.FATAL);
    }

    @Test
    void anUnknownStateCausedByAnIoErrorIsTransient() {
        assertThat(SqlFault.of(new SQLException("odd", "XX001", new EOFException())))
                .isEqualTo(SqlFault.TRANSIENT);
    }
}
