package io.syncline.jobs.reconcile;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link TableSide} over rows in memory with one numeric key, counting what is transferred. */
final class InMemorySide implements TableSide {

    final NavigableMap<Long, Map<String, String>> rows = new TreeMap<>();
    final AtomicInteger digestCalls = new AtomicInteger();
    final AtomicInteger rowsTransferred = new AtomicInteger();

    void put(long key, String... columnsAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", Long.toString(key));
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put(columnsAndValues[i], columnsAndValues[i + 1]);
        }
        rows.put(key, row);
    }

    InMemorySide copy() {
        InMemorySide copy = new InMemorySide();
        rows.forEach((key, row) -> copy.rows.put(key, new LinkedHashMap<>(row)));
        return copy;
    }

    @Override
    public long count() {
        return rows.size();
    }

    @Override
    public RangeChecksum checksum(KeyRange range) {
        BigInteger sum = BigInteger.ZERO;
        BigInteger seeded = BigInteger.ZERO;
        NavigableMap<Long, Map<String, String>> part = in(range);
        for (Map<String, String> row : part.values()) {
            sum = sum.add(BigInteger.valueOf(hash(row, 0)));
            seeded = seeded.add(BigInteger.valueOf(hash(row, 1)));
        }
        return new RangeChecksum(part.size(), sum, seeded);
    }

    @Override
    public List<List<String>> boundaries(KeyRange range, long rowCount, int parts) {
        long step = Math.max(1, (rowCount + parts - 1) / parts);
        List<List<String>> boundaries = new ArrayList<>();
        long number = 0;
        for (Long key : in(range).keySet()) {
            number++;
            if (number > 1 && (number - 1) % step == 0) {
                boundaries.add(List.of(Long.toString(key)));
            }
        }
        return boundaries;
    }

    @Override
    public List<RowDigest> digests(KeyRange range) {
        digestCalls.incrementAndGet();
        List<RowDigest> digests = new ArrayList<>();
        in(range)
                .forEach(
                        (key, row) -> {
                            rowsTransferred.incrementAndGet();
                            digests.add(new RowDigest(List.of(Long.toString(key)), hash(row, 0)));
                        });
        return digests;
    }

    private Optional<Map<String, String>> row(List<String> key) {
        rowsTransferred.incrementAndGet();
        return Optional.ofNullable(rows.get(Long.parseLong(key.get(0))));
    }

    @Override
    public Map<List<String>, Map<String, String>> rows(List<List<String>> keys) {
        Map<List<String>, Map<String, String>> found = new java.util.HashMap<>();
        for (List<String> key : keys) {
            row(key).ifPresent(row -> found.put(key, row));
        }
        return found;
    }

    private NavigableMap<Long, Map<String, String>> in(KeyRange range) {
        NavigableMap<Long, Map<String, String>> part = rows;
        if (range.from() != null) {
            part = part.tailMap(Long.parseLong(range.from().get(0)), true);
        }
        if (range.to() != null) {
            part = part.headMap(Long.parseLong(range.to().get(0)), false);
        }
        return part;
    }

    private static long hash(Map<String, String> row, int seed) {
        long hash = 1125899906842597L + seed * 31L;
        for (char c : row.toString().toCharArray()) {
            hash = 31 * hash + c;
        }
        return hash * 0x9E3779B97F4A7C15L + seed;
    }
}
