package io.syncline.operators.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/** Writes {@link HttpResourceSplit}s into checkpoints and to the readers. */
public final class HttpResourceSplitSerializer
        implements SimpleVersionedSerializer<HttpResourceSplit> {

    public static final HttpResourceSplitSerializer INSTANCE = new HttpResourceSplitSerializer();

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(HttpResourceSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public HttpResourceSplit deserialize(int version, byte[] serialized) throws IOException {
        checkVersion(version);
        return read(new DataInputDeserializer(serialized));
    }

    private static void write(HttpResourceSplit split, DataOutputView out) throws IOException {
        out.writeUTF(split.path());
        out.writeBoolean(split.cursor() != null);
        if (split.cursor() != null) {
            // writeUTF stops at 64 KB; opaque cursors may be long.
            byte[] cursor = split.cursor().getBytes(StandardCharsets.UTF_8);
            out.writeInt(cursor.length);
            out.write(cursor);
        }
    }

    private static HttpResourceSplit read(DataInputView in) throws IOException {
        String path = in.readUTF();
        String cursor = null;
        if (in.readBoolean()) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            cursor = new String(bytes, StandardCharsets.UTF_8);
        }
        return new HttpResourceSplit(path, cursor);
    }

    private static void checkVersion(int version) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown version " + version + " of a serialized HTTP split");
        }
    }

    /** Writes the enumerator's state. */
    static final class EnumeratorState implements SimpleVersionedSerializer<HttpEnumeratorState> {

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(HttpEnumeratorState state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(128);
            out.writeInt(state.unassigned().size());
            for (HttpResourceSplit split : state.unassigned()) {
                write(split, out);
            }
            out.writeInt(state.assigned().size());
            for (String path : state.assigned()) {
                out.writeUTF(path);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public HttpEnumeratorState deserialize(int version, byte[] serialized) throws IOException {
            checkVersion(version);
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int size = in.readInt();
            List<HttpResourceSplit> unassigned = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                unassigned.add(read(in));
            }
            int assignedSize = in.readInt();
            Set<String> assigned = new HashSet<>();
            for (int i = 0; i < assignedSize; i++) {
                assigned.add(in.readUTF());
            }
            return new HttpEnumeratorState(unassigned, assigned);
        }
    }
}
