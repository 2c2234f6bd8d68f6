package io.syncline.operators.read;

import java.io.Serializable;
import java.time.Instant;

/**
 * Where in its source a read took place: the WAL position and the database's clock, read as the
 * first statement of the read's snapshot. A change committed at or after {@code lsn} is not in the
 * rows read.
 */
public record ReadPoint(long lsn, Instant time) implements Serializable {}
