package io.syncline.operators.read;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Writes {@link TableSplit}s into checkpoints and to the readers. */
public final class TableSplitSerializer implements SimpleVersionedSerializer<TableSplit> {

    public static final TableSplitSerializer INSTANCE = new TableSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(TableSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public TableSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown version " + version + " of a serialized table split");
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(TableSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.id());
        out.writeInt(split.table());
        writeKey(split.from(), out);
        writeKey(split.before(), out);
        writeKey(split.after(), out);
        out.writeLong(split.rows());
        out.writeLong(split.runRows());
    }

    static TableSplit read(DataInputView in) throws IOException {
        return new TableSplit(
                in.readUTF(),
                in.readInt(),
                readKey(in),
                readKey(in),
                readKey(in),
                in.readLong(),
                in.readLong());
    }

    private static void writeKey(List<String> key, DataOutputView out) throws IOException {
        if (key == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(key.size());
        for (String part : key) {
            out.writeBoolean(part != null);
            if (part != null) {
                out.writeUTF(part);
            }
        }
    }

    private static List<String> readKey(DataInputView in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            return null;
        }
        List<String> key = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            key.add(in.readBoolean() ? in.readUTF() : null);
        }
        return key;
    }
}
