package io.syncline.operators.read;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The backfill enumerator's state: whether the tables were split yet, and the splits no reader has
 * taken.
 */
public record BackfillPlan(boolean planned, List<TableSplit> unassigned) {

    public BackfillPlan {
        unassigned = List.copyOf(unassigned);
    }

    /** Before the tables are split. */
    public static final BackfillPlan UNPLANNED = new BackfillPlan(false, List.of());

    /** Writes the state into checkpoints. */
    public static final class Serializer implements SimpleVersionedSerializer<BackfillPlan> {

        private static final int VERSION = 1;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(BackfillPlan plan) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeBoolean(plan.planned());
            out.writeInt(plan.unassigned().size());
            for (TableSplit split : plan.unassigned()) {
                TableSplitSerializer.write(split, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public BackfillPlan deserialize(int version, byte[] serialized) throws IOException {
            if (version != VERSION) {
                throw new IOException("unknown version " + version + " of a backfill plan");
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            boolean planned = in.readBoolean();
            int count = in.readInt();
            List<TableSplit> splits = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                splits.add(TableSplitSerializer.read(in));
            }
            return new BackfillPlan(planned, splits);
        }
    }
}
