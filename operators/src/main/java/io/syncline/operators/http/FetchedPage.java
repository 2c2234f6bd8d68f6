package io.syncline.operators.http;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.ErrorRecord;
import java.util.List;
import org.apache.flink.types.Either;

/**
 * A page decoded: its changes and errors in the API's order, and the cursor after them.
 *
 * @param records what the page's items (and answers that were not a page) became
 * @param nextCursor the resource's cursor once every record is emitted
 */
record FetchedPage(List<Either<ErrorRecord, ChangeEvent>> records, String nextCursor) {}
