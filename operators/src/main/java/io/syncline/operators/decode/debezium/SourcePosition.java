package io.syncline.operators.decode.debezium;

import java.io.Serializable;

/**
 * Where a Debezium change sits in its source's log, as text for event ids and as a number that
 * orders one entity's changes. Both decoders use it: Debezium JSON from Kafka and Flink CDC's
 * records, so a change has the same position whichever way it was read.
 *
 * @param text the Postgres LSN, or {@code binlog-file:offset} for MySQL and MariaDB
 * @param version the Postgres LSN, or the binlog file's number in the high 32 bits and the offset
 *     in the low ones: binlog files are numbered in order and never reach 4 GiB
 */
public record SourcePosition(String text, long version) implements Serializable {

    private static final long BINLOG_OFFSET_BITS = 32;

    /** The position of {@code envelope}'s change, or null when its connector gives none. */
    static SourcePosition of(DebeziumEnvelope envelope) {
        String connector = envelope.sourceText("connector");
        if ("postgresql".equals(connector)) {
            Long lsn = envelope.sourceNumber("lsn");
            return lsn == null || lsn <= 0 ? null : lsn(lsn);
        }
        if ("mysql".equals(connector) || "mariadb".equals(connector)) {
            return binlog(envelope.sourceText("file"), envelope.sourceNumber("pos"));
        }
        return null;
    }

    /** A Postgres log sequence number. */
    public static SourcePosition lsn(long lsn) {
        return new SourcePosition(Long.toString(lsn), lsn);
    }

    /**
     * The offset in a MySQL or MariaDB binlog file, or null when the file name ends in no number
     * (e.g. {@code mysql-bin.000003}) or the offset is missing or negative.
     */
    public static SourcePosition binlog(String file, Long offset) {
        Long fileNumber = file == null ? null : binlogNumber(file);
        if (fileNumber == null || offset == null || offset < 0) {
            return null;
        }
        return new SourcePosition(file + ":" + offset, (fileNumber << BINLOG_OFFSET_BITS) + offset);
    }

    /** The number after the last dot of a binlog file name ({@code mysql-bin.000003} is 3). */
    private static Long binlogNumber(String file) {
        String digits = file.substring(file.lastIndexOf('.') + 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return digits.length() > 9 ? null : Long.parseLong(digits);
    }
}
